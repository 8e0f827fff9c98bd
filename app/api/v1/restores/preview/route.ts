import { readJson, withRoute } from "@/lib/route";
import { previewRestore } from "@/lib/restore/mutations";
import { restorePreviewSchema } from "@/lib/schemas/restore";

export const dynamic = "force-dynamic";

// POST /api/v1/restores/preview — the plan for a pitr target, or a 422 saying why it cannot be reached
export const POST = withRoute({ role: "operator", action: "restore.preview" }, async ({ req }) => {
  const request = restorePreviewSchema.parse(await readJson(req));
  return { plan: await previewRestore(request) };
});
