// A fresh Walden for import.pg.test.ts: run as `node --import tsx` with DATABASE_URL naming a
// second, empty catalog (migrated by the test) and a WALDEN_HOME of its own, so that every
// catalog access below — the route, the planner, the restore — is the new Walden's, as on a
// new host. It registers the cluster under its old name with its offsite repository, imports
// that repository through the real route (a dry run first) as an admin of this catalog, then
// plans and runs a point-in-time restore from the imported backup and reads the table's md5;
// last, it imports the old local repository, where the backup's folder still is.
// The answer is one line on stdout: "RESULT {json}".
import pg from "pg";
import * as importRoute from "@/app/api/v1/clusters/[id]/repositories/import/route";
import { db, disconnectDb } from "@/lib/db";
import { toOffsiteRow } from "@/lib/offsite/stored-settings";
import { instancePaths, removeInstance } from "@/lib/restore/instance";
import { planPitrRestore } from "@/lib/restore/plan-service";
import { runRestore } from "@/lib/restore/run";
import type { OffsiteRepositorySettings } from "@/lib/schemas/offsite";
import { pitrRestoreRequestSchema } from "@/lib/schemas/restore";
import { encryptNodePassword } from "@/lib/secrets";
import { call, makeUser } from "@/test/api-client";

export interface FreshCatalogInput {
  clusterName: string;
  node: { host: string; port: number; user: string; password: string; database: string };
  archivePath: string | null;
  /** The old local repository (its backups' folders), imported after the offsite one. */
  repositoryPath: string;
  offsite: OffsiteRepositorySettings;
  targetTime: string;
  md5Sql: string;
}

async function main(input: FreshCatalogInput) {
  const cluster = await db().cluster.create({
    data: {
      name: input.clusterName,
      archiveMode: "archive_command",
      archivePath: input.archivePath,
      repositoryPath: input.repositoryPath,
    },
  });
  await db().node.create({
    data: {
      clusterId: cluster.id,
      name: "primary",
      role: "primary",
      host: input.node.host,
      port: input.node.port,
      username: input.node.user,
      database: input.node.database,
      passwordEncrypted: encryptNodePassword(input.node.password),
    },
  });
  await db().offsiteRepository.create({ data: { clusterId: cluster.id, ...toOffsiteRow(input.offsite) } });
  const admin = await makeUser("admin");
  const importing = (body: unknown) =>
    call(importRoute.POST, "POST", `/api/v1/clusters/${cluster.id}/repositories/import`, {
      token: admin.token,
      params: { id: cluster.id },
      body,
    });
  const dryRun = await importing({ repository: "offsite", dryRun: true });
  const backupsAfterDryRun = await db().backup.count();
  const imported = await importing({ repository: "offsite" });
  const importedAgain = await importing({ repository: "offsite" });
  const backups = await db().backup.findMany({ include: { copies: true } });
  const audits = await db().auditEvent.findMany({
    where: { action: "repository.import" },
    select: { outcome: true, details: true },
    orderBy: { id: "asc" },
  });

  const request = pitrRestoreRequestSchema.parse({
    clusterId: cluster.id,
    kind: "pitr",
    target: { type: "time", value: input.targetTime },
  });
  const planned = await planPitrRestore(request);
  if (!planned.ok) return { dryRun, backupsAfterDryRun, imported, importedAgain, backups, audits, planned };
  const row = await db().restore.create({
    data: {
      clusterId: cluster.id,
      kind: "pitr",
      request,
      plan: planned.plan as never,
      backupId: planned.plan.backupId,
      requestedBy: "fresh catalog",
    },
  });
  await runRestore(row.id, "fresh-worker");
  const restore = await db().restore.findUniqueOrThrow({ where: { id: row.id } });
  let md5: string | null = null;
  try {
    if (restore.status === "succeeded" && restore.port) {
      const client = new pg.Client({ ...input.node, host: "127.0.0.1", port: restore.port });
      await client.connect();
      try {
        md5 = (await client.query<{ md5: string }>(input.md5Sql)).rows[0]!.md5;
      } finally {
        await client.end();
      }
    }
  } finally {
    await removeInstance(instancePaths(row.id)).catch(() => {});
  }
  // The local repository too: the backup the offsite import added gains its folder.
  const importedLocal = await importing({ repository: "local" });
  const localPath = (await db().backup.findUnique({ where: { id: planned.plan.backupId } }))?.path ?? null;
  return {
    importedLocal,
    localPath,
    dryRun,
    backupsAfterDryRun,
    imported,
    importedAgain,
    backups,
    audits,
    planned,
    restore: {
      status: restore.status,
      error: restore.error,
      steps: restore.steps,
      backupId: restore.backupId,
    },
    md5,
  };
}

main(JSON.parse(process.env.WALDEN_FRESH_CATALOG_INPUT ?? "{}") as FreshCatalogInput).then(
  async (result) => {
    await disconnectDb();
    process.stdout.write(
      `RESULT ${JSON.stringify(result, (_key, value: unknown) => (typeof value === "bigint" ? Number(value) : value))}\n`,
    );
    process.exit(0);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
