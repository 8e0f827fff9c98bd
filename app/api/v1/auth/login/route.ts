import { NextResponse } from "next/server";
import { isSameOrigin, requestMeta } from "@/lib/auth/authenticate";
import { login } from "@/lib/auth/login";
import { applySavedLocale } from "@/lib/auth/locale-cookie";
import { setSessionCookie } from "@/lib/auth/session-cookie";
import { appError } from "@/lib/errors";
import { readJson, withPublicRoute } from "@/lib/route";
import { loginSchema } from "@/lib/schemas/user";

// POST /api/v1/auth/login — email + password → httpOnly session cookie
export const POST = withPublicRoute(async (req) => {
  // Login CSRF: a browser form post from another site carries its own Origin.
  if (req.headers.get("origin") && !isSameOrigin(req.headers)) {
    throw appError("forbidden", "auth.crossOriginSignIn");
  }
  const input = loginSchema.parse(await readJson(req));
  const { session, user, locale } = await login(input, requestMeta(req));
  const response = NextResponse.json({ user });
  setSessionCookie(response, req, session);
  applySavedLocale(response, locale);
  return response;
});
