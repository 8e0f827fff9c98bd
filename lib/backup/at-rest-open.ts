import fs from "node:fs/promises";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { keyFingerprint } from "@/lib/offsite/age";
import { openIdentity } from "@/lib/restore/identity";
import { sealedWalRecipients } from "@/lib/wal/sealed-names";
import { decryptBackupFolder, identityForBackup, identityMatches } from "./at-rest";

// Opening a backup encrypted at rest in the local repository (lib/backup/at-rest.ts) for a
// restore, a drill or a verification: the identity the request brought (sealed at the edge,
// lib/restore/identity.ts), else the one Walden holds for the cluster; the files are decrypted
// into the job's own staging folder, never beside the ciphertext.

/** A 422 naming `identity`: the backup is encrypted and no key that opens it is at hand. */
export class NoBackupKeyError extends AppError {
  constructor(message: string) {
    super("unprocessable_entity", `identity: ${message}`, { issues: [{ path: "identity", message }] });
  }
}

interface EncryptedBackup {
  id: string;
  encryptionRecipient: string | null;
}

interface ClusterKey {
  localEncryptionIdentityEncrypted: string | null;
}

/**
 * The identity that opens `backup` (null when it is plain). Throws NoBackupKeyError when it is
 * encrypted and neither the request nor Walden has its key, or the key given is another's.
 */
export function backupIdentity(
  backup: EncryptedBackup,
  cluster: ClusterKey,
  sealedIdentity: string | undefined,
): string | null {
  const recipient = backup.encryptionRecipient;
  if (!recipient) return null;
  const given = openIdentity(sealedIdentity);
  if (given && !identityMatches(given, recipient))
    throw new NoBackupKeyError(
      `it does not open backup ${backup.id}: its public key's fingerprint is ${safeFingerprint(given)}, the backup is encrypted to ${keyFingerprint(recipient)}`,
    );
  const found = identityForBackup(recipient, given, cluster);
  if (!found)
    throw new NoBackupKeyError(
      `backup ${backup.id} is encrypted at rest to the key with fingerprint ${keyFingerprint(recipient)} and Walden does not hold that key: give the age identity (AGE-SECRET-KEY-1…) that opens it`,
    );
  return found.identity;
}

function safeFingerprint(identity: string): string {
  try {
    return keyFingerprint(identity);
  } catch {
    return "unknown (not an age identity)";
  }
}

/**
 * The identity for each recipient the sealed WAL archive (lib/wal/sealed-wal.ts) was sealed
 * to: the request's when it opens it, else the one Walden holds; else a 422 naming `identity`.
 */
export function walIdentityFor(
  cluster: ClusterKey,
  sealedIdentity: string | undefined,
): (recipient: string) => string {
  const given = openIdentity(sealedIdentity);
  return (recipient) => {
    if (given && identityMatches(given, recipient)) return given;
    const held = identityForBackup(recipient, undefined, cluster);
    if (held) return held.identity;
    throw new NoBackupKeyError(
      `the WAL archive is encrypted at rest to the key with fingerprint ${keyFingerprint(recipient)} and ${given ? "the identity given is another key's" : "Walden does not hold that key"}: give the age identity (AGE-SECRET-KEY-1…) that opens it`,
    );
  };
}

/**
 * The request-time check: a restore of an encrypted backup, or of a physical one whose WAL is
 * sealed at rest, without a key is refused (422 `identity`).
 */
export async function assertBackupOpenable(
  backupId: string,
  sealedIdentity: string | undefined,
): Promise<void> {
  const backup = await db().backup.findUnique({
    where: { id: backupId },
    select: {
      id: true,
      kind: true,
      startWal: true,
      encryptionRecipient: true,
      cluster: { select: { localEncryptionIdentityEncrypted: true, archivePath: true } },
    },
  });
  if (!backup) return;
  backupIdentity(backup, backup.cluster, sealedIdentity);
  const { archivePath } = backup.cluster;
  if (backup.kind !== "physical" || !backup.startWal || !archivePath) return;
  const identityFor = walIdentityFor(backup.cluster, sealedIdentity);
  for (const recipient of await sealedWalRecipients(archivePath, backup.startWal)) identityFor(recipient);
}

/**
 * The folder to read the backup's plain files from: its own when plain; else `staging`, where
 * they are decrypted now (the caller removes it when done).
 */
export async function openBackupFolder(
  backup: EncryptedBackup & { path: string },
  cluster: ClusterKey,
  sealedIdentity: string | undefined,
  staging: string,
  log: (line: string) => void,
): Promise<string> {
  const identity = backupIdentity(backup, cluster, sealedIdentity);
  if (!identity) return backup.path;
  await fs.rm(staging, { recursive: true, force: true });
  await decryptBackupFolder(backup.path, staging, identity, log);
  return staging;
}
