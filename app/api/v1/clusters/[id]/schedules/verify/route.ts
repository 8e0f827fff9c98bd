import { NextResponse } from "next/server";
import { readJson, withRoute } from "@/lib/route";
import {
  deleteVerifySchedule,
  getVerifySchedule,
  setVerifySchedule,
  verifyScheduleSchema,
} from "@/lib/schedules/verify";

export const dynamic = "force-dynamic";

// GET /api/v1/clusters/:id/schedules/verify — when the cluster's backups are verified again
// (null: never on their own)
export const GET = withRoute<{ id: string }>(
  { role: "viewer", action: "verify_schedule.get" },
  ({ params }) => getVerifySchedule(params.id),
);

// PUT /api/v1/clusters/:id/schedules/verify {cron, timezone, enabled} — create or replace it (admin)
export const PUT = withRoute<{ id: string }>(
  { role: "admin", action: "verify_schedule.update" },
  async ({ req, params, actor, meta }) =>
    setVerifySchedule(actor, params.id, verifyScheduleSchema.parse(await readJson(req)), meta),
);

// DELETE /api/v1/clusters/:id/schedules/verify — stop verifying this cluster's backups on a schedule (admin)
export const DELETE = withRoute<{ id: string }>(
  { role: "admin", action: "verify_schedule.delete" },
  async ({ params, actor, meta }) => {
    await deleteVerifySchedule(actor, params.id, meta);
    return new NextResponse(null, { status: 204 });
  },
);
