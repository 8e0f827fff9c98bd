import { listSchedules } from "@/lib/schedules/queries";
import { withRoute } from "@/lib/route";

export const dynamic = "force-dynamic";

// GET /api/v1/clusters/:id/schedules — the cluster's backup schedules with their previews
export const GET = withRoute<{ id: string }>({ role: "viewer", action: "schedule.list" }, ({ params }) =>
  listSchedules(params.id),
);
