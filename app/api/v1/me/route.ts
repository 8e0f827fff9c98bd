import { withRoute } from "@/lib/route";

// GET /api/v1/me — who the caller is (email, role, session or token)
export const GET = withRoute({ role: "viewer", action: "me.read" }, async ({ actor }) => ({
  email: actor.email,
  role: actor.role,
  kind: actor.kind,
}));
