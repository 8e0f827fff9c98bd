import { getReplicationSnapshotOrThrow } from "@/lib/replication/queries";
import { withRoute } from "@/lib/route";
import { readKey, sharedJson } from "@/lib/web/shared-read";

export const dynamic = "force-dynamic";

// GET /api/v1/clusters/:id/replication — the latest sample: primary, standbys with state and lag, slots, archiver
export const GET = withRoute<{ id: string }>(
  { role: "viewer", action: "replication.read" },
  ({ req, params }) => sharedJson(readKey(req), () => getReplicationSnapshotOrThrow(params.id)),
);
