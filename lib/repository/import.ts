import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { repositoryRootFor } from "@/lib/backup/repository";
import { getActiveClusterRowOrThrow, type ClusterRow } from "@/lib/clusters/queries";
import { nodeConnection } from "@/lib/clusters/test-connection";
import { db } from "@/lib/db";
import { toJson } from "@/lib/db/json";
import { AppError, appError } from "@/lib/errors";
import { getOffsiteSettings } from "@/lib/offsite/stored-settings";
import { withNodeClient } from "@/lib/pg/connection";
import type {
  ParsedRepositoryImportRequest,
  RepositoryImportEntry,
  RepositoryImportResult,
} from "@/lib/schemas/repository-import";
import type { FoundBackup, FoundRepository } from "./found";
import { backupSpan, planImport, repositoryIdentifiers, type KnownBackup } from "./import-diff";
import { readLocalRepository } from "./read-local";
import { readOffsiteRepository } from "./read-offsite";

// POST /api/v1/clusters/:id/repositories/import (admin, issue 14): a fresh catalog learns the
// backups a repository describes. The repository is read (descriptors only, each checked), its
// system identifier compared with the cluster's (a repository of another database cluster is a
// 422), and the backups the catalog does not know are inserted as succeeded with this
// repository's copy recorded; their verification is not carried over (verify them again).
// A dry run lists the same entries and changes nothing. Audited either way.

type Identity = { systemIdentifier: string; checkedAgainst: RepositoryImportResult["checkedAgainst"] };

const SYSTEM_IDENTIFIER_SQL = `/* walden */ select system_identifier::text as system_identifier from pg_control_system()`;

/** The cluster's system identifier: its backups in this catalog, else any of its nodes that answers. */
async function clusterIdentity(
  cluster: ClusterRow,
  confirmed: string | undefined,
  inRepository: string[],
): Promise<Identity> {
  const backup = await db().backup.findFirst({
    where: { clusterId: cluster.id, status: "succeeded", systemIdentifier: { not: null } },
    orderBy: { finishedAt: "desc" },
    select: { systemIdentifier: true },
  });
  if (backup?.systemIdentifier)
    return { systemIdentifier: backup.systemIdentifier, checkedAgainst: "catalog" };
  const failures: string[] = [];
  // The registered primary first; any node of a physical replication cluster has the same identifier.
  const nodes = [...cluster.nodes].sort(
    (a, b) => Number(b.role === "primary") - Number(a.role === "primary"),
  );
  for (const node of nodes) {
    try {
      const identifier = await withNodeClient(nodeConnection(node), async (client) => {
        const { rows } = await client.query<{ system_identifier: string }>(SYSTEM_IDENTIFIER_SQL);
        return rows[0]?.system_identifier ?? null;
      });
      if (identifier) return { systemIdentifier: identifier, checkedAgainst: "server" };
    } catch (error) {
      failures.push(`${node.name}: ${(error as Error).message}`);
    }
  }
  if (confirmed) return { systemIdentifier: confirmed, checkedAgainst: "confirmation" };
  throw new AppError(
    "unprocessable_entity",
    `This cluster's system identifier is not known: no backup of it in this catalog, and no node answered (${failures.join("; ") || "none registered"}). ` +
      (inRepository.length
        ? `If the repository's backups are this cluster's, give its identifier (${inRepository.join(", ")}) as systemIdentifier to confirm.`
        : "Give the identifier pg_controldata prints for the cluster as systemIdentifier to confirm."),
    {
      issues: [{ path: "systemIdentifier", message: "is needed to check the repository is this cluster's" }],
    },
  );
}

async function knownBackups(ids: string[]): Promise<Map<string, KnownBackup>> {
  const rows = await db().backup.findMany({
    where: { id: { in: ids } },
    select: {
      id: true,
      clusterId: true,
      status: true,
      path: true,
      copies: { where: { repository: "s3", status: "succeeded" }, select: { path: true } },
    },
  });
  return new Map(
    rows.map((row) => [
      row.id,
      { ...row, offsiteLocations: row.copies.map((copy) => copy.path) } satisfies KnownBackup,
    ]),
  );
}

async function readRepository(
  cluster: ClusterRow,
  repository: "local" | "offsite",
): Promise<FoundRepository> {
  if (repository === "local") return readLocalRepository(repositoryRootFor(cluster), cluster.name);
  const settings = await getOffsiteSettings(cluster.id);
  if (!settings)
    throw appError("unprocessable_entity", "backups.noOffsiteRepository", {}, { field: "repository" });
  return readOffsiteRepository(settings, cluster.name);
}

/** The catalog rows for the entries to apply, in one transaction. Returns [added, copies recorded]. */
async function applyImport(
  cluster: ClusterRow,
  found: FoundRepository,
  entries: RepositoryImportEntry[],
  actor: Actor,
): Promise<[number, number]> {
  const byId = new Map(found.backups.map((backup) => [backup.backupId, backup]));
  const offsite = found.repository === "offsite";
  const copyRow = (backup: FoundBackup, checksum: string) => ({
    backupId: backup.backupId,
    path: backup.location,
    offsite: true,
    repository: "s3",
    status: "succeeded",
    checksum,
    sizeBytes: backup.sizeBytes === null ? null : BigInt(backup.sizeBytes),
    finishedAt: new Date(),
  });
  let added = 0;
  let copies = 0;
  await db().$transaction(async (tx) => {
    for (const entry of entries) {
      const backup = byId.get(entry.backupId);
      const descriptor = backup?.descriptor;
      if (!backup || !descriptor) continue;
      if (entry.action === "add") {
        await tx.backup.create({
          data: {
            id: descriptor.backupId,
            clusterId: cluster.id,
            kind: descriptor.kind,
            status: "succeeded",
            label: descriptor.label,
            options: toJson(descriptor.options),
            requestedBy: `import by ${actor.label}`,
            path: offsite ? null : backup.location,
            progress: 100,
            startedAt: descriptor.startedAt ? new Date(descriptor.startedAt) : null,
            finishedAt: new Date(descriptor.finishedAt),
            sizeBytes: descriptor.sizeBytes === null ? null : BigInt(descriptor.sizeBytes),
            database: descriptor.database,
            startLsn: descriptor.startLsn,
            stopLsn: descriptor.stopLsn,
            timeline: descriptor.timeline,
            startWal: descriptor.startWal,
            stopWal: descriptor.stopWal,
            serverVersionNum: descriptor.serverVersionNum,
            systemIdentifier: descriptor.systemIdentifier,
            checksum: descriptor.checksums.sha256,
            // A local folder encrypted at rest stays encrypted: restores decrypt it with the key.
            encryptionRecipient: offsite ? null : (descriptor.encryption?.recipient ?? null),
            log: `imported from ${found.location} (descriptor written ${descriptor.writtenAt}); not verified since`,
          },
        });
        added += 1;
        if (offsite) {
          await tx.backupCopy.create({ data: copyRow(backup, descriptor.checksums.sha256) });
          copies += 1;
        }
      } else if (entry.action === "add-copy") {
        if (offsite) {
          await tx.backupCopy.create({ data: copyRow(backup, descriptor.checksums.sha256) });
          copies += 1;
        } else {
          await tx.backup.updateMany({
            where: { id: backup.backupId, path: null },
            data: { path: backup.location },
          });
        }
      }
    }
  });
  return [added, copies];
}

/** Lists (dryRun) or imports the backups a repository describes into this catalog (admin). */
export async function importRepository(
  actor: Actor,
  clusterId: string,
  request: ParsedRepositoryImportRequest,
  meta: RequestMeta,
): Promise<RepositoryImportResult> {
  const { repository, dryRun, systemIdentifier: confirmed } = request;
  const cluster = await getActiveClusterRowOrThrow(clusterId);
  const found = await readRepository(cluster, repository);
  const inRepository = repositoryIdentifiers(found);
  const identity = await clusterIdentity(cluster, confirmed, inRepository);
  const target = { type: "cluster", id: cluster.id };
  if (inRepository.length && !inRepository.includes(identity.systemIdentifier)) {
    const message = `The ${repository} repository ${found.location} holds the backups of another database cluster (system identifier ${inRepository.join(", ")}; this cluster's, from its ${identity.checkedAgainst}, is ${identity.systemIdentifier}): nothing imported. Point the cluster at its own repository, or import into the cluster these backups belong to.`;
    await audit(
      actor,
      {
        action: "repository.import",
        outcome: "failed",
        target,
        details: { repository, dryRun, reason: message },
      },
      meta,
    );
    throw new AppError("unprocessable_entity", message, {
      issues: [{ path: "repository", message: "holds another database cluster's backups" }],
    });
  }
  const entries = planImport({
    found,
    cluster,
    systemIdentifier: identity.systemIdentifier,
    known: await knownBackups(found.backups.map((backup) => backup.backupId)),
  });
  const [added, copiesRecorded] = dryRun ? [0, 0] : await applyImport(cluster, found, entries, actor);
  const count = (action: RepositoryImportEntry["action"]) =>
    entries.filter((e) => e.action === action).length;
  await audit(
    actor,
    {
      action: "repository.import",
      outcome: "success",
      target,
      details: {
        repository,
        location: found.location,
        dryRun,
        checkedAgainst: identity.checkedAgainst,
        added,
        copiesRecorded,
        toAdd: count("add"),
        toRecord: count("add-copy"),
        refused: count("refused"),
      },
    },
    meta,
  );
  return {
    repository,
    location: found.location,
    dryRun,
    systemIdentifier: inRepository[0] ?? identity.systemIdentifier,
    checkedAgainst: identity.checkedAgainst,
    entries,
    backups: backupSpan(entries),
    wal: found.wal,
    added,
    copiesRecorded,
  };
}
