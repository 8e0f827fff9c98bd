import fs from "node:fs/promises";
import { z } from "zod";
import { localEncryptionRecipient } from "@/lib/backup/at-rest";
import { localCopyIsWhole } from "@/lib/backup/local-copy";
import { db } from "@/lib/db";
import { readJson } from "@/lib/db/json";
import { appError } from "@/lib/errors";
import { S3Repository } from "@/lib/offsite/s3-repository";
import { getOffsiteSettings, offsiteBackupPrefix } from "@/lib/offsite/stored-settings";
import { compressionSchema, storedBackupOptionsSchema } from "@/lib/schemas/backup";
import type { RestoreTarget } from "@/lib/schemas/restore";
import { sealedWalRecipients } from "@/lib/wal/sealed-names";
import { buildRunbook, type Runbook, type RunbookInput } from "./runbook";
import { walEndForRunbook, type RunbookOffsiteSource, type RunbookWalEnd } from "./runbook-offsite";
import { plainNames } from "./runbook-decrypt";
import { offsiteWalRecipients } from "./runbook-offsite-keys";

// The break-glass runbook's facts, read from the catalog and the backup folder or its offsite
// copy; buildRunbook (runbook.ts) turns them into the steps without any I/O.

/**
 * The offsite repository to restore from, and the copy's file names: when asked, or by default
 * when the local copy is not whole and a succeeded offsite copy exists (as a restore chooses).
 */
async function offsiteSourceOf(
  backup: {
    id: string;
    path: string | null;
    clusterId: string;
    startWal: string | null;
    stopWal: string | null;
    timeline: number | null;
    checksum: string | null;
    encryptionRecipient: string | null;
  },
  cluster: {
    name: string;
    archivePath: string | null;
    localEncryptionEnabled: boolean;
    localEncryptionRecipient: string | null;
  },
  asked: "local" | "offsite" | undefined,
  target?: RestoreTarget,
): Promise<{
  offsite: RunbookOffsiteSource;
  files: string[] | undefined;
  walEnd: RunbookWalEnd | null;
} | null> {
  if (asked === "local" || (!asked && localCopyIsWhole(backup.path, cluster.archivePath))) return null;
  const copied = await db().backupCopy.findFirst({
    where: { backupId: backup.id, repository: "s3", status: "succeeded" },
    orderBy: { finishedAt: "desc" },
    select: { id: true, ciphertextChecksum: true },
  });
  const settings = copied ? await getOffsiteSettings(backup.clusterId) : null;
  if (!settings) {
    if (asked) throw appError("conflict", "runbook.noOffsiteCopy", { id: backup.id });
    return null;
  }
  const repository = new S3Repository(settings);
  const keyPrefix = `${offsiteBackupPrefix(cluster.name, backup.id)}/`;
  // The names only: a storage out of reach leaves them derived, with the runbook's warning.
  const files = await repository
    .list(keyPrefix)
    .then((objects) => objects.map((object) => object.key.slice(keyPrefix.length)))
    .catch(() => undefined);
  // The WAL the target needs; unknown (a storage out of reach too): all of it from the start.
  const repositoryRecipient = settings.encryption?.enabled ? settings.encryption.recipient : undefined;
  let walEnd: RunbookWalEnd | null = null;
  let walSealedTo: string[] = [];
  try {
    walEnd = await walEndForRunbook(repository, cluster.name, backup, target).catch(() => null);
    // Segments sealed at rest went up as their age bytes: the keys their headers name (a storage
    // out of reach: none known, and the script asks for a key when an object says it needs one).
    walSealedTo = backup.startWal
      ? await offsiteWalRecipients(
          repository,
          cluster.name,
          { fromWal: backup.startWal, toWal: walEnd?.toWal },
          repositoryRecipient,
        ).catch(() => [])
      : [];
  } finally {
    repository.close();
  }
  // The archive is sealed now: later segments may be sealed to its key though the ends are not.
  const localRecipient = localEncryptionRecipient(cluster);
  if (localRecipient && localRecipient !== repositoryRecipient && !walSealedTo.includes(localRecipient))
    walSealedTo.push(localRecipient);
  return {
    offsite: {
      endpoint: settings.endpoint,
      region: settings.region,
      bucket: settings.bucket,
      ...(settings.prefix ? { prefix: settings.prefix } : {}),
      forcePathStyle: settings.forcePathStyle ?? false,
      encrypted: settings.encryption?.enabled ?? false,
      ...(settings.encryption?.recipient ? { recipient: settings.encryption.recipient } : {}),
      clusterName: cluster.name,
      ...(backup.encryptionRecipient ? { backupRecipient: backup.encryptionRecipient } : {}),
      ...(walSealedTo.length ? { walSealedTo } : {}),
      ...(backup.checksum ? { sumsSha256: backup.checksum } : {}),
      ...(copied?.ciphertextChecksum ? { ciphertextSumsSha256: copied.ciphertextChecksum } : {}),
    },
    // Encrypted at rest, the copy holds <file>.age: the steps name the files as decrypted.
    files: backup.encryptionRecipient ? files?.map((file) => file.replace(/\.age$/, "")) : files,
    walEnd,
  };
}

/** The facts buildRunbook needs, read from the catalog and the backup folder (or its offsite copy). */
export async function getBackupRunbookOrThrow(
  id: string,
  options: Pick<
    RunbookInput,
    "target" | "action" | "dataDir" | "port" | "logFile" | "tablespaceDir" | "binDir" | "downloadDir"
  > & { source?: "local" | "offsite" } = {},
): Promise<Runbook> {
  const { source, ...choices } = options;
  const backup = z.uuid().safeParse(id).success
    ? await db().backup.findUnique({ where: { id }, include: { cluster: true } })
    : null;
  if (!backup) throw appError("not_found", "backups.noBackup", { id });
  if (backup.kind !== "physical") throw appError("conflict", "runbook.physicalOnly");
  if (backup.status !== "succeeded" || !backup.path)
    throw appError("conflict", "runbook.notSucceeded", { status: backup.status });
  if (!backup.serverVersionNum) throw appError("conflict", "runbook.noServerVersion");
  if (!backup.cluster.archivePath) throw appError("conflict", "runbook.noArchivePath");
  const fromOffsite = await offsiteSourceOf(backup, backup.cluster, source, choices.target);
  const listed = fromOffsite ? fromOffsite.files : await fs.readdir(backup.path).catch(() => undefined);
  // Encrypted at rest: the steps name the files as decrypted (base.tar, not base.tar.age).
  const encryptedTo = fromOffsite ? null : backup.encryptionRecipient;
  const files = encryptedTo ? plainNames(listed) : listed;
  // A WAL archive sealed at rest: the steps decrypt the WAL first (runbook-wal-decrypt.ts).
  const walSealedTo =
    fromOffsite || !backup.startWal
      ? []
      : await sealedWalRecipients(backup.cluster.archivePath, backup.startWal);
  const request = readJson(storedBackupOptionsSchema, backup.options, "backup options");
  const compression = compressionSchema.safeParse(request?.compression);
  return buildRunbook({
    ...choices,
    ...(fromOffsite ? { offsite: fromOffsite.offsite, offsiteWalEnd: fromOffsite.walEnd } : {}),
    backup: {
      id: backup.id,
      label: backup.label,
      path: backup.path,
      serverVersionNum: backup.serverVersionNum,
      startLsn: backup.startLsn,
      stopLsn: backup.stopLsn,
      timeline: backup.timeline,
      startWal: backup.startWal,
      stopWal: backup.stopWal,
      finishedAt: backup.finishedAt,
      sizeBytes: backup.sizeBytes === null ? null : Number(backup.sizeBytes),
      compression: compression.success ? compression.data : "lz4",
    },
    files,
    clusterName: backup.cluster.name,
    archivePath: backup.cluster.archivePath,
    encryptedTo,
    walSealedTo,
  });
}
