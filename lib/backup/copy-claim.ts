import { db } from "@/lib/db";

// The claim every backup copy starts with (copy.ts to a second folder, offsite-copy.ts to S3
// storage): a `running` backup_copies row, unique per backup and destination (an index), so a
// job delivered twice does nothing the second time, and a heartbeat the reaper
// (reapStaleCopies) watches so a copy whose worker died is failed.

export const COPY_HEARTBEAT_MS = 5_000;

export interface CopyClaim {
  copyId: string;
  /** Stops the heartbeat; call it once the row says succeeded or failed. */
  release: () => void;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2002";
}

/** Claims the copy of `backupId` to `path`; null when another worker is copying it there now. */
export async function claimCopy(data: {
  backupId: string;
  path: string;
  offsite: boolean;
  repository?: "folder" | "s3";
  workerId: string;
}): Promise<CopyClaim | null> {
  let copy;
  try {
    copy = await db().backupCopy.create({
      data: { ...data, status: "running", startedAt: new Date(), heartbeatAt: new Date() },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
  const heartbeat = setInterval(() => {
    void db()
      .backupCopy.updateMany({ where: { id: copy.id, status: "running" }, data: { heartbeatAt: new Date() } })
      .catch(() => {});
  }, COPY_HEARTBEAT_MS);
  return { copyId: copy.id, release: () => clearInterval(heartbeat) };
}
