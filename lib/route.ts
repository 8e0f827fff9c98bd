import { NextResponse, type NextRequest } from "next/server";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { authorize, requestMeta } from "@/lib/auth/authenticate";
import type { Role } from "@/lib/auth/roles";
import { isCatalogUnavailable } from "@/lib/db";
import { appError, toErrorBody } from "@/lib/errors";
import { localeCookieName, pickLocale, type Locale } from "@/lib/i18n/locales";
import { withCallerLocale } from "@/lib/i18n/caller-locale";

type Params = Record<string, string | string[]>;

export interface RouteContext<P extends Params> {
  req: NextRequest;
  params: P;
  actor: Actor;
  meta: RequestMeta;
}

type NextHandler = (req: NextRequest, context: { params: Promise<Params> }) => Promise<Response>;

export function json(data: unknown, status = 200): NextResponse {
  return NextResponse.json(data, { status });
}

/** How long a client should wait before retrying while the catalog is down (a restart takes seconds). */
const CATALOG_RETRY_AFTER_SECONDS = 5;

/**
 * The caller's language for error messages, chosen as the console's pages choose it
 * (lib/i18n/request.ts): the language cookie (set from the user's saved choice at sign-in),
 * else Accept-Language, else English. A script sending neither reads English.
 */
function callerLocale(req: NextRequest): Locale {
  return pickLocale(req.cookies.get(localeCookieName)?.value, req.headers.get("accept-language"));
}

function errorResponse(error: unknown, req: NextRequest, locale: Locale): NextResponse {
  if (isCatalogUnavailable(error)) {
    // An outage, not a bug: one log line, and an answer a script can retry.
    console.error(`[api] ${req.method} ${req.nextUrl.pathname}: catalog database unavailable`);
    const { status, body } = toErrorBody(
      appError("upstream_unavailable", "request.catalogUnavailable"),
      locale,
    );
    return NextResponse.json(body, {
      status,
      headers: { "retry-after": String(CATALOG_RETRY_AFTER_SECONDS) },
    });
  }
  const { status, body, unexpected } = toErrorBody(error, locale);
  if (unexpected) console.error(`[api] ${req.method} ${req.nextUrl.pathname} failed:`, error);
  return NextResponse.json(body, { status });
}

/** No form or script of Walden sends more than this; a bigger body is refused before it is parsed. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/**
 * Reads a body up to `limit` bytes while it streams: a chunked body without Content-Length is
 * cut off at the first chunk past the limit, so memory stays flat whatever the client sends.
 */
async function readBodyText(req: NextRequest, limit: number): Promise<string> {
  const tooLarge = () => appError("payload_too_large", "request.bodyTooLarge", { kib: limit / 1024 });
  // The declared length first, so a huge body is refused without reading any of it.
  if (Number(req.headers.get("content-length") ?? 0) > limit) throw tooLarge();
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses a JSON body; a missing or malformed body is a 422, an oversized one a 413, never a crash. */
export async function readJson(req: NextRequest): Promise<unknown> {
  return parseJsonBody(await readBodyText(req, MAX_JSON_BODY_BYTES));
}

/** Like readJson, for the endpoints whose every field is optional: an empty body reads as `{}`. */
export async function readOptionalJson(req: NextRequest): Promise<unknown> {
  const text = await readBodyText(req, MAX_JSON_BODY_BYTES);
  return text.trim() === "" ? {} : parseJsonBody(text);
}

function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw appError("unprocessable_entity", "request.bodyNotJson");
  }
}

/**
 * The one wrapper around every /api/v1 handler: authenticates, checks `role` (inside the
 * handler, so a bypassed proxy changes nothing), and turns any error into the public shape.
 * `action` names the operation in the audit log when access is denied.
 */
export function withRoute<P extends Params = Params>(
  options: { role: Role; action: string },
  handler: (ctx: RouteContext<P>) => Promise<Response | unknown>,
): NextHandler {
  return async (req, context) => {
    const locale = callerLocale(req);
    return withCallerLocale(locale, async () => {
      try {
        const actor = await authorize(req, options.role, options.action);
        const params = (await context.params) as P;
        const result = await handler({ req, params, actor, meta: requestMeta(req) });
        return result instanceof Response ? result : json(result);
      } catch (error) {
        return errorResponse(error, req, locale);
      }
    });
  };
}

/** For the few endpoints that need no sign-in (health). */
export function withPublicRoute(handler: (req: NextRequest) => Promise<Response | unknown>): NextHandler {
  return async (req) => {
    const locale = callerLocale(req);
    return withCallerLocale(locale, async () => {
      try {
        const result = await handler(req);
        return result instanceof Response ? result : json(result);
      } catch (error) {
        return errorResponse(error, req, locale);
      }
    });
  };
}
