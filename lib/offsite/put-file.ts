import fs from "node:fs/promises";
import { createHash } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { AgeSealer } from "./age";
import { ChecksumMismatchError, SHA256_PATTERN, sha256File } from "./checksum";
import { fromS3Metadata, toS3Metadata, type WaldenObjectMetadata } from "./object-metadata";
import { describeStorageError, isRetryable, StorageError, type StorageTarget } from "./storage-errors";

// A local file to an object, streamed: read once, hashed on the way (and encrypted, when asked),
// sent in parts of at least 8 MiB, a few at a time, so memory stays at about queueSize × partSize
// whatever the file's size.
//
// No partial object is ever visible under the final key: a file larger than one part goes up
// as a multipart upload, which S3 assembles into the object only at CompleteMultipartUpload,
// atomically; a smaller one is a single PUT, which S3 stores whole or not at all. Both are
// atomic on AWS S3, MinIO and Ceph, so no temporary key and server-side copy are needed (a copy
// would double the requests and, above 5 GiB, need a multipart copy of its own). The file's
// SHA-256 is checked at its end, before the last part is handed to the upload, so a
// mismatching upload is never completed.
//
// Resumable per part: when the storage goes away mid-upload (a retryable failure), the
// multipart upload is kept, and the caller's next try (retry.ts) continues it: ListParts says
// which parts the storage holds, and each one is reused only when its size and MD5 (its ETag)
// match the bytes this try reads for it, so only the missing or different parts are sent
// again. (Parts carry no Content-MD5, as the SDK's own uploads do not: the whole file's
// SHA-256 is checked on the way, and the stored size and checksum after.) An encrypted file's parts never match (age encrypts under a new file key each time),
// so it is sent whole again, into the same upload. Which upload to continue is remembered in
// this process (a worker that restarts starts a fresh one; a lifecycle rule for incomplete
// multipart uploads removes the old parts). Any other failure aborts the upload (best effort).
export interface PutFileOptions {
  /** The file's SHA-256 when known (SHA256SUMS): checked while streaming; else the file is read once more to learn it. */
  sha256?: string;
  /** Encrypt to this age recipient ("age1…") on the way. */
  encryptTo?: string;
  /** Encrypted: hash the ciphertext too (the result's sha256), to check a raw download later. */
  ciphertextSha256?: boolean;
  /** More facts to store with the object (a WAL segment's commit times); the checksum and encryption fields are putFile's own. */
  metadata?: Pick<WaldenObjectMetadata, "walCommits">;
  /** Bytes of the object sent to the storage so far by this try (parts it already held are not sent). */
  onProgress?: (bytesSent: number) => void;
  signal?: AbortSignal;
}

export interface PutFileResult {
  key: string;
  /** Size of the object (the ciphertext, when encrypted). */
  sizeBytes: number;
  /**
   * SHA-256 of the object's bytes: the file's when plain; for an encrypted object only when
   * asked (options.ciphertextSha256), else null — age authenticates every 64 KiB chunk and the
   * plaintext's SHA-256 is stored with the object, so a second pass over the ciphertext (a
   * sixth of an encrypted copy's CPU) would check nothing more.
   */
  sha256: string | null;
  plaintextBytes: number;
  plaintextSha256: string;
  encrypted: boolean;
  /** Bytes this try sent: less than sizeBytes when it continued an upload an earlier try began. */
  bytesSent: number;
  /** Parts the storage already held from an earlier try, checked and not sent again. */
  partsReused: number;
}

export interface TransferContext {
  client: S3Client;
  bucket: string;
  target: StorageTarget;
}

/** Parts at least this big: S3's minimum is 5 MiB; fewer, larger parts mean fewer requests. */
export const MIN_PART_BYTES = 8 * 1024 * 1024;
/** S3 allows 10,000 parts; this leaves room for encryption's overhead and a growing file. */
const MAX_PARTS_PLANNED = 9_000;
/** Parts in flight at once: the memory bound is this times the part size. */
export const UPLOAD_QUEUE_SIZE = 4;

export function partSizeFor(fileBytes: number): number {
  return Math.max(MIN_PART_BYTES, Math.ceil(fileBytes / MAX_PARTS_PLANNED / 1024 / 1024) * 1024 * 1024);
}

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

/** Plaintext read per call when encrypting: a whole number of age chunks. */
const READ_BYTES = 16 * AgeSealer.CHUNK_BYTES;

/** What was read and sent, known once the parts have all been taken. */
interface ObjectTally {
  plaintextBytes: number;
  plaintextSha256: string | null;
  objectBytes: number;
  objectSha256: string | null;
}

/**
 * The object's bytes in parts of exactly `partSize` (the last one shorter), read from the file
 * straight into each part (plain) or sealed 64 KiB at a time and copied in (encrypted): one
 * copy at most, no stream stages. The plaintext's SHA-256 is checked at the end of the file,
 * before the last part is handed out, so a mismatching upload is never completed.
 */
async function* objectParts(
  localPath: string,
  partSize: number,
  expected: { sha256: string; what: string },
  encryptTo: string | undefined,
  hashCiphertext: boolean,
  tally: ObjectTally,
): AsyncGenerator<Buffer> {
  const plainHash = createHash("sha256");
  // Plain, the object is the file: one hash serves both.
  const objectHash = encryptTo && hashCiphertext ? createHash("sha256") : null;
  const handle = await fs.open(localPath, "r");
  let part = Buffer.allocUnsafe(partSize);
  let filled = 0;
  const finishPart = () => {
    const full = filled === part.length ? part : part.subarray(0, filled);
    objectHash?.update(full);
    tally.objectBytes += full.length;
    part = Buffer.allocUnsafe(partSize);
    filled = 0;
    return full;
  };
  const checkPlaintext = () => {
    tally.plaintextSha256 = plainHash.digest("hex");
    if (tally.plaintextSha256 !== expected.sha256)
      throw new ChecksumMismatchError(expected.what, expected.sha256, tally.plaintextSha256);
  };
  try {
    if (!encryptTo) {
      for (;;) {
        const { bytesRead } = await handle.read(part, filled, partSize - filled, null);
        plainHash.update(part.subarray(filled, filled + bytesRead));
        filled += bytesRead;
        tally.plaintextBytes += bytesRead;
        if (bytesRead === 0) break;
        if (filled === partSize) yield finishPart();
      }
      checkPlaintext();
      tally.objectSha256 = tally.plaintextSha256;
      if (filled > 0) yield finishPart();
      return;
    }
    const sealer = new AgeSealer([encryptTo]);
    const CHUNK = AgeSealer.CHUNK_BYTES;
    // Sealed bytes into the current part, handing out each part as it fills.
    const pending: Buffer[] = [];
    const append = function* (data: Buffer): Generator<Buffer> {
      let at = 0;
      while (at < data.length) {
        const n = Math.min(data.length - at, partSize - filled);
        data.copy(part, filled, at, at + n);
        filled += n;
        at += n;
        if (filled === partSize) yield finishPart();
      }
    };
    pending.push(sealer.prefix);
    // One chunk more than a read: a full chunk is sealed only once a byte after it is known.
    const plain = Buffer.allocUnsafe(READ_BYTES + CHUNK);
    let have = 0;
    for (;;) {
      const { bytesRead } = await handle.read(plain, have, READ_BYTES, null);
      plainHash.update(plain.subarray(have, have + bytesRead));
      tally.plaintextBytes += bytesRead;
      have += bytesRead;
      let at = 0;
      while (have - at > CHUNK) {
        pending.push(...sealer.seal(plain.subarray(at, at + CHUNK), false));
        at += CHUNK;
      }
      if (bytesRead === 0) {
        checkPlaintext();
        pending.push(...sealer.seal(plain.subarray(at, have), true));
      } else {
        plain.copy(plain, 0, at, have);
        have -= at;
      }
      for (const data of pending) yield* append(data);
      pending.length = 0;
      if (bytesRead === 0) break;
    }
    if (filled > 0) yield finishPart();
  } finally {
    await handle.close();
    if (objectHash && tally.plaintextSha256 !== null) tally.objectSha256 = objectHash.digest("hex");
  }
}

export async function putFile(
  context: TransferContext,
  localPath: string,
  fullKey: string,
  relative: string,
  options: PutFileOptions = {},
): Promise<PutFileResult> {
  if (options.sha256 !== undefined && !SHA256_PATTERN.test(options.sha256)) {
    throw new Error(`not a SHA-256 (64 hexadecimal digits): ${options.sha256}`);
  }
  const { size } = await fs.stat(localPath);
  const plaintextSha256 = (options.sha256 ?? (await sha256File(localPath)).sha256).toLowerCase();
  const metadata = toS3Metadata({
    walCommits: options.metadata?.walCommits,
    ...(options.encryptTo
      ? { plaintextSha256, encryption: "age" as const, ageRecipient: options.encryptTo }
      : { sha256: plaintextSha256, plaintextSha256 }),
  });
  const tally: ObjectTally = { plaintextBytes: 0, plaintextSha256: null, objectBytes: 0, objectSha256: null };
  const partSize = partSizeFor(size);
  const parts = objectParts(
    localPath,
    partSize,
    { sha256: plaintextSha256, what: localPath },
    options.encryptTo,
    options.ciphertextSha256 === true,
    tally,
  );
  const transfer = new PartTransfer(context, fullKey, options);
  try {
    await transfer.send(parts, { partSize, plaintextSha256, metadata });
  } catch (error) {
    await parts.return(undefined).catch(() => {});
    const reason = describeUploadError(error, context);
    await transfer.settle(reason);
    throw reason;
  }
  if (tally.plaintextSha256 === null) throw new Error(`putFile: ${localPath} was not read to its end`);
  await checkStoredObject(context, fullKey, tally.objectBytes, plaintextSha256);
  return {
    key: relative,
    sizeBytes: tally.objectBytes,
    sha256: tally.objectSha256,
    plaintextBytes: tally.plaintextBytes,
    plaintextSha256,
    encrypted: Boolean(options.encryptTo),
    bytesSent: transfer.bytesSent,
    partsReused: transfer.partsReused,
  };
}

/** One try's requests: a single PUT, or a multipart upload begun or continued. */
class PartTransfer {
  bytesSent = 0;
  partsReused = 0;
  private uploadId: string | undefined;
  private readonly slot: string;

  constructor(
    private readonly context: TransferContext,
    private readonly fullKey: string,
    private readonly options: PutFileOptions,
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

function describeUploadError(error: unknown, context: TransferContext): Error {
  if (error instanceof ChecksumMismatchError) return error;
  if (error instanceof Error && error.name === "AbortError") return error;
  return describeStorageError(error, context.target);
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

/** The object is there, whole: the size sent and the checksum Walden stored with it. */
async function checkStoredObject(
  context: TransferContext,
  fullKey: string,
  bytesSent: number,
  plaintextSha256: string,
): Promise<void> {
  let head;
  try {
    head = await context.client.send(new HeadObjectCommand({ Bucket: context.bucket, Key: fullKey }));
  } catch (error) {
    throw describeStorageError(error, context.target);
  }
  const stored = fromS3Metadata(head.Metadata);
  if (head.ContentLength !== bytesSent || stored.plaintextSha256 !== plaintextSha256) {
    throw new StorageError(
      `the storage holds ${head.ContentLength ?? "?"} bytes (checksum ${stored.plaintextSha256 ?? "none"}) under ${fullKey} after ${bytesSent} were sent (checksum ${plaintextSha256})`,
      "SizeMismatch",
      true,
    );
  }
}
