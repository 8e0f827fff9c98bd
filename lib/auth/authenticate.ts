import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { auditDenial } from "@/lib/auth/denials";
import { hasRole, type Role } from "@/lib/auth/roles";
import { actorFromSession, SESSION_COOKIE } from "@/lib/auth/sessions";
import { actorFromApiToken } from "@/lib/auth/tokens";
import { appError, type AppError } from "@/lib/errors";

/** The parts of a request that authentication reads; a plain Request or NextRequest fits. */
export interface AuthRequest {
  method: string;
  headers: Headers;
}

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The client's address. Walden's server (lib/web/server.ts) has already replaced
 * X-Forwarded-For with the one address it trusts, so this reads that and nothing else.
 */
export function requestMeta(req: AuthRequest): RequestMeta {
  const forwarded = req.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return { ip: forwarded || undefined };
}

function readCookie(headers: Headers, name: string): string | undefined {
  for (const part of headers.get("cookie")?.split(";") ?? []) {
    const [key, ...rest] = part.trim().split("=");
    if (key !== name) continue;
    // A malformed %-escape is a stranger's cookie, not our bug: treat it as no session (401).
    try {
      return decodeURIComponent(rest.join("="));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * A browser can be tricked into sending our cookie from another site (CSRF); it cannot forge
 * Origin. So a cookie-authenticated mutation must carry an Origin naming this host.
 * Bearer tokens are not sent automatically by browsers and need no such check.
 */
export function isSameOrigin(headers: Headers): boolean {
  const origin = headers.get("origin");
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

async function deny(actor: Actor | null, error: AppError, action: string, meta: RequestMeta): Promise<never> {
  await auditDenial(actor, { action, details: { reason: error.message } }, meta);
  throw error;
}

/**
 * Authenticates a request and checks its role: the check every route handler runs itself
 * (never left to proxy.ts). Denials are audited, then thrown as 401/403.
 */
export async function authorize(req: AuthRequest, required: Role, action: string): Promise<Actor> {
  const meta = requestMeta(req);
  const authorization = req.headers.get("authorization");
  let actor: Actor | null = null;

  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    actor = match?.[1] ? await actorFromApiToken(match[1]) : null;
    if (!actor) return deny(null, appError("unauthorized", "auth.invalidToken"), action, meta);
  } else {
    const cookie = readCookie(req.headers, SESSION_COOKIE);
    actor = cookie ? await actorFromSession(cookie) : null;
    if (!actor) return deny(null, appError("unauthorized", "auth.signIn"), action, meta);
    if (!safeMethods.has(req.method.toUpperCase()) && !isSameOrigin(req.headers)) {
      return deny(actor, appError("forbidden", "auth.crossOrigin"), action, meta);
    }
  }

  if (!hasRole(actor.role, required)) {
    return deny(actor, appError("forbidden", "auth.needsRole", { required, role: actor.role }), action, meta);
  }
  return actor;
}
