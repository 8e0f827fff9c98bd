import { json, withRoute } from "@/lib/route";
import { cancelRestore } from "@/lib/restore/mutations";

// POST /api/v1/restores/:id/cancel — stop a queued or running restore and clean up (operator)
export const POST = withRoute<{ id: string }>(
  { role: "operator", action: "restore.cancel" },
  async ({ params, actor, meta }) => json(await cancelRestore(actor, params.id, meta), 202),
);
