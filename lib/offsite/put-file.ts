import fs from "node:fs/promises";
import { CopyObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { ChecksumMismatchError, SHA256_PATTERN, sha256File } from "./checksum";
import { PartTransfer } from "./multipart-upload";
import { objectParts, partSizeFor, type ObjectTally } from "./object-parts";
import { fromS3Metadata, toS3Metadata, type WaldenObjectMetadata } from "./object-metadata";
import type { TransferContext } from "./s3-client";
import { describeStorageError, StorageError } from "./storage-errors";
import type { UploadLedger } from "./upload-ledger";

export { MIN_PART_BYTES, partSizeFor } from "./object-parts";
export { UPLOAD_QUEUE_SIZE } from "./multipart-upload";

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
// multipart upload is kept, and the caller's next try (retry.ts) continues it
// (multipart-upload.ts): the upload id and each part the storage answered for are recorded in
// a ledger — this process's memory, or the catalog (catalog-uploads.ts), which a worker
// restart does not lose — and each recorded part the storage still lists is reused when the
// bytes this try reads for it have its recorded checksum, so only the missing or different parts
// are sent again. (Parts carry no Content-MD5, as the SDK's own uploads do not: the whole file's
// SHA-256 is checked on the way, and the stored size and checksum after.) An encrypted file's
// parts never match (age encrypts under a new file key each time), so it is sent whole again,
// into the same upload. An upload never continued is removed from the storage by a lifecycle
// rule for incomplete multipart uploads. Any other failure aborts the upload (best effort).
export interface PutFileOptions {
  /** The file's SHA-256 when known (SHA256SUMS): checked while streaming; else the file is read once more to learn it. */
  sha256?: string;
  /** Encrypt to this age recipient ("age1…") on the way (the ciphertext is hashed on the way too). */
  encryptTo?: string;
  /** The file is already an age file (a WAL segment sealed at rest): stored as is, described as encrypted to `recipient`. */
  sealed?: { recipient: string; plaintextSha256: string };
  /**
   * Encrypted: write the ciphertext's SHA-256 into the object's metadata once known (a server-side
   * copy onto itself; see recordCiphertextSha256). Default true; a backup copy's files say no,
   * their SHA256SUMS.ciphertext holds it, and a copy of a large object is not free.
   */
  recordCiphertextSha256?: boolean;
  /** More facts to store with the object (a WAL segment's commit times); the checksum and encryption fields are putFile's own. */
  metadata?: Pick<WaldenObjectMetadata, "walCommits">;
  /** Bytes of the object sent to the storage so far by this try (parts it already held are not sent). */
  onProgress?: (bytesSent: number) => void;
  signal?: AbortSignal;
  /** Where an unfinished upload is kept for the next try: this process's memory unless given (catalogUploads survives a restart). */
  uploads?: UploadLedger;
}

export interface PutFileResult {
  key: string;
  /** Size of the object (the ciphertext, when encrypted). */
  sizeBytes: number;
  /**
   * SHA-256 of the object's bytes: the file's when plain, the ciphertext's when encrypted (hashed
   * as it was sent, so a copy can be checked without its key: SHA256SUMS.ciphertext, or the
   * object's own `sha256` metadata, options.recordCiphertextSha256).
   */
  sha256: string;
  plaintextBytes: number;
  plaintextSha256: string;
  encrypted: boolean;
  /** Bytes this try sent: less than sizeBytes when it continued an upload an earlier try began. */
  bytesSent: number;
  /** Parts the storage already held from an earlier try, checked and not sent again. */
  partsReused: number;
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
  const fileSha256 = (options.sha256 ?? (await sha256File(localPath)).sha256).toLowerCase();
  const { sealed } = options;
  const plaintextSha256 = sealed?.plaintextSha256 ?? fileSha256;
  const metadata = toS3Metadata({
    walCommits: options.metadata?.walCommits,
    ...(options.encryptTo
      ? { plaintextSha256, encryption: "age" as const, ageRecipient: options.encryptTo }
      : sealed
        ? { sha256: fileSha256, plaintextSha256, encryption: "age" as const, ageRecipient: sealed.recipient }
        : { sha256: plaintextSha256, plaintextSha256 }),
  });
  const tally: ObjectTally = { plaintextBytes: 0, plaintextSha256: null, objectBytes: 0, objectSha256: null };
  const partSize = partSizeFor(size);
  const parts = objectParts(
    localPath,
    partSize,
    { sha256: fileSha256, what: localPath },
    options.encryptTo,
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
  if (tally.plaintextSha256 === null || tally.objectSha256 === null)
    throw new Error(`putFile: ${localPath} was not read to its end`);
  if (options.encryptTo && options.recordCiphertextSha256 !== false && tally.objectBytes <= MAX_COPY_BYTES)
    await recordCiphertextSha256(context, fullKey, metadata, tally.objectSha256);
  await checkStoredObject(context, fullKey, tally.objectBytes, plaintextSha256);
  return {
    key: relative,
    sizeBytes: tally.objectBytes,
    sha256: tally.objectSha256,
    plaintextBytes: tally.plaintextBytes,
    plaintextSha256,
    encrypted: Boolean(options.encryptTo ?? sealed),
    bytesSent: transfer.bytesSent,
    partsReused: transfer.partsReused,
  };
}

function describeUploadError(error: unknown, context: TransferContext): Error {
  if (error instanceof ChecksumMismatchError) return error;
  if (error instanceof Error && error.name === "AbortError") return error;
  return describeStorageError(error, context.target);
}
/** S3's limit for a CopyObject in one request (larger needs a multipart copy). */
const MAX_COPY_BYTES = 5 * 1024 ** 3;

/**
 * An encrypted object's ciphertext SHA-256 into its own metadata, so every fetch checks the
 * stored bytes (a shipped WAL segment has no other list to be checked against). It is known
 * only once the last part is sent, after S3 took the metadata, so the object is copied onto
 * itself with the metadata replaced: a server-side request, atomic, no second pass over the
 * bytes. Should it not happen (the worker stopped in between), the object is still whole and
 * checked after decryption, as objects shipped before this were.
 */
async function recordCiphertextSha256(
  context: TransferContext,
  fullKey: string,
  metadata: Record<string, string>,
  sha256: string,
): Promise<void> {
  try {
    await context.client.send(
      new CopyObjectCommand({
        Bucket: context.bucket,
        Key: fullKey,
        CopySource: `${context.bucket}/${fullKey.split("/").map(encodeURIComponent).join("/")}`,
        MetadataDirective: "REPLACE",
        ContentType: "application/octet-stream",
        Metadata: { ...metadata, ...toS3Metadata({ sha256 }) },
      }),
    );
  } catch (error) {
    throw describeStorageError(error, context.target);
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
