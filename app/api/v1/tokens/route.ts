import { json, readJson, withRoute } from "@/lib/route";
import { tokenCreateSchema } from "@/lib/schemas/user";
import { createApiToken } from "@/lib/users/mutations";
import { listTokens } from "@/lib/users/tokens-queries";

// GET /api/v1/tokens — every API token, never the secret (admin)
export const GET = withRoute({ role: "admin", action: "token.list" }, () => listTokens());

// POST /api/v1/tokens — issue a token; the response is the only time it is shown (admin)
export const POST = withRoute({ role: "admin", action: "token.create" }, async ({ req, actor, meta }) => {
  const input = tokenCreateSchema.parse(await readJson(req));
  return json(await createApiToken(actor, input, meta), 201);
});
