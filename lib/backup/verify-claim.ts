import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { backupPaths, removeUnderRoot, repositoryRootFor } from "@/lib/backup/repository";
import { db } from "@/lib/db";

// A verification is claimed in the catalog like a backup or a restore: one worker at a time
// per backup (a second delivery of backup.verify while the first runs does nothing), with a
// heartbeat while it runs, and a reaper that releases the claim of a worker that stopped.
// An interrupted verification says nothing about the backup: its last result stays as it was.

export const VERIFY_HEARTBEAT_MS = 5_000;
const STALE_AFTER_MS = 6 * VERIFY_HEARTBEAT_MS;

export interface VerificationClaim {
  /** Unique per attempt: names the scratch folder, so two attempts never share one. */
  attempt: string;
  release(): void;
}

/** The scratch folder of one verification attempt (`.verify-<backup id>-<attempt>`). */
export function verifyScratchDir(clusterDir: string, backupId: string, attempt: string): string {
  return path.join(clusterDir, `.verify-${backupId}-${attempt}`);
}

/** Claims a succeeded backup's verification for this worker; null when another worker holds it. */
export async function claimVerification(
  backupId: string,
  workerId: string,
): Promise<VerificationClaim | null> {
  const now = new Date();
  const claimed = await db().backup.updateMany({
    where: { id: backupId, status: "succeeded", verifyWorkerId: null },
    data: { verifyWorkerId: workerId, verifyStartedAt: now, verifyHeartbeatAt: now },
  });
  if (claimed.count === 0) return null;
  const timer = setInterval(() => {
    void db()
      .backup.updateMany({
        where: { id: backupId, verifyWorkerId: workerId },
        data: { verifyHeartbeatAt: new Date() },
      })
      .catch(() => {});
  }, VERIFY_HEARTBEAT_MS);
  return { attempt: randomUUID().slice(0, 8), release: () => clearInterval(timer) };
}

/** Verifications whose worker stopped beating: claim released, scratch folders removed, result untouched. */
export async function reapStaleVerifications(staleAfterMs = STALE_AFTER_MS): Promise<string[]> {
  const before = new Date(Date.now() - staleAfterMs);
  const stale = await db().backup.findMany({
    where: {
      verifyWorkerId: { not: null },
      OR: [{ verifyHeartbeatAt: { lt: before } }, { verifyHeartbeatAt: null }],
    },
    include: { cluster: { select: { name: true, repositoryPath: true } } },
  });
  for (const backup of stale) {
    const root = repositoryRootFor(backup.cluster);
    const { clusterDir } = backupPaths(root, backup.cluster.name, backup.id);
    const prefix = `.verify-${backup.id}-`;
    const leftovers = (await fs.readdir(clusterDir).catch(() => [] as string[])).filter((name) =>
      name.startsWith(prefix),
    );
    for (const name of leftovers) await removeUnderRoot(root, path.join(clusterDir, name)).catch(() => {});
    const note = `verification interrupted: the worker running it (${backup.verifyWorkerId}) stopped (no heartbeat since ${(backup.verifyHeartbeatAt ?? backup.verifyStartedAt)?.toISOString()}); scratch files removed, the last result stands`;
    await db().backup.updateMany({
      where: { id: backup.id, verifyWorkerId: backup.verifyWorkerId },
      data: { verifyWorkerId: null, verifyLog: backup.verifyLog ? `${backup.verifyLog}\n${note}` : note },
    });
  }
  return stale.map((backup) => backup.id);
}
