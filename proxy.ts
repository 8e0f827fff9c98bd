import { NextResponse, type NextRequest } from "next/server";
import { isDevelopment } from "@/lib/env";
import { pageContentSecurityPolicy } from "@/lib/web/security-headers";

// Pages only (see the matcher). Two jobs:
// - a Content-Security-Policy with a fresh nonce; Next reads it from the request headers and
//   puts it on the scripts it renders, so an injected inline script has no nonce and is blocked;
// - a convenience redirect: strangers without a session cookie go to the login page before any
//   page renders. The real checks live in every page (requireUser) and route handler
//   (withRoute), so a request that skips this proxy gains nothing.
export function proxy(req: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = pageContentSecurityPolicy(nonce, isDevelopment());

  let response: NextResponse;
  if (req.cookies.has("walden_session") || req.nextUrl.pathname === "/login") {
    const headers = new Headers(req.headers);
    headers.set("content-security-policy", policy);
    response = NextResponse.next({ request: { headers } });
  } else {
    const login = new URL("/login", req.url);
    if (req.nextUrl.pathname !== "/") login.searchParams.set("next", req.nextUrl.pathname);
    response = NextResponse.redirect(login);
  }
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Pages only: the API answers 401 itself (and gets its own policy from next.config.ts), and
  // static files need neither.
  matcher: ["/((?!api|metrics|_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
