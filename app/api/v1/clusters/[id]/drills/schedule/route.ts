import { readJson, withRoute } from "@/lib/route";
import { drillScheduleSchema, setDrillSchedule } from "@/lib/restore/drills";

// PUT /api/v1/clusters/:id/drills/schedule {cron, timezone, enabled} — when the cluster's restore drill runs (admin)
export const PUT = withRoute<{ id: string }>(
  { role: "admin", action: "drill.schedule" },
  async ({ req, params, actor, meta }) =>
    setDrillSchedule(actor, params.id, drillScheduleSchema.parse(await readJson(req)), meta),
);
