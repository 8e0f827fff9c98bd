import { S3Client } from "@aws-sdk/client-s3";
import type { OffsiteRepositorySettings } from "@/lib/schemas/offsite";
import type { StorageTarget } from "./storage-errors";

// One S3 client per repository, configured for S3-compatible storage at large (AWS, MinIO,
// Ceph, R2, GCS interoperability) rather than AWS alone.

export interface ClientOptions {
  /** Tries per request, the first included, with the SDK's standard backoff (exponential, jittered). */
  maxAttempts?: number;
  /** Giving up on connecting after this long. */
  connectionTimeoutMs?: number;
  /** Giving up on a request whose socket is silent this long. */
  requestTimeoutMs?: number;
}

export const DEFAULT_CLIENT_OPTIONS: Required<ClientOptions> = {
  maxAttempts: 4,
  connectionTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
};

/** What one transfer needs: the client, the bucket, and the storage its errors name. */
export interface TransferContext {
  client: S3Client;
  bucket: string;
  target: StorageTarget;
}

export function createS3Client(settings: OffsiteRepositorySettings, options: ClientOptions = {}): S3Client {
  const { maxAttempts, connectionTimeoutMs, requestTimeoutMs } = { ...DEFAULT_CLIENT_OPTIONS, ...options };
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle ?? false,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    maxAttempts,
    retryMode: "standard",
    // Checksums only where S3 requires them: the SDK's default CRC32 trailers (aws-chunked
    // uploads) are not understood by much S3-compatible storage. Walden checks SHA-256 itself.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    followRegionRedirects: true,
    requestHandler: { connectionTimeout: connectionTimeoutMs, requestTimeout: requestTimeoutMs },
  });
}

/**
 * The full object key of `key` under the repository's prefix. Keys are Walden's own
 * ("<cluster>/<backup id>/base.tar"): relative, without '.' or '..' segments or empty ones.
 */
export function objectKey(prefix: string | undefined, key: string): string {
  const segments = key.split("/");
  if (
    !key ||
    key.startsWith("/") ||
    segments.some((segment) => !segment || segment === "." || segment === "..")
  ) {
    throw new Error(
      `not a repository key: ${JSON.stringify(key)} (relative, no empty, '.' or '..' segments)`,
    );
  }
  return prefix ? `${prefix}/${key}` : key;
}

/** The repository-relative key of a full object key (the inverse of objectKey). */
export function relativeKey(prefix: string | undefined, fullKey: string): string {
  return prefix && fullKey.startsWith(`${prefix}/`) ? fullKey.slice(prefix.length + 1) : fullKey;
}

/** "s3://bucket/prefix at https://endpoint", for logs and the copies' location. */
export function describeRepository(
  settings: Pick<OffsiteRepositorySettings, "bucket" | "prefix" | "endpoint">,
): string {
  return `s3://${settings.bucket}${settings.prefix ? `/${settings.prefix}` : ""} at ${settings.endpoint}`;
}
