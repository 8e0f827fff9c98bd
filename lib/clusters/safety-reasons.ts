import { formatSeconds } from "@/lib/alerts/conditions";
import type { SafetyReason } from "@/lib/schemas/safety-reason";

// Why a cluster is at risk, as codes with their figures: the overview translates each code
// (messages overview.reasons.<code>), while `englishReason` keeps the API's English `reasons`
// for scripts. One entry per code here and in the catalogs.


const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** The reason in the English words GET /api/v1/clusters has always returned. */
export function englishReason(reason: SafetyReason): string {
  switch (reason.code) {
    case "noSample":
      return "no fresh replication sample (is the worker running?)";
    case "unreachable":
      return "the primary is unreachable or a standby is disconnected";
    case "noBackup":
      return "no successful physical backup";
    case "backupOverRpo":
      return `the last backup is ${formatSeconds(reason.params.ageSeconds)} old, over the RPO target of ${formatSeconds(reason.params.targetSeconds)}`;
    case "archiverFailing":
      return `WAL archiving is failing${reason.params.lastFailedWal ? ` (last failed: ${reason.params.lastFailedWal})` : ""}`;
    case "windowNotComputed":
      return "the restorable window has not been computed yet";
    case "archiveUnreadable":
      return `the WAL archive could not be read: ${reason.params.error}`;
    case "nothingRestorable":
      return "nothing is restorable to a point in time yet";
    case "walGaps":
      return `${plural(reason.params.count, "gap")} in the WAL archive`;
    case "drillFailed":
      return "the last restore drill failed";
    case "drillOverRto":
      return `the last drill took ${formatSeconds(reason.params.rtoSeconds)}, over the RTO target of ${formatSeconds(reason.params.targetSeconds)}`;
    case "criticalAlerts":
      return `${plural(reason.params.count, "critical alert")} firing`;
  }
}
