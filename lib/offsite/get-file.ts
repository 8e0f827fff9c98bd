import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { AgeDecryptStream, AgeFormatError, AgeKeyError } from "./age";
import { ChecksumMismatchError, HashingStream } from "./checksum";
import { fromS3Metadata } from "./object-metadata";
import type { TransferContext } from "./s3-client";
import { describeStorageError, StorageError } from "./storage-errors";

// An object to a local file, streamed: written to "<path>.partial" (a leftover from a killed
// worker is simply overwritten by the next try), checked, then renamed into place, so a file at
// `localPath` is always whole and checked. An encrypted object is decrypted on the way when an
// identity is given (age authenticates every 64 KiB, and the plaintext's SHA-256 is checked
// too), else stored as it is.

export interface GetFileOptions {
  /** An age identity (key file text or AGE-SECRET-KEY-1… line) to decrypt an encrypted object. */
  identity?: string;
  /** The SHA-256 the written file must have, when the caller knows it (its catalog or manifest); with `ageFile`, the stored bytes'. */
  expectedSha256?: string;
  /**
   * The object is an age file as stored, whatever its metadata says (a backup encrypted at rest,
   * copied offsite as it is): decrypted on the way with `identity`, its stored bytes checked
   * against `expectedSha256` (and the object's metadata), the plaintext against `plaintextSha256`.
   */
  ageFile?: { identity: string; plaintextSha256: string };
  signal?: AbortSignal;
}

export interface GetFileResult {
  /** Bytes written to the local file. */
  bytes: number;
  /** SHA-256 of the local file. */
  sha256: string;
  /** The object was decrypted on the way. */
  decrypted: boolean;
  /** What the written file was checked against: the object's metadata, the caller's checksum, or both. */
  checkedAgainst: ("metadata" | "caller")[];
}

export class LocalDiskFullError extends Error {
  constructor(
    readonly localPath: string,
    key: string,
    bytesWritten: number,
  ) {
    super(
      `the local disk is full while downloading ${key} to ${localPath} (ENOSPC after ${bytesWritten} bytes): free space there, or download elsewhere`,
    );
    this.name = "LocalDiskFullError";
  }
}

export async function getFile(
  context: TransferContext,
  fullKey: string,
  localPath: string,
  options: GetFileOptions = {},
): Promise<GetFileResult> {
  let response;
  try {
    response = await context.client.send(new GetObjectCommand({ Bucket: context.bucket, Key: fullKey }), {
      abortSignal: options.signal,
    });
  } catch (error) {
    throw describeStorageError(error, context.target);
  }
  const stored = fromS3Metadata(response.Metadata);
  const { ageFile } = options;
  const decrypting = ageFile !== undefined || (stored.encryption === "age" && options.identity !== undefined);
  // What the metadata and the caller's checksum are of: the written file, or (ageFile) the stored bytes.
  const expectedFromMetadata = decrypting && !ageFile ? stored.plaintextSha256 : stored.sha256;
  const checkedAgainst: GetFileResult["checkedAgainst"] = [];
  if (expectedFromMetadata) checkedAgainst.push("metadata");
  if (options.expectedSha256) checkedAgainst.push("caller");
  if (
    expectedFromMetadata &&
    options.expectedSha256 &&
    expectedFromMetadata.toLowerCase() !== options.expectedSha256.toLowerCase()
  ) {
    (response.Body as Readable | undefined)?.destroy();
    throw new ChecksumMismatchError(
      `${fullKey} (its stored checksum)`,
      options.expectedSha256.toLowerCase(),
      expectedFromMetadata,
    );
  }
  const expected = expectedFromMetadata ?? options.expectedSha256;
  const body = response.Body;
  if (!(body instanceof Readable)) throw new Error(`the storage returned no body for ${fullKey}`);

  const checked = (sha256: string | undefined, what: string) =>
    new HashingStream(sha256 ? { sha256, what: `${fullKey} ${what}` } : undefined);
  const written = ageFile
    ? checked(ageFile.plaintextSha256, "decrypted")
    : checked(expected, "as downloaded");
  const partial = `${localPath}.partial`;
  const output = createWriteStream(partial);
  const stages = ageFile
    ? [body, checked(expected, "as stored"), new AgeDecryptStream(ageFile.identity), written, output]
    : decrypting
      ? [body, new AgeDecryptStream(options.identity!), written, output]
      : [body, written, output];
  try {
    await pipeline(stages, { signal: options.signal });
    await fs.rename(partial, localPath);
  } catch (error) {
    await fs.rm(partial, { force: true });
    throw describeDownloadError(error, context, fullKey, localPath, written.bytes);
  }
  return { bytes: written.bytes, sha256: written.sha256, decrypted: decrypting, checkedAgainst };
}

function describeDownloadError(
  error: unknown,
  context: TransferContext,
  fullKey: string,
  localPath: string,
  bytesWritten: number,
): Error {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOSPC") return new LocalDiskFullError(localPath, fullKey, bytesWritten);
  if (code === "EDQUOT") {
    return new Error(`the disk quota is exhausted while downloading ${fullKey} to ${localPath} (EDQUOT)`);
  }
  if (
    error instanceof ChecksumMismatchError ||
    error instanceof AgeFormatError ||
    error instanceof AgeKeyError
  ) {
    return error;
  }
  if (error instanceof Error && error.name === "AbortError") return error;
  if (code === "EACCES" || code === "ENOENT" || code === "EROFS") {
    return new Error(`cannot write ${localPath} (${String(code)}) while downloading ${fullKey}`, {
      cause: error,
    });
  }
  const described = describeStorageError(error, context.target);
  // A body cut off mid-stream ("aborted", premature close) is the storage going away: retryable.
  if (!described.retryable && /aborted|premature close/i.test(described.message)) {
    return new StorageError(
      `the download of ${fullKey} was cut off (${described.message})`,
      "ECONNRESET",
      true,
      {
        cause: error,
      },
    );
  }
  return described;
}
