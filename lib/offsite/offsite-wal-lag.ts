import { db } from "@/lib/db";
import type { OffsiteWalLag, OffsiteWindowFacts, RestoreWindow } from "@/lib/schemas/restore-window";
import { getOffsiteLag as lagFromShippedPositions } from "@/lib/wal/offsite-lag";
import { parseWalFileName } from "@/lib/wal/segments";

// The offsite lag (GET …/restore-window `offsite`, /metrics, the offsite_lag alert) from facts:
// the offsite copy's own window, computed by the worker from the offsite WAL listing and the
// commit times read there (refresh-window.ts stores it beside the local window), and the newest
// segment the shipper recorded since, against the local archive's newest segment and last commit. Until such facts exist (a window stored by an
// older worker, an encrypted repository whose WAL the worker cannot open, storage that did not
// answer) it falls back to what the shipper recorded (lib/wal/offsite-lag.ts). Read-only.

type WindowFacts = Pick<RestoreWindow, "latest" | "archive" | "backups"> & {
  offsiteWindow?: OffsiteWindowFacts | null;
};

function segmentOf(name: string | null | undefined, segmentSize: number) {
  if (!name) return null;
  const parsed = parseWalFileName(name, segmentSize);
  return parsed.kind === "segment" ? parsed : null;
}

/** Bytes of WAL the archive holds beyond the offsite listing's newest segment. Pure. */
export function lagBytesOf(archive: RestoreWindow["archive"], offsiteLastWal: string | null): number | null {
  if (!archive) return null;
  const archived = segmentOf(archive.lastWal, archive.segmentSize);
  if (!archived) return 0;
  const shipped = segmentOf(offsiteLastWal, archive.segmentSize);
  if (!shipped) return archive.segments * archive.segmentSize;
  const behind = archived.segno - shipped.segno;
  if (behind > 0) return behind * archive.segmentSize;
  // The same position on a newer timeline is a segment the offsite copy does not hold yet.
  return behind === 0 && archived.timeline > shipped.timeline ? archive.segmentSize : 0;
}

/** The newer of two segment names in WAL order (position, then timeline); null when neither is one. */
export function newerSegment(a: string | null, b: string | null, segmentSize: number): string | null {
  const [left, right] = [segmentOf(a, segmentSize), segmentOf(b, segmentSize)];
  if (!left || !right) return left ? a : right ? b : null;
  return right.segno > left.segno || (right.segno === left.segno && right.timeline > left.timeline) ? b : a;
}

/**
 * The lag from the offsite window's facts; null when there are none to use. Pure. The facts are
 * as of the last archive scan, which runs just before the shipper: `shippedLastWal` (the newest
 * segment the shipper recorded since) keeps the bytes from lagging a scan behind. Once caught up,
 * the archive's last commit is offsite too; else the offsite window's last commit read is the
 * newest time known to be there.
 */
export function lagFromFacts(
  window: WindowFacts,
  shippedLastWal: string | null = null,
): OffsiteWalLag | null {
  const facts = window.offsiteWindow;
  if (!facts || facts.error) return null;
  const offsiteLast = newerSegment(
    facts.lastWal,
    shippedLastWal,
    window.archive?.segmentSize ?? facts.segmentSize,
  );
  const lagBytes = lagBytesOf(window.archive, offsiteLast);
  const latest = lagBytes === 0 ? (window.latest ?? facts.latest) : facts.latest;
  const lagSeconds =
    lagBytes === 0
      ? 0
      : window.latest && latest
        ? Math.max(0, Math.round((Date.parse(window.latest) - Date.parse(latest)) / 1000))
        : null;
  return { earliest: facts.earliest, latest, lagBytes, lagSeconds };
}

/** null when the cluster has no offsite repository. */
export async function getOffsiteLag(
  clusterId: string,
  window: WindowFacts | null,
): Promise<OffsiteWalLag | null> {
  if (!window?.offsiteWindow || window.offsiteWindow.error) return lagFromShippedPositions(clusterId, window);
  const repository = await db().offsiteRepository.findUnique({
    where: { clusterId },
    select: { clusterId: true },
  });
  if (!repository) return null;
  const segmentSize = window.archive?.segmentSize ?? window.offsiteWindow.segmentSize;
  const positions = await db().offsiteWalPosition.findMany({
    where: { clusterId },
    select: { lastSegment: true },
  });
  const shipped = positions.reduce<string | null>(
    (newest, row) => newerSegment(newest, row.lastSegment, segmentSize),
    null,
  );
  return lagFromFacts(window, shipped);
}
