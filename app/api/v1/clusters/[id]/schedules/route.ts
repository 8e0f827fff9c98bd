import { jobSender } from "@/lib/queue/sender";
import { json, readJson, withRoute } from "@/lib/route";
import { createSchedule } from "@/lib/schedules/mutations";
import { listSchedules } from "@/lib/schedules/queries";
import { scheduleCreateSchema } from "@/lib/schemas/schedule";

export const dynamic = "force-dynamic";

// GET /api/v1/clusters/:id/schedules — the cluster's backup schedules with their previews, by
// kind and oldest first (the first of a kind is the one …/schedules/:kind addresses)
export const GET = withRoute<{ id: string }>({ role: "viewer", action: "schedule.list" }, ({ params }) =>
  listSchedules(params.id),
);

// POST /api/v1/clusters/:id/schedules — a new schedule beside the others, {kind, name?, cron,
// timezone, enabled?, options?, backupFrom?} (admin); 201
export const POST = withRoute<{ id: string }>(
  { role: "admin", action: "schedule.create" },
  async ({ req, params, actor, meta }) => {
    const input = scheduleCreateSchema.parse(await readJson(req));
    return json(await createSchedule(actor, params.id, input, meta, await jobSender()), 201);
  },
);
