import { existsSync } from "node:fs";
import path from "node:path";

// Whether a backup can be read from this host's disk, or must come from its offsite copy: the
// planner, the verification and the runbook all decide with this one rule. A small file of its
// own so the web side (the runbook page) can ask without loading the planner's programs.

/**
 * The local copy is whole when the backup's folder and its SHA256SUMS are on disk and, for a
 * physical backup (which needs WAL to be consistent), the archive folder too.
 */
export function localCopyIsWhole(
  backupPath: string | null,
  archivePath: string | null,
  kind: "physical" | "logical" | string = "physical",
): boolean {
  if (!backupPath || !existsSync(path.join(backupPath, "SHA256SUMS"))) return false;
  return kind !== "physical" || (Boolean(archivePath) && existsSync(archivePath!));
}
