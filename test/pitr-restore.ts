import { db } from "@/lib/db";
import { planPitrRestore } from "@/lib/restore/plan-service";
import { runRestore } from "@/lib/restore/run";
import { pitrRestoreRequestSchema } from "@/lib/schemas/restore";

// A PITR restore planned, catalogued and run the way the worker does it (planPitrRestore,
// a restores row, runRestore), for pg tests that need a restored instance.

/**
 * Runs the restore (or, with purpose "drill", a drill: torn down once verified) to its end and
 * returns the finished row; throws naming the failed step unless it succeeded.
 */
export async function runPitrRestore(
  clusterId: string,
  target: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  purpose: "restore" | "drill" = "restore",
) {
  const request = pitrRestoreRequestSchema.parse({ clusterId, kind: "pitr", target, ...extra });
  const planned = await planPitrRestore(request);
  if (!planned.ok) throw new Error(planned.message);
  const row = await db().restore.create({
    data: {
      clusterId,
      kind: "pitr",
      purpose,
      request,
      plan: planned.plan as never,
      backupId: planned.plan.backupId,
      requestedBy: "test",
    },
  });
  if (!(await runRestore(row.id, "test-worker"))) throw new Error(`restore ${row.id} was not run`);
  const done = await db().restore.findUniqueOrThrow({ where: { id: row.id } });
  if (done.status !== "succeeded") {
    const steps = done.steps as { name: string; status: string; log: string[] }[];
    const failed = steps.find((step) => step.status === "failed");
    throw new Error(
      `restore ${done.status}: ${done.error}\n${failed?.name}: ${failed?.log.slice(-12).join("\n")}`,
    );
  }
  return done;
}
