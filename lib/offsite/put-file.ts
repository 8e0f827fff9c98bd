import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
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
   * Encrypted: the ciphertext's SHA-256 goes into the object's metadata, so the file is sealed
   * first (sealFirst) and then sent with it in one upload. Default true (a WAL segment: bounded
   * size, no other list to check it against); a backup copy's files say no, their
   * SHA256SUMS.ciphertext holds it, and they are streamed encrypting on the way.
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
  if (options.encryptTo && options.recordCiphertextSha256 !== false)
    return sealFirst(
      context,
      localPath,
      fullKey,
      relative,
      { ...options, encryptTo: options.encryptTo },
      {
        size,
        sha256: fileSha256,
      },
    );
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
/** Up to this size a file is sealed in memory before it is sent (a WAL segment's default size is 16 MiB). */
const SEAL_IN_MEMORY_BYTES = 16 * 1024 * 1024;
/** More than age adds to a file of SEAL_IN_MEMORY_BYTES (its header, 16 bytes per 64 KiB chunk). */
const AGE_OVERHEAD_BYTES = 1024 * 1024;

/**
 * An encrypted object whose metadata names its ciphertext's SHA-256, in one upload: the file is
 * sealed first (in memory up to SEAL_IN_MEMORY_BYTES, else into a private temporary file), its
 * ciphertext hashed, then sent with every field at once. No server-side copy afterwards, so a
 * versioned bucket keeps one version per upload, not two.
 */
async function sealFirst(
  context: TransferContext,
  localPath: string,
  fullKey: string,
  relative: string,
  options: PutFileOptions & { encryptTo: string },
  file: { size: number; sha256: string },
): Promise<PutFileResult> {
  const tally: ObjectTally = { plaintextBytes: 0, plaintextSha256: null, objectBytes: 0, objectSha256: null };
  const expected = { sha256: file.sha256, what: localPath };
  if (file.size > SEAL_IN_MEMORY_BYTES) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "walden-seal-first-"));
    const sealedPath = path.join(dir, "object.age");
    try {
      const handle = await fs.open(sealedPath, "wx", 0o600);
      try {
        for await (const part of objectParts(
          localPath,
          partSizeFor(file.size),
          expected,
          options.encryptTo,
          tally,
        ))
          await handle.write(part);
      } finally {
        await handle.close();
      }
      const put = await putFile(context, sealedPath, fullKey, relative, {
        ...options,
        encryptTo: undefined,
        sha256: tally.objectSha256!,
        sealed: { recipient: options.encryptTo, plaintextSha256: file.sha256 },
      });
      return { ...put, plaintextBytes: tally.plaintextBytes };
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
  const chunks: Buffer[] = [];
  for await (const part of objectParts(
    localPath,
    file.size + AGE_OVERHEAD_BYTES,
    expected,
    options.encryptTo,
    tally,
  ))
    chunks.push(part);
  const body = Buffer.concat(chunks);
  const metadata = toS3Metadata({
    walCommits: options.metadata?.walCommits,
    sha256: tally.objectSha256!,
    plaintextSha256: file.sha256,
    encryption: "age",
    ageRecipient: options.encryptTo,
  });
  const transfer = new PartTransfer(context, fullKey, options);
  try {
    await transfer.send(
      (async function* () {
        yield body;
      })(),
      { partSize: body.length, plaintextSha256: file.sha256, metadata },
    );
  } catch (error) {
    const reason = describeUploadError(error, context);
    await transfer.settle(reason);
    throw reason;
  }
  await checkStoredObject(context, fullKey, body.length, file.sha256);
  return {
    key: relative,
    sizeBytes: body.length,
    sha256: tally.objectSha256!,
    plaintextBytes: tally.plaintextBytes,
    plaintextSha256: file.sha256,
    encrypted: true,
    bytesSent: transfer.bytesSent,
    partsReused: transfer.partsReused,
  };
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
