import fs from "node:fs/promises";
import path from "node:path";
import { knownPrimary } from "@/lib/clusters/current-primary";
import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import { toJson } from "@/lib/db/json";
import type { Restore } from "@/lib/generated/prisma/client";
import { pitrRestoreRequestSchema } from "@/lib/schemas/restore";
import { toolVersionNum } from "@/lib/tools/binaries";
import type { RestoreContext } from "./context";
import {
  allocatePort,
  instancePaths,
  prepareInstanceDirs,
  startInstance,
  superuserName,
  type InstanceInfo,
} from "./instance";
import { openBackupFolder, walIdentityFor } from "@/lib/backup/at-rest-open";
import { stageArchiveWal } from "@/lib/wal/sealed-wal";
import { openIdentity } from "./identity";
import { instanceName } from "./names";
import { configureCopy, extractBackup } from "./pitr-files";
import { detachSubscriptions, followReplay, replayStatus } from "./pitr-replay";
import { verifyRestoredInstance } from "./pitr-verify";
import { downloadBackup, fetchPlannedWal } from "@/lib/offsite/restore-download";
import { offsiteCopyKey, planWithSource, withOffsiteSource } from "./offsite-source";
import { offsiteWalIdentity } from "./offsite-wal-identity";
import { replayShortfall } from "./replay-check";
import { ownFileSettings, recoverySettings, renderSettings } from "./recovery-config";
import { assertTablespacesInside } from "./tablespaces";
import { psqlCommand } from "@/lib/tools/psql-command";

// restore.run for kind "pitr": a base backup and archived WAL replayed into a new instance,
// step by step, ending with a verification of what the instance holds. The steps' work lives
// beside it: the copy's files (pitr-files.ts), following replay (pitr-replay.ts) and what the
// instance holds (pitr-verify.ts).

export const PITR_STEPS = [
  "plan",
  "prepare",
  "extract",
  "configure",
  "start",
  "replay",
  "verify",
  "ready",
] as const;

export async function runPitrRestore(ctx: RestoreContext, restore: Restore): Promise<void> {
  const request = pitrRestoreRequestSchema.parse(restore.request);
  const cluster = await getClusterRowOrThrow(restore.clusterId);
  const primary = knownPrimary(cluster.nodes);

  // plan: again, with the backup chosen at request time (retention may have removed it since).
  ctx.steps.begin("plan");
  const { plan, chosen } = await planWithSource(request, restore.plan);
  ctx.steps.log(plan.summary);
  ctx.steps.log(`from the ${chosen.source} copy: ${chosen.reason}`);
  await ctx.persist({ plan: toJson(plan), backupId: plan.backupId });
  ctx.steps.end();

  ctx.steps.begin("prepare");
  const offsite = chosen.source === "offsite";
  const backup = await db().backup.findUniqueOrThrow({ where: { id: plan.backupId } });
  // Offsite, a backup whose local files expired is still whole in the offsite repository.
  const restorable = offsite ? ["succeeded", "expired"] : ["succeeded"];
  if ((!offsite && !backup.path) || !restorable.includes(backup.status))
    throw new Error(`backup ${backup.id} is ${backup.status}, not restorable`);
  const archivePath = cluster.archivePath;
  if (!offsite && !archivePath) throw new Error("the cluster has no WAL archive folder");
  // Offsite: the request's identity opens an encrypted offsite copy and its WAL; a backup
  // encrypted at rest (copied as its ciphertext) opens with it or the key Walden holds.
  const identity = offsite ? openIdentity(request.identity) : undefined;
  const copyKey = offsite ? offsiteCopyKey(backup, cluster, request.identity, identity) : undefined;
  const serverMajor = Math.floor(toolVersionNum("pg_ctl") / 10000);
  const backupMajor = Math.floor((backup.serverVersionNum ?? 0) / 10000);
  if (backupMajor && backupMajor !== serverMajor)
    throw new Error(
      `the backup is from PostgreSQL ${backupMajor}, but this worker has PostgreSQL ${serverMajor} server programs`,
    );
  const paths = instancePaths(restore.id);
  const port = await allocatePort();
  const database = request.database ?? primary?.database ?? "postgres";
  const registeredRole = primary?.username ?? "postgres";
  const info: InstanceInfo = {
    host: "127.0.0.1",
    port,
    database,
    user: registeredRole,
    dataDir: paths.dataDir,
    socketDir: paths.socketDir,
    logFile: paths.logFile,
    name: instanceName(restore.id),
  };
  await ctx.persist({ port, instance: toJson(info) });
  await prepareInstanceDirs(paths);
  ctx.steps.log(`new data directory ${paths.dataDir}, port ${port}`);
  ctx.steps.end();

  ctx.steps.begin("extract");
  await ctx.checkCancelled();
  const extractStarted = Date.now();
  const downloaded = path.join(paths.root, "offsite-backup");
  if (offsite)
    await withOffsiteSource(cluster.id, (repository) =>
      downloadBackup(
        repository,
        { ...backup, clusterName: cluster.name },
        downloaded,
        (line) => ctx.steps.log(line),
        copyKey,
      ),
    );
  // Encrypted at rest locally: decrypted into the restore's own folder first (at-rest-open.ts).
  const decrypted = path.join(paths.root, "decrypted-backup");
  const localDir = offsite
    ? downloaded
    : await openBackupFolder(
        { ...backup, path: backup.path! },
        cluster,
        request.identity,
        decrypted,
        (line) => ctx.steps.log(line),
      );
  await extractBackup(localDir, paths.dataDir, (line) => ctx.steps.log(line));
  if (offsite) await fs.rm(downloaded, { recursive: true, force: true });
  if (localDir === decrypted) await fs.rm(decrypted, { recursive: true, force: true });
  ctx.steps.log(`extracted in ${((Date.now() - extractStarted) / 1000).toFixed(1)} s`);
  ctx.steps.end();

  ctx.steps.begin("configure");
  await ctx.checkCancelled();
  // From offsite, restore_command copies from the restore's private folder of fetched WAL.
  const walDir = path.join(paths.root, "offsite-wal");
  if (offsite)
    await withOffsiteSource(cluster.id, (repository) =>
      fetchPlannedWal(
        repository,
        cluster,
        plan,
        walDir,
        (line) => ctx.steps.log(line),
        // Segments sealed at rest were shipped as they are: the local key Walden holds opens them, beside any given.
        offsiteWalIdentity(identity, cluster),
      ),
    );
  // A local archive sealed at rest: the plan's WAL decrypted into the restore's own folder, so
  // the copy reads plaintext and never sees a key (lib/wal/sealed-wal.ts).
  const staged = offsite
    ? null
    : await stageArchiveWal(
        archivePath!,
        plan,
        path.join(paths.root, "archive-wal"),
        walIdentityFor(cluster, request.identity),
        (line) => ctx.steps.log(line),
      );
  const settings = recoverySettings({
    archiveDir: offsite ? walDir : (staged ?? archivePath!),
    target: plan.target,
    action: request.action,
    timeline: plan.timeline,
    port,
    socketDir: paths.socketDir,
    clusterName: info.name,
  });
  await configureCopy(
    paths,
    renderSettings(`Walden restore ${restore.id}`, settings) +
      renderSettings("This copy's own files, not the source's", ownFileSettings(paths.dataDir, serverMajor)),
    (line) => ctx.steps.log(line),
  );
  for (const [key, value] of Object.entries(settings).filter(
    ([key]) => key.startsWith("recovery_") || key === "restore_command",
  ))
    ctx.steps.log(`${key} = ${String(value)}`);
  ctx.steps.end();

  ctx.steps.begin("start");
  await ctx.checkCancelled();
  ctx.steps.log(await assertTablespacesInside(paths.dataDir, paths.root));
  await startInstance(paths);
  await ctx.persist({ instanceState: "running" });
  ctx.steps.log(`pg_ctl start: ${info.name} on 127.0.0.1:${port}`);
  ctx.steps.end();

  ctx.steps.begin("replay");
  let superuser: string | null = null;
  const su = async () => (superuser ??= await superuserName(info, registeredRole));
  const replay = await followReplay(ctx, plan, request, info, paths, su);
  // Replay is over: the decrypted WAL leaves the copy's folder.
  if (staged) await fs.rm(staged, { recursive: true, force: true });
  if (request.action !== "shutdown") {
    const status = await replayStatus(info, await su());
    if (status.inRecovery)
      ctx.steps.log(
        "subscriptions stay as the source had them while the copy is in recovery; no logical replication worker can start (max_logical_replication_workers = 0)",
      );
    else await detachSubscriptions(info, await su(), (line) => ctx.steps.log(line));
  }
  ctx.steps.end();

  ctx.steps.begin("verify");
  if (request.action === "shutdown") {
    await ctx.persist({
      instanceState: "stopped",
      reached: toJson({ lsn: plan.toLsn, time: plan.toTime, stoppedAt: replay.stopping }),
      verification: toJson({
        databases: [],
        inRecovery: true,
        check: { skipped: "the instance shut down at the target" },
      }),
    });
    ctx.steps.log(
      "not verified by connecting: the instance was asked to shut down at the target; start it to inspect it",
    );
    ctx.steps.end("skipped");
  } else {
    const { verification, reached } = await verifyRestoredInstance(
      ctx,
      info,
      await su(),
      registeredRole,
      request,
    );
    await ctx.persist({
      verification: toJson(verification),
      reached: toJson({ ...reached, stoppedAt: replay.stopping }),
    });
    ctx.steps.log(`reached ${reached.lsn ?? "?"} (last replayed commit ${reached.time ?? "unknown"})`);
    const shortfall = replayShortfall(plan, reached.lsn);
    if (shortfall) throw new Error(shortfall);
    ctx.steps.end();
  }

  ctx.steps.begin("ready");
  ctx.steps.log(
    request.action === "shutdown"
      ? `data directory ${paths.dataDir} (stopped)`
      : `${psqlCommand({ host: "127.0.0.1", port, user: registeredRole, database })}   (the source's password for ${registeredRole})`,
  );
  ctx.steps.end();
}
