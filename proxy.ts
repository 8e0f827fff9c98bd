import { NextResponse, type NextRequest } from "next/server";

// A convenience only: strangers without a session cookie go to the login page before any
// page renders. The real checks live in every page (requireUser) and route handler
// (withRoute), so a request that skips this proxy gains nothing.
export function proxy(req: NextRequest) {
  if (req.cookies.has("walden_session")) return NextResponse.next();
  const login = new URL("/login", req.url);
  if (req.nextUrl.pathname !== "/") login.searchParams.set("next", req.nextUrl.pathname);
  return NextResponse.redirect(login);
}

export const config = {
  // Pages only: the API answers 401 itself, and static files need no session.
  matcher: ["/((?!api|login|metrics|_next/static|_next/image|favicon.ico).*)"],
};
