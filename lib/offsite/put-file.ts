import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import { pipeline } from "node:stream";
import { AbortMultipartUploadCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { AgeEncryptStream } from "./age";
import { ChecksumMismatchError, HashingStream, SHA256_PATTERN, sha256File } from "./checksum";
import { fromS3Metadata, toS3Metadata } from "./object-metadata";
import { describeStorageError, StorageError, type StorageTarget } from "./storage-errors";

// A local file to an object, streamed: read once, hashed on the way (and encrypted, when asked),
// sent in parts of at least 8 MiB, a few at a time, so memory stays at queueSize × partSize
// whatever the file's size.
//
// No partial object is ever visible under the final key: a file larger than one part goes up
// as a multipart upload, which S3 assembles into the object only at CompleteMultipartUpload,
// atomically; a smaller one is a single PUT, which S3 stores whole or not at all. Both are
// atomic on AWS S3, MinIO and Ceph, so no temporary key and server-side copy are needed (a copy
// would double the requests and, above 5 GiB, need a multipart copy of its own). The checksum
// stream fails before the body ends when the bytes differ from the expected SHA-256, so a
// mismatching upload is never completed. On any failure the multipart upload is aborted (best
// effort: a storage that has gone away cannot be told; a lifecycle rule for incomplete
// multipart uploads removes those parts later). Retrying is the caller's loop (retry.ts):
// each try starts a fresh upload.

export interface PutFileOptions {
  /** The file's SHA-256 when known (SHA256SUMS): checked while streaming; else the file is read once more to learn it. */
  sha256?: string;
  /** Encrypt to this age recipient ("age1…") on the way. */
  encryptTo?: string;
  /** Bytes of the object sent so far. */
  onProgress?: (bytesSent: number) => void;
  signal?: AbortSignal;
}

export interface PutFileResult {
  key: string;
  /** Size of the object (the ciphertext, when encrypted). */
  sizeBytes: number;
  /** SHA-256 of the object's bytes. */
  sha256: string;
  plaintextBytes: number;
  plaintextSha256: string;
  encrypted: boolean;
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
  const plainHash = new HashingStream({ sha256: plaintextSha256, what: localPath });
  // Encrypted, the object's bytes are the ciphertext, hashed once more; plain, they are the file's.
  const objectHash = options.encryptTo ? new HashingStream() : plainHash;
  const source = createReadStream(localPath, { highWaterMark: 1024 * 1024 });
  // An error in any stage destroys them all; the upload reading `body` sees it.
  if (options.encryptTo) {
    pipeline(source, plainHash, new AgeEncryptStream([options.encryptTo]), objectHash, () => {});
  } else {
    pipeline(source, plainHash, () => {});
  }
  const body = objectHash;

  const abortController = new AbortController();
  const onAbort = () => abortController.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const upload = new Upload({
    client: context.client,
    params: {
      Bucket: context.bucket,
      Key: fullKey,
      Body: body,
      ContentType: "application/octet-stream",
      Metadata: toS3Metadata(
        options.encryptTo
          ? { plaintextSha256, encryption: "age", ageRecipient: options.encryptTo }
          : { sha256: plaintextSha256, plaintextSha256 },
      ),
    },
    queueSize: UPLOAD_QUEUE_SIZE,
    partSize: partSizeFor(size),
    // Aborted here instead, so that a failing abort cannot hide why the upload failed.
    leavePartsOnError: true,
    abortController,
  });
  if (options.onProgress)
    upload.on("httpUploadProgress", (progress) => options.onProgress?.(progress.loaded ?? 0));
  try {
    await upload.done();
  } catch (error) {
    body.destroy();
    const reason =
      plainHash.errored instanceof ChecksumMismatchError
        ? plainHash.errored
        : describeUploadError(error, context);
    await abortMultipartUpload(context, fullKey, upload.uploadId, reason);
    throw reason;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  await checkStoredObject(context, fullKey, objectHash.bytes, plaintextSha256);
  return {
    key: relative,
    sizeBytes: objectHash.bytes,
    sha256: objectHash.sha256,
    plaintextBytes: plainHash.bytes,
    plaintextSha256,
    encrypted: Boolean(options.encryptTo),
  };
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
