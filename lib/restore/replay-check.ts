import { parseLsn } from "@/lib/replication/lsn";
import type { RestorePlan } from "./planner";

// Whether a finished replay reached what its plan promised. PostgreSQL itself refuses to end
// recovery before an explicit target (time, LSN, xid, name); "latest" has none, so a segment
// lost from the archive after planning would end replay early and open an older copy as if
// it were the latest.

/** Why the reached LSN falls short of the plan, or null when it does not. */
export function replayShortfall(
  plan: Pick<RestorePlan, "target" | "toLsn" | "toTime">,
  reachedLsn: string | null,
): string | null {
  if (plan.target.type !== "latest" || !plan.toLsn) return null;
  if (reachedLsn && parseLsn(reachedLsn) > parseLsn(plan.toLsn)) return null;
  return (
    `replay ended at ${reachedLsn ?? "no replayed record"}, before the latest archived commit the plan promised ` +
    `(${plan.toLsn}${plan.toTime ? `, ${plan.toTime}` : ""}): WAL after it is missing or unreadable in the archive, ` +
    "so this copy is older than asked"
  );
}
