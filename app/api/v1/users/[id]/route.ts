import { readJson, withRoute } from "@/lib/route";
import { userUpdateSchema } from "@/lib/schemas/user";
import { updateUser } from "@/lib/users/mutations";

// PATCH /api/v1/users/:id — change role, name, password or disable (admin)
export const PATCH = withRoute<{ id: string }>(
  { role: "admin", action: "user.update" },
  async ({ req, params, actor, meta }) => {
    const input = userUpdateSchema.parse(await readJson(req));
    return updateUser(actor, params.id, input, meta);
  },
);
