import { createHash } from "node:crypto";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { OffsiteRepositorySettings } from "@/lib/schemas/offsite";
import { getFile, type GetFileOptions, type GetFileResult } from "./get-file";
import { fromS3Metadata, toS3Metadata, type WaldenObjectMetadata } from "./object-metadata";
import { putFile, type PutFileOptions, type PutFileResult } from "./put-file";
import {
  createS3Client,
  describeRepository,
  objectKey,
  relativeKey,
  type ClientOptions,
  type TransferContext,
} from "./s3-client";
import { describeStorageError, StorageError } from "./storage-errors";

// An offsite repository: a bucket and a prefix on S3-compatible storage. Every key a caller
// passes or gets back is relative to the prefix; every failure is a StorageError that names
// its cause (storage-errors.ts).

export interface StoredObject extends WaldenObjectMetadata {
  /** Relative to the repository's prefix. */
  key: string;
  sizeBytes: number;
  modifiedAt: Date | null;
}

export interface RemoveResult {
  removed: string[];
  failed: { key: string; message: string }[];
}

/** S3's limit of keys per DeleteObjects request. */
const DELETE_BATCH = 1000;
/** getBytes refuses objects larger than this: it is for manifests and probes, not backups. */
const MAX_BYTES_IN_MEMORY = 16 * 1024 * 1024;

const isNotFound = (error: unknown) => {
  const fields = error as { name?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  return (
    fields?.name === "NotFound" || fields?.name === "NoSuchKey" || fields?.$metadata?.httpStatusCode === 404
  );
};

export class S3Repository {
  readonly client: S3Client;
  readonly description: string;
  private readonly context: TransferContext;

  constructor(
    readonly settings: OffsiteRepositorySettings,
    clientOptions: ClientOptions = {},
  ) {
    this.client = createS3Client(settings, clientOptions);
    this.description = describeRepository(settings);
    this.context = {
      client: this.client,
      bucket: settings.bucket,
      target: { endpoint: settings.endpoint, bucket: settings.bucket },
    };
  }

  private key(key: string): string {
    return objectKey(this.settings.prefix, key);
  }

  private fail(error: unknown): StorageError {
    return describeStorageError(error, this.context.target);
  }

  /** A local file to `key`, streamed and checksummed (put-file.ts says how it stays atomic). */
  putFile(localPath: string, key: string, options?: PutFileOptions): Promise<PutFileResult> {
    return putFile(this.context, localPath, this.key(key), key, options);
  }

  /** `key` to a local file, streamed, checked against its SHA-256, renamed into place only when whole. */
  getFile(key: string, localPath: string, options?: GetFileOptions): Promise<GetFileResult> {
    return getFile(this.context, this.key(key), localPath, options);
  }

  /** A small object (a manifest, a probe) from memory, with its SHA-256 stored as for files. */
  async putBytes(key: string, data: Uint8Array): Promise<{ sha256: string }> {
    const sha256 = createHash("sha256").update(data).digest("hex");
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.settings.bucket,
          Key: this.key(key),
          Body: data,
          ContentType: "application/octet-stream",
          Metadata: toS3Metadata({ sha256, plaintextSha256: sha256 }),
        }),
      );
    } catch (error) {
      throw this.fail(error);
    }
    return { sha256 };
  }

  /** A small object into memory, checked against its stored SHA-256; null when there is none. */
  async getBytes(key: string): Promise<Buffer | null> {
    let response;
    try {
      response = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key) }),
      );
    } catch (error) {
      if (isNotFound(error)) return null;
      throw this.fail(error);
    }
    if ((response.ContentLength ?? 0) > MAX_BYTES_IN_MEMORY) {
      throw new Error(
        `${key} is ${response.ContentLength} bytes: too large to read into memory; use getFile`,
      );
    }
    let data: Buffer;
    try {
      data = Buffer.from((await response.Body?.transformToByteArray()) ?? []);
    } catch (error) {
      throw this.fail(error);
    }
    const expected = fromS3Metadata(response.Metadata).sha256;
    const actual = createHash("sha256").update(data).digest("hex");
    if (expected && expected !== actual) {
      throw new StorageError(
        `${key} as read does not match its checksum (sha256 ${actual}, stored ${expected})`,
        "ChecksumMismatch",
        true,
      );
    }
    return data;
  }

  /** The object's size, time and Walden's metadata; null when there is no such object. */
  async head(key: string): Promise<StoredObject | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key) }),
      );
      return {
        key,
        sizeBytes: head.ContentLength ?? 0,
        modifiedAt: head.LastModified ?? null,
        ...fromS3Metadata(head.Metadata),
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw this.fail(error);
    }
  }

  /**
   * Every object whose key starts with `prefix` (relative; "" for all), page by page (1000 a
   * request unless `pageSize` says otherwise), sorted by key as S3 returns them. Metadata is not
   * listed: head() reads it.
   */
  async list(prefix = "", options: { pageSize?: number } = {}): Promise<StoredObject[]> {
    const repositoryPrefix = this.settings.prefix;
    const fullPrefix = repositoryPrefix ? `${repositoryPrefix}/${prefix}` : prefix;
    const objects: StoredObject[] = [];
    // ListObjects (version 1), paged by Marker (the last key seen): every S3-compatible storage
    // has it, and without a delimiter it lists exactly what version 2 does. Version 2's
    // continuation tokens are opaque and not all implementations get them right (s3rver's
    // need DES, which OpenSSL 3 no longer offers).
    let marker: string | undefined;
    try {
      for (;;) {
        const page = await this.client.send(
          new ListObjectsCommand({
            Bucket: this.settings.bucket,
            Prefix: fullPrefix || undefined,
            MaxKeys: options.pageSize ?? 1000,
            Marker: marker,
          }),
        );
        for (const object of page.Contents ?? []) {
          if (!object.Key) continue;
          objects.push({
            key: relativeKey(repositoryPrefix, object.Key),
            sizeBytes: object.Size ?? 0,
            modifiedAt: object.LastModified ?? null,
          });
          marker = object.Key;
        }
        if (!page.IsTruncated || !page.Contents?.length) break;
      }
    } catch (error) {
      throw this.fail(error);
    }
    return objects;
  }

  /** Deletes `keys` in batches of 1000; a key that is already gone counts as removed. */
  async remove(keys: string[]): Promise<RemoveResult> {
    const result: RemoveResult = { removed: [], failed: [] };
    for (let at = 0; at < keys.length; at += DELETE_BATCH) {
      const batch = keys.slice(at, at + DELETE_BATCH);
      const byFullKey = new Map(batch.map((key) => [this.key(key), key]));
      let response;
      try {
        response = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.settings.bucket,
            Delete: { Objects: [...byFullKey.keys()].map((Key) => ({ Key })), Quiet: true },
          }),
        );
      } catch (error) {
        throw this.fail(error);
      }
      const failedKeys = new Set<string>();
      for (const failure of response.Errors ?? []) {
        const key = byFullKey.get(failure.Key ?? "") ?? failure.Key ?? "?";
        failedKeys.add(key);
        result.failed.push({
          key,
          message: `${failure.Message ?? "not deleted"} (${failure.Code ?? "unknown"})`,
        });
      }
      result.removed.push(...batch.filter((key) => !failedKeys.has(key)));
    }
    return result;
  }

  /** Closes the client's connections. */
  close(): void {
    this.client.destroy();
  }
}

export function openS3Repository(
  settings: OffsiteRepositorySettings,
  clientOptions?: ClientOptions,
): S3Repository {
  return new S3Repository(settings, clientOptions);
}
