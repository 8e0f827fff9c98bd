import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import type { OffsiteRepository } from "@/lib/generated/prisma/client";
import type { OffsiteRepositorySettings, OffsiteRepositoryView } from "@/lib/schemas/offsite";

// A cluster's offsite repository as the catalog keeps it (offsite_repositories): the secret
// access key encrypted under WALDEN_SECRET with a purpose of its own, so a ciphertext made for
// a server password can never be read as this one, and the reverse.

const OFFSITE_SECRET = "offsite-secret-access-key";

export function encryptOffsiteSecret(secretAccessKey: string): string {
  return encryptSecret(secretAccessKey, env().WALDEN_SECRET, OFFSITE_SECRET);
}

function decryptOffsiteSecret(stored: string): string {
  return decryptSecret(stored, env().WALDEN_SECRET, OFFSITE_SECRET);
}

/** The row's columns for settings (the secret encrypted). */
export function toOffsiteRow(settings: OffsiteRepositorySettings) {
  return {
    kind: settings.kind,
    endpoint: settings.endpoint,
    region: settings.region,
    bucket: settings.bucket,
    prefix: settings.prefix || null,
    forcePathStyle: settings.forcePathStyle ?? false,
    accessKeyId: settings.accessKeyId,
    secretAccessKeyEncrypted: encryptOffsiteSecret(settings.secretAccessKey),
    encryptionEnabled: settings.encryption?.enabled ?? false,
    encryptionRecipient: settings.encryption?.enabled ? (settings.encryption.recipient ?? null) : null,
    retentionDays: settings.retention?.days ?? null,
    retentionMinBackups: settings.retention?.minBackups ?? null,
  };
}

type SettingsWithoutSecret = Omit<OffsiteRepositorySettings, "secretAccessKey">;

function withoutSecret(row: OffsiteRepository): SettingsWithoutSecret {
  return {
    kind: "s3",
    endpoint: row.endpoint,
    region: row.region,
    bucket: row.bucket,
    ...(row.prefix ? { prefix: row.prefix } : {}),
    forcePathStyle: row.forcePathStyle,
    accessKeyId: row.accessKeyId,
    ...(row.encryptionEnabled || row.encryptionRecipient
      ? {
          encryption: {
            enabled: row.encryptionEnabled,
            ...(row.encryptionRecipient ? { recipient: row.encryptionRecipient } : {}),
          },
        }
      : {}),
    ...(row.retentionDays !== null && row.retentionMinBackups !== null
      ? { retention: { days: row.retentionDays, minBackups: row.retentionMinBackups } }
      : {}),
  };
}

/** Everything but the secret: what the API shows. */
export function toOffsiteView(row: OffsiteRepository): OffsiteRepositoryView {
  return { ...withoutSecret(row), secretSet: true };
}

/** The settings a client needs, the secret decrypted (server side only, never returned). */
export function toOffsiteSettings(row: OffsiteRepository): OffsiteRepositorySettings {
  return { ...withoutSecret(row), secretAccessKey: decryptOffsiteSecret(row.secretAccessKeyEncrypted) };
}

/** The cluster's offsite repository settings, or null when it has none. */
export async function getOffsiteSettings(clusterId: string): Promise<OffsiteRepositorySettings | null> {
  const row = await db().offsiteRepository.findUnique({ where: { clusterId } });
  return row ? toOffsiteSettings(row) : null;
}

/** The object key under which a cluster's backups and WAL live: "<cluster name>/…", as in the local repository. */
export const offsiteBackupPrefix = (clusterName: string, backupId: string) => `${clusterName}/${backupId}`;
export const offsiteWalPrefix = (clusterName: string) => `${clusterName}/wal`;
