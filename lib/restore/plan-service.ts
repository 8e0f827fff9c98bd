import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { db } from "@/lib/db";
import type { PitrRestoreRequest } from "@/lib/schemas/restore";
import type { PlanAnswer } from "@/lib/schemas/restore-plan";
import { scanArchive } from "@/lib/wal/archive";
import { getRestoreWindow } from "@/lib/wal/restore-window";
import { planRestore, type PlanResult, type TargetRecord } from "./planner";
import { findTargetRecord } from "./target-record";

// Worker side of planning (restore.plan, and again when a restore starts): a fresh window from
// the archive, the WAL record of an xid or name target, the stored backup sizes, then the
// pure planner.

export type { PlanAnswer };

export async function answerPlanRequest(request: PitrRestoreRequest): Promise<PlanAnswer> {
  try {
    return await planPitrRestore(request);
  } catch (error) {
    return { ok: false, reason: "unavailable", message: (error as Error).message };
  }
}

export async function planPitrRestore(request: PitrRestoreRequest): Promise<PlanResult> {
  const cluster = await getClusterRowOrThrow(request.clusterId);
  const window = await getRestoreWindow(cluster.id);
  let record: TargetRecord | null | undefined;
  const warnings: string[] = [];
  if ((request.target.type === "xid" || request.target.type === "name") && cluster.archivePath) {
    const search = await findTargetRecord(await scanArchive(cluster.archivePath), request.target);
    record = search.record;
    if (search.capped)
      warnings.push(
        `Only the newest ${search.segmentsRead} archived segments were searched for the ${request.target.type}.`,
      );
  }
  const backups = await db().backup.findMany({
    where: { clusterId: cluster.id, kind: "physical", status: "succeeded" },
    select: { id: true, sizeBytes: true },
  });
  const result = planRestore({
    window,
    target: request.target,
    backupId: request.backupId,
    timeline: request.timeline,
    record: record ?? null,
    backupBytes: new Map(backups.map((b) => [b.id, Number(b.sizeBytes ?? 0)])),
    segmentSize: window.archive?.segmentSize ?? 16 * 1024 * 1024,
  });
  if (result.ok)
    result.plan.warnings.push(...warnings, ...window.problems.filter((p) => /gap|missing/i.test(p)));
  return result;
}
