import { NextResponse } from "next/server";
import { withRoute } from "@/lib/route";
import { revokeApiToken } from "@/lib/users/mutations";

// DELETE /api/v1/tokens/:id — revoke a token (admin)
export const DELETE = withRoute<{ id: string }>(
  { role: "admin", action: "token.revoke" },
  async ({ params, actor, meta }) => {
    await revokeApiToken(actor, params.id, meta);
    return new NextResponse(null, { status: 204 });
  },
);
