import { createHash } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { TransferContext } from "./s3-client";
import { describeStorageError, isRetryable, StorageError } from "./storage-errors";

// The requests of one try of putFile (put-file.ts): a single PUT for a file of one part, else a
// multipart upload, begun, or continued from an earlier try's parts (put-file.ts says when).

/** What a try's caller watches and stops it with. */
export interface TransferOptions {
  /** Bytes of the object sent to the storage so far by this try. */
  onProgress?: (bytesSent: number) => void;
  signal?: AbortSignal;
}

/** Parts in flight at once: the memory bound is this times the part size. */
export const UPLOAD_QUEUE_SIZE = 4;

/** Multipart uploads a retryable failure left open, by storage, bucket and key: the next try continues one. */
interface UnfinishedUpload {
  uploadId: string;
  partSize: number;
  plaintextSha256: string;
}
const unfinishedUploads = new Map<string, UnfinishedUpload>();
const uploadSlot = (context: TransferContext, fullKey: string) =>
  `${context.target.endpoint}\n${context.bucket}\n${fullKey}`;

// MD5 costs more CPU than SHA-256 or ChaCha20 here: computed only for parts an earlier try left.
const md5Hex = (data: Uint8Array) => createHash("md5").update(data).digest("hex");

/** One try's requests: a single PUT, or a multipart upload begun or continued. */
export class PartTransfer {
  bytesSent = 0;
  partsReused = 0;
  private uploadId: string | undefined;
  private readonly slot: string;

  constructor(
    private readonly context: TransferContext,
    private readonly fullKey: string,
    private readonly options: TransferOptions,
  ) {
    this.slot = uploadSlot(context, fullKey);
  }

  /** Each request stops when the caller's signal aborts. */
  private get requestOptions() {
    return { abortSignal: this.options.signal };
  }

  private sent(bytes: number) {
    this.bytesSent += bytes;
    this.options.onProgress?.(this.bytesSent);
  }

  async send(
    parts: AsyncGenerator<Buffer>,
    plan: { partSize: number; plaintextSha256: string; metadata: Record<string, string> },
  ): Promise<void> {
    const { Bucket, Key } = { Bucket: this.context.bucket, Key: this.fullKey };
    // Two parts read before deciding: one part or none is a single PUT.
    const first = await parts.next();
    const second = first.done ? first : await parts.next();
    if (second.done) {
      const data = first.done ? Buffer.alloc(0) : first.value;
      await this.context.client.send(
        new PutObjectCommand({
          Bucket,
          Key,
          Body: data,
          ContentType: "application/octet-stream",
          Metadata: plan.metadata,
        }),
        this.requestOptions,
      );
      this.sent(data.length);
      return;
    }
    const held = await this.openUpload(plan);
    const completed: { PartNumber: number; ETag: string }[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: unknown = null;
    const all = (async function* () {
      yield first.value!;
      yield second.value!;
      yield* parts;
    })();
    let partNumber = 0;
    try {
      for await (const data of all) {
        partNumber += 1;
        const stored = held.get(partNumber);
        if (stored && stored.size === data.length && stored.etag === md5Hex(data)) {
          completed.push({ PartNumber: partNumber, ETag: stored.rawEtag });
          this.partsReused += 1;
          continue;
        }
        // The part is read before a slot is waited for: the next one is ready when a slot frees.
        while (inFlight.size >= UPLOAD_QUEUE_SIZE && !failure) await Promise.race(inFlight);
        if (failure) break;
        const number = partNumber;
        const task = this.context.client
          .send(
            new UploadPartCommand({
              Bucket,
              Key,
              UploadId: this.uploadId,
              PartNumber: number,
              Body: data,
            }),
            this.requestOptions,
          )
          .then(
            (answer) => {
              if (!answer.ETag) {
                failure ??= new StorageError(
                  `the storage answered part ${number} without an ETag`,
                  "NoETag",
                  false,
                );
                return;
              }
              completed.push({ PartNumber: number, ETag: answer.ETag });
              this.sent(data.length);
            },
            (error: unknown) => {
              failure ??= error;
            },
          );
        inFlight.add(task);
        void task.then(() => inFlight.delete(task));
      }
    } finally {
      // Settled before anything is decided about the upload (the tasks never reject: `failure` holds why).
      await Promise.all(inFlight);
    }
    if (failure) throw failure;
    await this.context.client.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId: this.uploadId,
        MultipartUpload: { Parts: completed.sort((a, b) => a.PartNumber - b.PartNumber) },
      }),
      this.requestOptions,
    );
    unfinishedUploads.delete(this.slot);
  }

  /** The upload an earlier try left for the same bytes, with the parts the storage holds; else a new one. */
  private async openUpload(plan: {
    partSize: number;
    plaintextSha256: string;
    metadata: Record<string, string>;
  }): Promise<Map<number, { size: number; etag: string; rawEtag: string }>> {
    const held = new Map<number, { size: number; etag: string; rawEtag: string }>();
    const earlier = unfinishedUploads.get(this.slot);
    if (earlier && earlier.partSize === plan.partSize && earlier.plaintextSha256 === plan.plaintextSha256) {
      try {
        let marker: string | undefined;
        for (;;) {
          const page = await this.context.client.send(
            new ListPartsCommand({
              Bucket: this.context.bucket,
              Key: this.fullKey,
              UploadId: earlier.uploadId,
              PartNumberMarker: marker,
            }),
            this.requestOptions,
          );
          for (const part of page.Parts ?? []) {
            if (!part.PartNumber || !part.ETag) continue;
            const etag = part.ETag.replace(/"/g, "").toLowerCase();
            held.set(part.PartNumber, { size: part.Size ?? -1, etag, rawEtag: part.ETag });
          }
          if (!page.IsTruncated || !page.NextPartNumberMarker) break;
          marker = page.NextPartNumberMarker;
        }
        this.uploadId = earlier.uploadId;
        return held;
      } catch (error) {
        // Gone (completed, aborted, expired by a lifecycle rule): a fresh upload. Else the storage is still away.
        if (!isNoSuchUpload(error)) throw error;
        unfinishedUploads.delete(this.slot);
        held.clear();
      }
    }
    const created = await this.context.client.send(
      new CreateMultipartUploadCommand({
        Bucket: this.context.bucket,
        Key: this.fullKey,
        ContentType: "application/octet-stream",
        Metadata: plan.metadata,
      }),
      this.requestOptions,
    );
    if (!created.UploadId)
      throw new StorageError("the storage began an upload without an id", "NoUploadId", true);
    this.uploadId = created.UploadId;
    unfinishedUploads.set(this.slot, {
      uploadId: created.UploadId,
      partSize: plan.partSize,
      plaintextSha256: plan.plaintextSha256,
    });
    return held;
  }

  /** After a failure: a retryable one keeps the upload for the next try; any other aborts it. */
  async settle(reason: Error): Promise<void> {
    if (!this.uploadId || isRetryable(reason)) return;
    unfinishedUploads.delete(this.slot);
    await abortMultipartUpload(this.context, this.fullKey, this.uploadId, reason);
  }
}

function isNoSuchUpload(error: unknown): boolean {
  const fields = error as { name?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  return fields?.name === "NoSuchUpload" || fields?.$metadata?.httpStatusCode === 404;
}

async function abortMultipartUpload(
  context: TransferContext,
  fullKey: string,
  uploadId: string | undefined,
  reason: Error,
): Promise<void> {
  if (!uploadId) return;
  try {
    await context.client.send(
      new AbortMultipartUploadCommand({ Bucket: context.bucket, Key: fullKey, UploadId: uploadId }),
    );
  } catch (abortError) {
    // The storage that just failed often cannot take the abort either; its parts stay until a
    // lifecycle rule (AbortIncompleteMultipartUpload) removes them. They are never an object.
    const described = describeStorageError(abortError, context.target);
    reason.message += `; the incomplete upload could not be aborted (${described.code})`;
  }
}
