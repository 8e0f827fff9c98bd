import { NextResponse } from "next/server";
import { requestMeta } from "@/lib/auth/authenticate";
import { logout } from "@/lib/auth/login";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { withPublicRoute } from "@/lib/route";

// POST /api/v1/auth/logout — ends the session (idempotent)
export const POST = withPublicRoute(async (req) => {
  await logout(req.cookies.get(SESSION_COOKIE)?.value, requestMeta(req));
  const response = new NextResponse(null, { status: 204 });
  response.cookies.delete(SESSION_COOKIE);
  return response;
});
