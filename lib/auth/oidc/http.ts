import { NextResponse, type NextRequest } from "next/server";
import { requestMeta } from "@/lib/auth/authenticate";
import { auditDenial } from "@/lib/auth/denials";
import { OidcSignInError } from "@/lib/auth/oidc/errors";
import {
  OIDC_FLOW_COOKIE,
  OIDC_FLOW_COOKIE_PATH,
  OIDC_FLOW_TTL_MS,
  openFlow,
  sealFlow,
} from "@/lib/auth/oidc/flow";
import { finishOidcSignIn, startOidcSignIn } from "@/lib/auth/oidc/sign-in";
import { safeNextPath } from "@/lib/auth/safe-next";
import { applySavedLocale } from "@/lib/auth/locale-cookie";
import { publicOrigin, secureCookie, setSessionCookie } from "@/lib/auth/session-cookie";

// The two browser-facing steps of single sign-on as HTTP: /start sends the browser to the
// provider with a flow cookie, /callback turns the provider's answer into a session cookie.
// Both end in a redirect (a refusal on the login page with ?error=<code>), never in JSON.

export const OIDC_CALLBACK_PATH = "/api/v1/auth/oidc/callback";

/** The redirect URI to register at the identity provider. */
export function oidcRedirectUri(headers: Headers, requestUrl?: string): string {
  return `${publicOrigin(headers, requestUrl)}${OIDC_CALLBACK_PATH}`;
}

/** A redirect to a path of this site; relative, so a forged Host header cannot point it elsewhere. */
function redirectTo(path: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { location: path, "cache-control": "no-store" } });
}

async function refuse(req: NextRequest, error: unknown): Promise<NextResponse> {
  const refusal = error instanceof OidcSignInError ? error : new OidcSignInError("server_error");
  if (!(error instanceof OidcSignInError)) console.error("[oidc] sign-in failed:", error);
  await auditDenial(
    null,
    { action: "auth.oidc", details: { reason: refusal.code, ...refusal.detail } },
    requestMeta(req),
  ).catch((auditError: unknown) => console.error("[oidc] could not audit a refused sign-in:", auditError));
  return redirectTo(`/login?error=${refusal.code}`);
}

// GET /api/v1/auth/oidc/start?next=/path — to the identity provider
export async function oidcStartResponse(req: NextRequest): Promise<NextResponse> {
  const next = safeNextPath(req.nextUrl.searchParams.get("next")) ?? "/";
  try {
    const { authorizationUrl, flow } = await startOidcSignIn(oidcRedirectUri(req.headers, req.url), next);
    const response = new NextResponse(null, {
      status: 303,
      headers: { location: authorizationUrl.href, "cache-control": "no-store" },
    });
    response.cookies.set(OIDC_FLOW_COOKIE, sealFlow(flow), {
      httpOnly: true,
      // Lax: sent on the provider's top-level redirect back to the callback, not on cross-site subrequests.
      sameSite: "lax",
      secure: secureCookie(req),
      path: OIDC_FLOW_COOKIE_PATH,
      maxAge: OIDC_FLOW_TTL_MS / 1000,
    });
    return response;
  } catch (error) {
    return refuse(req, error);
  }
}

// GET /api/v1/auth/oidc/callback?code&state — the provider's answer → a session
export async function oidcCallbackResponse(req: NextRequest): Promise<NextResponse> {
  const flow = openFlow(req.cookies.get(OIDC_FLOW_COOKIE)?.value);
  let response: NextResponse;
  try {
    const { session, user, next } = await finishOidcSignIn(flow, req.nextUrl.searchParams, requestMeta(req));
    response = redirectTo(next);
    setSessionCookie(response, req, session);
    applySavedLocale(response, user.locale);
  } catch (error) {
    response = await refuse(req, error);
  }
  // One answer per flow: a replayed callback finds no flow.
  response.cookies.set(OIDC_FLOW_COOKIE, "", { path: OIDC_FLOW_COOKIE_PATH, maxAge: 0, httpOnly: true });
  return response;
}
