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
import {
  partChecksum,
  processUploads,
  type RecordedPart,
  type UploadLedger,
  type UploadSlot,
} from "./upload-ledger";

// The requests of one try of putFile (put-file.ts): a single PUT for a file of one part, else a
// multipart upload, begun, or continued from an earlier try's parts. The upload and each part
// the storage answered for are recorded in a ledger (upload-ledger.ts; the catalog's survives a
// worker restart); a later try for the same bytes lists the upload's parts (ListParts) and
// reuses each recorded part the storage still holds as recorded (ETag and size) when the bytes
// it reads for it have the recorded checksum, sending only the others.

/** What a try's caller watches and stops it with, and where the upload is remembered. */
export interface TransferOptions {
  /** Bytes of the object sent to the storage so far by this try. */
  onProgress?: (bytesSent: number) => void;
  signal?: AbortSignal;
  /** Where an unfinished upload is kept for the next try: this process's memory unless given. */
  uploads?: UploadLedger;
}

/** Parts in flight at once: the memory bound is this times the part size. */
export const UPLOAD_QUEUE_SIZE = 4;

/** One try's requests: a single PUT, or a multipart upload begun or continued. */
export class PartTransfer {
  bytesSent = 0;
  partsReused = 0;
  private uploadId: string | undefined;
  private handle: string | undefined;
  private readonly slot: UploadSlot;
  private readonly ledger: UploadLedger;

  constructor(
    private readonly context: TransferContext,
    private readonly fullKey: string,
    private readonly options: TransferOptions,
  ) {
    this.slot = { endpoint: context.target.endpoint, bucket: context.bucket, key: fullKey };
    this.ledger = options.uploads ?? processUploads;
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
    const reusable = await this.openUpload(plan);
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
        const recorded = reusable.get(partNumber);
        const checksum = partChecksum(data);
        if (recorded && recorded.sizeBytes === data.length && recorded.checksum === checksum) {
          completed.push({ PartNumber: partNumber, ETag: recorded.etag });
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
          .then(async (answer) => {
            if (!answer.ETag)
              throw new StorageError(`the storage answered part ${number} without an ETag`, "NoETag", false);
            const part = { partNumber: number, etag: answer.ETag, sizeBytes: data.length, checksum };
            await this.ledger.recordPart(this.handle!, part);
            completed.push({ PartNumber: number, ETag: answer.ETag });
            this.sent(data.length);
          })
          .catch((error: unknown) => {
            failure ??= error;
          });
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
    await this.ledger.forget(this.handle!);
  }

  /**
   * The upload an earlier try left for the same bytes, with its recorded parts the storage still
   * holds as recorded (ListParts), by part number; else a new upload, and no parts.
   */
  private async openUpload(plan: {
    partSize: number;
    plaintextSha256: string;
    metadata: Record<string, string>;
  }): Promise<Map<number, RecordedPart>> {
    const reusable = new Map<number, RecordedPart>();
    const earlier = await this.ledger.find(this.slot);
    if (earlier) {
      if (earlier.partSize === plan.partSize && earlier.plaintextSha256 === plan.plaintextSha256) {
        try {
          const held = await this.listParts(earlier.uploadId);
          for (const part of earlier.parts) {
            const stored = held.get(part.partNumber);
            if (stored && stored.size === part.sizeBytes && bareEtag(stored.etag) === bareEtag(part.etag))
              reusable.set(part.partNumber, part);
          }
          this.uploadId = earlier.uploadId;
          this.handle = earlier.handle;
          return reusable;
        } catch (error) {
          // Gone (completed, aborted, expired by a lifecycle rule): a fresh upload. Else the storage is still away.
          if (!isNoSuchUpload(error)) throw error;
        }
      } else {
        // Other bytes under the same key: the earlier parts are of no use.
        await this.context.client
          .send(
            new AbortMultipartUploadCommand({
              Bucket: this.context.bucket,
              Key: this.fullKey,
              UploadId: earlier.uploadId,
            }),
            this.requestOptions,
          )
          .catch(() => {});
      }
      await this.ledger.forget(earlier.handle);
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
    this.handle = await this.ledger.begin(this.slot, {
      uploadId: created.UploadId,
      partSize: plan.partSize,
      plaintextSha256: plan.plaintextSha256,
    });
    return reusable;
  }

  /** The parts the storage holds for an upload, by number (NoSuchUpload when it is gone). */
  private async listParts(uploadId: string): Promise<Map<number, { size: number; etag: string }>> {
    const held = new Map<number, { size: number; etag: string }>();
    let marker: string | undefined;
    for (;;) {
      const page = await this.context.client.send(
        new ListPartsCommand({
          Bucket: this.context.bucket,
          Key: this.fullKey,
          UploadId: uploadId,
          PartNumberMarker: marker,
        }),
        this.requestOptions,
      );
      for (const part of page.Parts ?? [])
        if (part.PartNumber && part.ETag)
          held.set(part.PartNumber, { size: part.Size ?? -1, etag: part.ETag });
      if (!page.IsTruncated || !page.NextPartNumberMarker) return held;
      marker = page.NextPartNumberMarker;
    }
  }

  /** After a failure: a retryable one keeps the upload for the next try; any other aborts it. */
  async settle(reason: Error): Promise<void> {
    if (!this.uploadId || isRetryable(reason)) return;
    if (this.handle) await this.ledger.forget(this.handle).catch(() => {});
    await abortMultipartUpload(this.context, this.fullKey, this.uploadId, reason);
  }
}

/** An ETag without its quotes, lower-case: storages differ in how they quote it. */
const bareEtag = (etag: string) => etag.replace(/"/g, "").toLowerCase();

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
