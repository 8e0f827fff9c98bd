import { NextResponse } from "next/server";
import { jobSender } from "@/lib/queue/sender";
import { readJson, withRoute } from "@/lib/route";
import { deleteScheduleById, updateScheduleById } from "@/lib/schedules/mutations";
import { schedulePatchSchema } from "@/lib/schemas/schedule";

export const dynamic = "force-dynamic";

type Params = { id: string; scheduleId: string };

// PATCH /api/v1/clusters/:id/schedules/by-id/:scheduleId — change any of name, cron, timezone,
// enabled, options, backupFrom; the rest is kept (admin)
export const PATCH = withRoute<Params>(
  { role: "admin", action: "schedule.update" },
  async ({ req, params, actor, meta }) => {
    const patch = schedulePatchSchema.parse(await readJson(req));
    return updateScheduleById(actor, params.id, params.scheduleId, patch, meta, await jobSender());
  },
);

// DELETE /api/v1/clusters/:id/schedules/by-id/:scheduleId — remove it, pg-boss schedule included (admin)
export const DELETE = withRoute<Params>(
  { role: "admin", action: "schedule.delete" },
  async ({ params, actor, meta }) => {
    await deleteScheduleById(actor, params.id, params.scheduleId, meta, await jobSender());
    return new NextResponse(null, { status: 204 });
  },
);
