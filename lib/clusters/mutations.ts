import path from "node:path";
import pg from "pg";
import { ensureDefaultRules } from "@/lib/alerts/rules";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { assertArchivePathFree, assertSecondaryRepositoryDistinct } from "@/lib/clusters/path-checks";
import {
  clusterWithNodes,
  getActiveClusterRowOrThrow,
  getClusterRowOrThrow,
  toClusterSummary,
} from "@/lib/clusters/queries";
import { createRegistrationProtection } from "@/lib/clusters/registration-defaults";
import { dropClusterSlots, type SlotDrop } from "@/lib/clusters/slots";
import { endpointChanges, mergedPrimaryInput, nodeData } from "@/lib/clusters/node-credentials";
import { nodeConnection } from "@/lib/clusters/test-connection";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { appError } from "@/lib/errors";
import { enqueue } from "@/lib/queue/boss";
import { jobSender } from "@/lib/queue/sender";
import { LOCK_NAMESPACE } from "@/lib/clusters/sampler-lock";
import type { ClusterCreateInput, ClusterSummary, ClusterUpdateInput } from "@/lib/schemas/cluster";

/** Where a cluster's WAL archive lives when the admin does not say. */
export function defaultArchivePath(clusterName: string): string {
  return path.join(env().waldenHome, "archive", clusterName);
}

async function assertNameFree(name: string, exceptId?: string): Promise<void> {
  const existing = await db().cluster.findUnique({ where: { name } });
  if (existing && existing.id !== exceptId) {
    throw appError("conflict", "clusters.nameTaken", { name }, { field: "name" });
  }
}

export async function registerCluster(
  actor: Actor,
  input: ClusterCreateInput,
  meta: RequestMeta,
): Promise<ClusterSummary> {
  await assertNameFree(input.name);
  const archivePath = input.archive.path ?? defaultArchivePath(input.name);
  await assertArchivePathFree(archivePath);
  await assertSecondaryRepositoryDistinct(
    input.repository?.path ?? null,
    input.repository?.secondaryPath ?? null,
  );
  const { cluster, protection } = await db().$transaction(async (tx) => {
    const created = await tx.cluster.create({
      data: {
        name: input.name,
        archiveMode: input.archive.mode,
        archivePath,
        sampleIntervalSeconds: input.sampleIntervalSeconds,
        repositoryPath: input.repository?.path ?? null,
        secondaryRepositoryPath: input.repository?.secondaryPath ?? null,
        secondaryOffsite: input.repository?.secondaryOffsite ?? false,
        nodes: {
          create: [
            nodeData("primary", "primary", input.primary, "primary"),
            ...input.standbys.map((standby, i) =>
              nodeData(standby.name, "standby", standby, `standbys.${i}`),
            ),
          ],
        },
      },
      include: clusterWithNodes,
    });
    return {
      cluster: created,
      protection: await createRegistrationProtection(tx, created.id, input.defaults),
    };
  });
  await ensureDefaultRules(cluster.id);
  await audit(
    actor,
    {
      action: "cluster.create",
      outcome: "success",
      target: { type: "cluster", id: cluster.id },
      details: { input, protection },
    },
    meta,
  );
  return toClusterSummary(cluster);
}

export async function updateCluster(
  actor: Actor,
  id: string,
  input: ClusterUpdateInput,
  meta: RequestMeta,
): Promise<ClusterSummary> {
  const current = await getActiveClusterRowOrThrow(id);
  if (input.name) await assertNameFree(input.name, id);
  if (input.archive)
    await assertArchivePathFree(input.archive.path ?? defaultArchivePath(input.name ?? current.name), id);
  if (input.repository) {
    const { path: primaryPath, secondaryPath } = input.repository;
    await assertSecondaryRepositoryDistinct(
      primaryPath === undefined ? current.repositoryPath : primaryPath,
      secondaryPath === undefined ? current.secondaryRepositoryPath : secondaryPath,
    );
  }
  const primary = current.nodes.find((node) => node.role === "primary");
  const storedByName = new Map(current.nodes.map((node) => [node.name, node]));
  // Checked before anything is written: a refused password or CA leaves the cluster as it was.
  const primaryData =
    input.primary && primary
      ? nodeData("primary", "primary", mergedPrimaryInput(primary, input.primary), "primary", primary)
      : undefined;
  const standbysData = input.standbys?.map((standby, i) =>
    nodeData(standby.name, "standby", standby, `standbys.${i}`, storedByName.get(standby.name)),
  );
  const endpoints = endpointChanges(
    current.nodes.filter((node) => (node.role === "primary" ? primaryData : standbysData)),
    [...(primaryData ? [primaryData] : []), ...(standbysData ?? [])],
  );

  await db().$transaction(async (tx) => {
    await tx.cluster.update({
      where: { id },
      data: {
        name: input.name,
        archiveMode: input.archive?.mode,
        archivePath: input.archive
          ? (input.archive.path ?? defaultArchivePath(input.name ?? current.name))
          : undefined,
        sampleIntervalSeconds: input.sampleIntervalSeconds,
        rpoTargetSeconds: input.rpoTargetSeconds,
        rtoTargetSeconds: input.rtoTargetSeconds,
        repositoryPath: input.repository?.path,
        secondaryRepositoryPath: input.repository?.secondaryPath,
        secondaryOffsite: input.repository?.secondaryOffsite,
      },
    });
    if (primaryData && primary) {
      await tx.node.update({ where: { id: primary.id }, data: primaryData });
    }
    if (standbysData) {
      await tx.node.deleteMany({ where: { clusterId: id, role: "standby" } });
      await tx.node.createMany({ data: standbysData.map((standby) => ({ clusterId: id, ...standby })) });
    }
  });
  await audit(
    actor,
    {
      action: "cluster.update",
      outcome: "success",
      target: { type: "cluster", id },
      details: endpoints.length ? { input, endpoints } : { input },
    },
    meta,
  );
  return toClusterSummary(await getClusterRowOrThrow(id));
}

/** What deleting a cluster did: it is retired, never erased, and what acted on its behalf is stopped. */
export interface ClusterRetirement {
  id: string;
  /** The name it was registered under (the retired row is renamed, so the name can be used again). */
  name: string;
  retiredName: string;
  retiredAt: string;
  /** Walden's stream-mode slots on the primary: dropped, absent, or failed with what to do by hand. */
  slots: SlotDrop[];
  restores: { cancelled: number; stopping: number; instancesToTearDown: number };
  backupsCancelled: number;
}

/** How long deleting a cluster waits for the worker that samples it to stop its pg_receivewal. */
const RELEASE_WAIT_MS = 20_000;

/**
 * A destructive cluster action goes ahead only with the cluster's name typed; a mismatch is
 * audited as denied and answered with a 422 on `confirm`.
 */
export async function requireTypedName(
  actor: Actor,
  action: string,
  cluster: { id: string; name: string },
  typed: string | null,
  meta: RequestMeta,
): Promise<void> {
  if (typed === cluster.name) return;
  await audit(
    actor,
    {
      action,
      outcome: "denied",
      target: { type: "cluster", id: cluster.id },
      details: { reason: "confirmation did not match" },
    },
    meta,
  );
  throw appError(
    "unprocessable_entity",
    "clusters.typeNameToConfirm",
    { name: cluster.name },
    {
      issues: [{ path: "confirm", message: `type ${cluster.name} to confirm` }],
    },
  );
}

/**
 * Deletes a cluster without erasing evidence (design.md "Safety rules"): the row is retired and
 * renamed, so its backups, restores, reports and audit stay and its name can be registered
 * again. Nothing keeps acting for it: queued work is cancelled, running restores are asked to
 * stop, restored instances are torn down by the worker, schedules are disabled, open alerts
 * resolved, and Walden's replication slots dropped on the primary (audited). Its files stay.
 * The caller must type the cluster's name.
 */
export async function deleteCluster(
  actor: Actor,
  id: string,
  confirmName: string | null,
  meta: RequestMeta,
): Promise<ClusterRetirement> {
  const cluster = await getActiveClusterRowOrThrow(id);
  await requireTypedName(actor, "cluster.delete", cluster, confirmName, meta);

  const retiredAt = new Date();
  // Names are [a-z0-9-] (the repository folder rule); the id's first 8 hex keep two retirements of one name apart.
  const retiredName = `${cluster.name}-retired-${cluster.id.slice(0, 8)}`;
  const reason = "the cluster was deleted before it started";
  const counts = await db().$transaction(async (tx) => {
    const retired = await tx.cluster.updateMany({
      where: { id, retiredAt: null },
      data: { retiredAt, name: retiredName },
    });
    if (retired.count === 0) throw appError("not_found", "clusters.noCluster", { id });
    const cancelled = await tx.restore.updateMany({
      where: { clusterId: id, status: "queued" },
      data: { status: "cancelled", cancelRequestedAt: retiredAt, finishedAt: retiredAt, error: reason },
    });
    // The worker running it stops at its next check and removes the instance it was building.
    const stopping = await tx.restore.updateMany({
      where: { clusterId: id, status: "running" },
      data: { cancelRequestedAt: retiredAt },
    });
    // Restored instances left running (or stopped) are torn down by the worker's restore.sweep.
    const instances = await tx.restore.updateMany({
      where: {
        clusterId: id,
        status: { in: ["succeeded", "failed", "cancelled"] },
        instanceState: { in: ["running", "stopped"] },
      },
      data: { expiresAt: retiredAt },
    });
    const backups = await tx.backup.updateMany({
      where: { clusterId: id, status: "queued" },
      data: { status: "failed", finishedAt: retiredAt, error: reason },
    });
    await tx.backupSchedule.updateMany({ where: { clusterId: id }, data: { enabled: false } });
    await tx.alert.updateMany({
      where: { clusterId: id, state: { not: "resolved" } },
      data: { state: "resolved", resolvedAt: retiredAt },
    });
    return {
      restores: {
        cancelled: cancelled.count,
        stopping: stopping.count,
        instancesToTearDown: instances.count,
      },
      backupsCancelled: backups.count,
    };
  });
  if (counts.restores.instancesToTearDown > 0)
    await enqueue(await jobSender(), "restore.sweep", {}).catch((error) =>
      console.error(`[clusters] restore.sweep not queued (the minute's sweep will do it): ${error}`),
    );
  const slots = await dropSlotsOfRetired(actor, cluster, meta);
  await audit(
    actor,
    {
      action: "cluster.delete",
      outcome: "success",
      target: { type: "cluster", id },
      details: { name: cluster.name, retiredName, ...counts, slots },
    },
    meta,
  );
  return {
    id,
    name: cluster.name,
    retiredName,
    retiredAt: retiredAt.toISOString(),
    slots,
    ...counts,
  };
}

/**
 * Drops the retired cluster's slots once no worker samples it any more: its owner lets go within
 * a fleet refresh (stopping pg_receivewal first), and holding the cluster's sampler lock here
 * keeps any worker from taking it (and starting pg_receivewal) during the drop.
 */
async function dropSlotsOfRetired(
  actor: Actor,
  cluster: Awaited<ReturnType<typeof getClusterRowOrThrow>>,
  meta: RequestMeta,
): Promise<SlotDrop[]> {
  const primary = cluster.nodes.find((node) => node.role === "primary");
  if (!primary) return [];
  const lock = new pg.Client({ connectionString: env().DATABASE_URL, application_name: "walden-retire" });
  lock.on("error", () => {});
  await lock.connect();
  try {
    const deadline = Date.now() + RELEASE_WAIT_MS;
    let locked = false;
    while (!locked && Date.now() < deadline) {
      const { rows } = await lock.query<{ locked: boolean }>(
        "select pg_try_advisory_lock($1, hashtext($2)) as locked",
        [LOCK_NAMESPACE, cluster.id],
      );
      locked = rows[0]?.locked === true;
      if (!locked) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const results = await dropClusterSlots(
      actor,
      cluster,
      nodeConnection(primary),
      {
        reason: "the cluster was deleted",
        waitMs: locked ? 10_000 : 1_000,
        // An archive_command cluster has no slot unless it streamed once: a primary that is down is no failure then.
        auditFailures: cluster.archiveMode === "stream",
      },
      meta,
    );
    return cluster.archiveMode === "stream"
      ? results
      : results.filter((result) => result.outcome === "dropped");
  } finally {
    await lock.end().catch(() => {});
  }
}
