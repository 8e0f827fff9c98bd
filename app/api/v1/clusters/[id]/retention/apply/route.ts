import { applyRetention } from "@/lib/backup/retention";
import { getClusterRowOrThrow } from "@/lib/clusters/queries";
import { AppError } from "@/lib/errors";
import { withRoute } from "@/lib/route";

// POST /api/v1/clusters/:id/retention/apply?confirm=<cluster name> — delete what the preview lists (admin, typed confirmation)
export const POST = withRoute<{ id: string }>(
  { role: "admin", action: "retention.apply" },
  async ({ req, params, actor, meta }) => {
    const cluster = await getClusterRowOrThrow(params.id);
    if (req.nextUrl.searchParams.get("confirm") !== cluster.name) {
      throw new AppError(
        "unprocessable_entity",
        `Deleting backups needs the cluster's name typed to confirm: pass ?confirm=${cluster.name}`,
        {
          field: "confirm",
        },
      );
    }
    return applyRetention(actor, params.id, meta);
  },
);
