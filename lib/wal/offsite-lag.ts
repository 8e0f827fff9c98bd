import { db } from "@/lib/db";
import type { OffsiteWalLag, RestoreWindow } from "@/lib/schemas/restore-window";
import { DEFAULT_WAL_SEGMENT_SIZE, parseWalFileName } from "./segments";

// The offsite lag, for the restore window and /metrics: the archive as the worker last scanned
// it (the stored window) against the newest segment shipped offsite (offsite_wal_positions,
// written by offsite-ship.ts). Read-only: the web app and the metrics endpoint call it.

type WindowFacts = Pick<RestoreWindow, "latest" | "archive" | "backups">;

function segmentOf(name: string | null | undefined, segmentSize: number) {
  if (!name) return null;
  const parsed = parseWalFileName(name, segmentSize);
  return parsed.kind === "segment" ? parsed : null;
}

/** null when the cluster has no offsite repository. */
export async function getOffsiteLag(
  clusterId: string,
  window: WindowFacts | null,
): Promise<OffsiteWalLag | null> {
  const repository = await db().offsiteRepository.findUnique({
    where: { clusterId },
    select: { clusterId: true },
  });
  if (!repository) return null;
  const segmentSize = window?.archive?.segmentSize ?? DEFAULT_WAL_SEGMENT_SIZE;
  const positions = await db().offsiteWalPosition.findMany({ where: { clusterId } });
  // The newest shipped segment in WAL order: by position, then timeline.
  const shipped = positions
    .map((row) => ({ row, segment: segmentOf(row.lastSegment, segmentSize) }))
    .filter((entry) => entry.segment !== null)
    .sort((a, b) => a.segment!.segno - b.segment!.segno || a.segment!.timeline - b.segment!.timeline)
    .at(-1);
  const archived = segmentOf(window?.archive?.lastWal, segmentSize);

  let lagBytes: number | null = null;
  if (!archived) lagBytes = window?.archive ? 0 : null;
  else if (!shipped) lagBytes = (window?.archive?.segments ?? 0) * segmentSize;
  else {
    const behind = archived.segno - shipped.segment!.segno;
    lagBytes =
      behind > 0
        ? behind * segmentSize
        : behind === 0 && archived.timeline > shipped.segment!.timeline
          ? segmentSize
          : 0;
  }
  const latestCommit = window?.latest ? new Date(window.latest) : null;
  const shippedAt = shipped?.row.lastSegmentArchivedAt ?? null;
  const lagSeconds =
    lagBytes === 0
      ? 0
      : latestCommit && shippedAt
        ? Math.max(0, Math.round((latestCommit.getTime() - shippedAt.getTime()) / 1000))
        : null;
  const latest = lagBytes === 0 ? (window?.latest ?? null) : (shippedAt?.toISOString() ?? null);

  // The first restorable time of a backup that has a whole offsite copy.
  const copied = new Set(
    (
      await db().backupCopy.findMany({
        where: { backup: { clusterId }, repository: "s3", status: "succeeded" },
        select: { backupId: true },
      })
    ).map((copy) => copy.backupId),
  );
  const earliest =
    (window?.backups ?? [])
      .filter((backup) => copied.has(backup.id) && backup.restorableFrom)
      .map((backup) => backup.restorableFrom!)
      .sort()[0] ?? null;
  return { earliest, latest, lagBytes, lagSeconds };
}
