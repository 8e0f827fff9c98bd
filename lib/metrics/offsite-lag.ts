import { db } from "@/lib/db";
import { getOffsiteLag, lagFromFacts, newerSegment } from "@/lib/offsite/offsite-wal-lag";
import {
  offsiteWindowFactsSchema,
  restoreWindowArchiveSchema,
  restoreWindowSchema,
  type OffsiteWalLag,
} from "@/lib/schemas/restore-window";

// The offsite lag of every cluster that has an offsite repository, for /metrics, in three
// queries: the repositories, the shipped positions and the window facts. Only a cluster whose
// stored window carries no usable offsite facts (stored by an older worker, or the offsite
// listing failed) takes the per-cluster path of lib/offsite/offsite-wal-lag.ts.

interface FactsRow {
  cluster_id: string;
  latest: string | null;
  archive: unknown;
  offsite_window: unknown;
}

/** Cluster id → lag, for the clusters with an offsite repository (null lag: not computable yet). */
export async function loadOffsiteLags(clusterIds: string[]): Promise<Map<string, OffsiteWalLag | null>> {
  const repositories = await db().offsiteRepository.findMany({
    where: { clusterId: { in: clusterIds } },
    select: { clusterId: true },
  });
  const ids = repositories.map((repository) => repository.clusterId);
  const lags = new Map<string, OffsiteWalLag | null>();
  if (ids.length === 0) return lags;
  const [positions, facts] = await Promise.all([
    db().offsiteWalPosition.findMany({
      where: { clusterId: { in: ids } },
      select: { clusterId: true, lastSegment: true },
    }),
    db().$queryRaw<FactsRow[]>`
      SELECT cluster_id::text, "window"->>'latest' AS latest, "window"->'archive' AS archive,
             "window"->'offsiteWindow' AS offsite_window
        FROM restore_windows
       WHERE cluster_id = ANY(${ids}::uuid[])`,
  ]);
  const factsOf = new Map(facts.map((row) => [row.cluster_id, row]));
  for (const clusterId of ids) {
    const row = factsOf.get(clusterId);
    const archive = restoreWindowArchiveSchema.nullable().safeParse(row?.archive ?? null);
    const offsiteWindow = offsiteWindowFactsSchema.safeParse(row?.offsite_window);
    if (row && archive.success && offsiteWindow.success && !offsiteWindow.data.error) {
      const segmentSize = archive.data?.segmentSize ?? offsiteWindow.data.segmentSize;
      const shipped = positions
        .filter((position) => position.clusterId === clusterId)
        .reduce<string | null>(
          (newest, position) => newerSegment(newest, position.lastSegment, segmentSize),
          null,
        );
      const window = {
        latest: row.latest,
        archive: archive.data,
        backups: [],
        offsiteWindow: offsiteWindow.data,
      };
      lags.set(clusterId, lagFromFacts(window, shipped));
    } else {
      lags.set(clusterId, await getOffsiteLag(clusterId, await storedWindow(clusterId)));
    }
  }
  return lags;
}

async function storedWindow(clusterId: string) {
  const row = await db().restoreWindowSnapshot.findUnique({ where: { clusterId }, select: { window: true } });
  const parsed = row?.window ? restoreWindowSchema.safeParse(row.window) : null;
  return parsed?.success ? parsed.data : null;
}
