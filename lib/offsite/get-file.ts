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
// identity is given (its stored bytes checked against their SHA-256 when known, age
// authenticating every 64 KiB, and the plaintext's SHA-256 checked too), else stored as it is.

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
  /**
   * The SHA-256 the object's stored bytes must have, checked as they arrive, before anything is
   * decrypted from them: for an object the offsite repository encrypted, its line in the copy's
   * SHA256SUMS.ciphertext (the object's own `sha256` metadata is checked too, when it has one).
   */
  storedSha256?: string;
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
  // Two sides to check: the stored bytes (the object's `sha256` metadata and what the caller
  // knows of them) and, decrypted, the plaintext (its `plaintext-sha256`, the caller's list).
  const checkedAgainst: GetFileResult["checkedAgainst"] = [];
  let expectedStored: string | undefined;
  let expectedPlain: string | undefined;
  try {
    const callerStored = ageFile || !decrypting ? options.expectedSha256 : undefined;
    expectedStored = agreed(fullKey, checkedAgainst, stored.sha256, options.storedSha256, callerStored);
    expectedPlain = ageFile
      ? ageFile.plaintextSha256
      : decrypting
        ? agreed(fullKey, checkedAgainst, stored.plaintextSha256, options.expectedSha256)
        : undefined;
  } catch (error) {
    (response.Body as Readable | undefined)?.destroy();
    throw error;
  }
  const body = response.Body;
  if (!(body instanceof Readable)) throw new Error(`the storage returned no body for ${fullKey}`);

  const checked = (sha256: string | undefined, what: string) =>
    new HashingStream(sha256 ? { sha256, what: `${fullKey} ${what}` } : undefined);
  const written = decrypting ? checked(expectedPlain, "decrypted") : checked(expectedStored, "as downloaded");
  const partial = `${localPath}.partial`;
  const output = createWriteStream(partial);
  const opening = ageFile?.identity ?? options.identity!;
  const stages = !decrypting
    ? [body, written, output]
    : expectedStored
      ? [body, checked(expectedStored, "as stored"), new AgeDecryptStream(opening), written, output]
      : [body, new AgeDecryptStream(opening), written, output];
  try {
    await pipeline(stages, { signal: options.signal });
    await fs.rename(partial, localPath);
  } catch (error) {
    await fs.rm(partial, { force: true });
    throw describeDownloadError(error, context, fullKey, localPath, written.bytes);
  }
  return { bytes: written.bytes, sha256: written.sha256, decrypted: decrypting, checkedAgainst };
}

/**
 * The one checksum the given ones agree on (undefined when none is given), noting in
 * `checkedAgainst` where they came from: the first is the object's metadata, the rest the caller's.
 */
function agreed(
  fullKey: string,
  checkedAgainst: GetFileResult["checkedAgainst"],
  fromMetadata: string | undefined,
  ...fromCaller: (string | undefined)[]
): string | undefined {
  const given = [fromMetadata, ...fromCaller]
    .filter((sha256) => sha256 !== undefined)
    .map((sha256) => sha256.toLowerCase());
  if (fromMetadata && !checkedAgainst.includes("metadata")) checkedAgainst.push("metadata");
  if (fromCaller.some(Boolean) && !checkedAgainst.includes("caller")) checkedAgainst.push("caller");
  const [first] = given;
  const other = given.find((sha256) => sha256 !== first);
  if (first !== undefined && other !== undefined)
    throw new ChecksumMismatchError(`${fullKey} (its stored checksum)`, other, first);
  return first;
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
  if (error instanceof ChecksumMismatchError) return error;
  // Which object would not open, so a damaged one among hundreds is named.
  if (error instanceof AgeFormatError) return new AgeFormatError(`${fullKey}: ${error.message}`);
  if (error instanceof AgeKeyError) return new AgeKeyError(`${fullKey}: ${error.message}`);
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
