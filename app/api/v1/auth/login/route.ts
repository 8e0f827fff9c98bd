import { NextResponse } from "next/server";
import { isSameOrigin, requestMeta } from "@/lib/auth/authenticate";
import { login } from "@/lib/auth/login";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { readJson, withPublicRoute } from "@/lib/route";
import { loginSchema } from "@/lib/schemas/user";

function secureCookie(req: Request): boolean {
  const setting = env().WALDEN_SECURE_COOKIES;
  if (setting !== "auto") return setting === "true";
  const proto = req.headers.get("x-forwarded-proto") ?? new URL(req.url).protocol.replace(":", "");
  return proto === "https";
}

// POST /api/v1/auth/login — email + password → httpOnly session cookie
export const POST = withPublicRoute(async (req) => {
  // Login CSRF: a browser form post from another site carries its own Origin.
  if (req.headers.get("origin") && !isSameOrigin(req.headers)) {
    throw new AppError("forbidden", "Cross-origin sign-in refused");
  }
  const input = loginSchema.parse(await readJson(req));
  const { session, user } = await login(input, requestMeta(req));
  const response = NextResponse.json({ user });
  response.cookies.set(SESSION_COOKIE, session.value, {
    httpOnly: true,
    sameSite: "lax",
    secure: secureCookie(req),
    path: "/",
    expires: session.expiresAt,
  });
  return response;
});
