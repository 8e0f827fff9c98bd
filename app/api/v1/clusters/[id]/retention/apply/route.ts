import { audit } from "@/lib/auth/audit";
import { applyRetention } from "@/lib/backup/retention";
import { getActiveClusterRowOrThrow } from "@/lib/clusters/queries";
import { AppError } from "@/lib/errors";
import { withRoute } from "@/lib/route";

// POST /api/v1/clusters/:id/retention/apply?confirm=<cluster name> — delete what the preview lists (admin, typed confirmation)
export const POST = withRoute<{ id: string }>(
  { role: "admin", action: "retention.apply" },
  async ({ req, params, actor, meta }) => {
    const cluster = await getActiveClusterRowOrThrow(params.id);
    if (req.nextUrl.searchParams.get("confirm") !== cluster.name) {
      throw new AppError(
        "unprocessable_entity",
        `Deleting backups needs the cluster's name typed to confirm: pass ?confirm=${cluster.name}`,
        {
          field: "confirm",
        },
      );
    }
    const result = await applyRetention(actor, params.id, meta);
    // Each deletion is audited by applyRetention; this records who ran it, even when nothing was due.
    await audit(
      actor,
      {
        action: "retention.apply",
        outcome: "success",
        target: { type: "cluster", id: cluster.id },
        details: { expired: result.expire.length, walFiles: result.wal.count },
      },
      meta,
    );
    return result;
  },
);
