import type { NextResponse } from "next/server";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { env } from "@/lib/env";

// The session cookie as both sign-ins (password and OpenID Connect) set it, and this site's
// origin as the browser sees it.

/**
 * This site as the browser sees it, from a request's headers (a route's, or a page's headers()).
 * Walden's server (lib/web/server.ts) keeps X-Forwarded-* only from trusted proxies.
 */
export function publicOrigin(headers: Headers, requestUrl?: string): string {
  const url = requestUrl ? new URL(requestUrl) : undefined;
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || url?.protocol.slice(0, -1);
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host") || url?.host;
  return new URL(`${proto === "https" ? "https" : "http"}://${host ?? "localhost"}`).origin;
}

/** The session cookie's Secure flag, by the same rule as the password sign-in's (WALDEN_SECURE_COOKIES). */
export function secureCookie(req: Request): boolean {
  const setting = env().WALDEN_SECURE_COOKIES;
  if (setting !== "auto") return setting === "true";
  return publicOrigin(req.headers, req.url).startsWith("https:");
}

/** Walden's session cookie on a response: the settings the password sign-in uses too. */
export function setSessionCookie(
  response: NextResponse,
  req: Request,
  session: { value: string; expiresAt: Date },
): void {
  response.cookies.set(SESSION_COOKIE, session.value, {
    httpOnly: true,
    sameSite: "lax",
    secure: secureCookie(req),
    path: "/",
    expires: session.expiresAt,
  });
}
