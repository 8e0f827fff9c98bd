import { withRoute } from "@/lib/route";
import { getRestoreOrThrow } from "@/lib/restore/queries";

export const dynamic = "force-dynamic";

// GET /api/v1/restores/:id — status, steps with logs, instance, reached point, verification
export const GET = withRoute<{ id: string }>(
  { role: "viewer", action: "restore.read" },
  ({ params, actor }) => getRestoreOrThrow(params.id, actor.role),
);
