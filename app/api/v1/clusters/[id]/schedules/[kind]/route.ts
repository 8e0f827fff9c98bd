import { NextResponse } from "next/server";
import { appError } from "@/lib/errors";
import { jobSender } from "@/lib/queue/sender";
import { readJson, withRoute } from "@/lib/route";
import { deleteSchedule, upsertSchedule } from "@/lib/schedules/mutations";
import { scheduleInputSchema, scheduleKindSchema, type ScheduleKind } from "@/lib/schemas/schedule";

export const dynamic = "force-dynamic";

type Params = { id: string; kind: string };

function kindOf(params: Params): ScheduleKind {
  const kind = scheduleKindSchema.safeParse(params.kind);
  if (!kind.success) throw appError("not_found", "schedules.notAKind");
  return kind.data;
}

// PUT /api/v1/clusters/:id/schedules/:kind — create or replace the cluster's first (oldest) schedule of
// this kind (admin); its other schedules of the kind are addressed by id (by-id/:scheduleId)
export const PUT = withRoute<Params>(
  { role: "admin", action: "schedule.update" },
  async ({ req, params, actor, meta }) => {
    const kind = kindOf(params);
    const input = scheduleInputSchema(kind).parse(await readJson(req));
    return upsertSchedule(actor, params.id, kind, input, meta, await jobSender());
  },
);

// DELETE /api/v1/clusters/:id/schedules/:kind — remove that first schedule, pg-boss schedule included (admin)
export const DELETE = withRoute<Params>(
  { role: "admin", action: "schedule.delete" },
  async ({ params, actor, meta }) => {
    await deleteSchedule(actor, params.id, kindOf(params), meta, await jobSender());
    return new NextResponse(null, { status: 204 });
  },
);
