import { json, readJson, withRoute } from "@/lib/route";
import { userCreateSchema } from "@/lib/schemas/user";
import { createUser } from "@/lib/users/mutations";
import { listUsers } from "@/lib/users/queries";

// GET /api/v1/users — every user (admin)
export const GET = withRoute({ role: "admin", action: "user.list" }, () => listUsers());

// POST /api/v1/users — create a user (admin)
export const POST = withRoute({ role: "admin", action: "user.create" }, async ({ req, actor, meta }) => {
  const input = userCreateSchema.parse(await readJson(req));
  return json(await createUser(actor, input, meta), 201);
});
