import { ZodError } from "zod";
import {
  englishMessage,
  localizeIssue,
  localizeMessage,
  type ApiErrorKey,
  type MessageParams,
} from "@/lib/i18n/api-errors";
import { currentCallerLocale } from "@/lib/i18n/caller-locale";
import { defaultLocale, type Locale } from "@/lib/i18n/locales";

// One table from error code to HTTP status (dub's lib/api/error-codes.ts shape).
export const errorStatus = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unprocessable_entity: 422,
  too_many_requests: 429,
  upstream_unavailable: 503,
  internal_server_error: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    /** English, as scripts read it; `localized` says it in another language (lib/i18n/api-errors.ts). */
    message: string,
    readonly details?: unknown,
    readonly localized?: { key: string; params?: MessageParams },
  ) {
    super(message);
    this.name = "AppError";
  }
}

/**
 * An AppError whose message comes from the apiErrors catalog: English rendered from it (what the
 * API has always said), and the key kept so a Korean caller reads it in Korean.
 */
export function appError(
  code: ErrorCode,
  key: ApiErrorKey,
  params?: MessageParams,
  details?: unknown,
): AppError {
  return new AppError(code, englishMessage({ key, params }), details, { key, params });
}

/**
 * Field-level problems from a zod parse, in a shape a form can show next to its inputs. zod's own
 * messages are already in the caller's language (lib/i18n/caller-locale.ts); a schema's own English
 * phrases are translated here.
 */
export function zodIssues(
  error: ZodError,
  locale: Locale = defaultLocale,
): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.join("."),
    message: localizeIssue(locale, issue.message),
  }));
}

function describeIssues(issues: { path: string; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join("; ");
}

/** Prisma's "record not found" and "unique constraint" errors, matched by code so we need not import the runtime. */
function prismaCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^P\d{4}$/.test(code) ? code : undefined;
}

/**
 * Field problems always travel as `details.issues` ([{path, message}]), whoever raised them: a
 * zod parse, a domain check that lists issues, or one that names one field (`{field: "sslmode"}`,
 * turned into an issue carrying the error's message). Other facts in `details` (a window, a proposal) stay beside it.
 */
function publicDetails(error: AppError): unknown {
  const details = error.details;
  if (Array.isArray(details)) return { issues: details };
  if (details === null || typeof details !== "object") return details;
  const { field, ...rest } = details as { field?: unknown } & Record<string, unknown>;
  if (typeof field !== "string" || "issues" in rest) return details;
  return { ...rest, issues: [{ path: field, message: error.message }] };
}

/**
 * The issues in another language: one that repeats the error's message says its translation,
 * any other is looked up in the phrasebook. Everything else in details (a window, a name) stays.
 */
function localizeDetails(details: unknown, error: AppError, message: string, locale: Locale): unknown {
  if (locale === defaultLocale || details === null || typeof details !== "object") return details;
  const { issues } = details as { issues?: unknown };
  if (!Array.isArray(issues)) return details;
  return {
    ...details,
    issues: issues.map((item: unknown) => {
      const issue = item as { message?: unknown };
      if (typeof issue?.message !== "string") return item;
      const text = issue.message === error.message ? message : localizeIssue(locale, issue.message);
      return { ...issue, message: text };
    }),
  };
}

/** A catalog message without params (not found, conflict, internal error) in `locale`. */
function catalogMessage(locale: Locale, key: ApiErrorKey): string {
  return localizeMessage(locale, englishMessage({ key }), { key });
}

/**
 * Maps any thrown value to the public error body, in the caller's language (the request's, by
 * default: lib/i18n/caller-locale.ts; English outside a request, and English is always exactly
 * the message as written). Unknown errors become a generic 500.
 */
export function toErrorBody(
  error: unknown,
  locale: Locale = currentCallerLocale(),
): { status: number; body: ErrorBody; unexpected: boolean } {
  if (error instanceof AppError) {
    const message = localizeMessage(locale, error.message, error.localized);
    const body: ErrorBody = { error: { code: error.code, message } };
    if (error.details !== undefined)
      body.error.details = localizeDetails(publicDetails(error), error, message, locale);
    return { status: errorStatus[error.code], body, unexpected: false };
  }
  if (error instanceof ZodError) {
    const issues = zodIssues(error, locale);
    return {
      status: 422,
      body: { error: { code: "unprocessable_entity", message: describeIssues(issues), details: { issues } } },
      unexpected: false,
    };
  }
  const code = prismaCode(error);
  if (code === "P2025") {
    const message = catalogMessage(locale, "request.notFound");
    return { status: 404, body: { error: { code: "not_found", message } }, unexpected: false };
  }
  if (code === "P2002") {
    const message = catalogMessage(locale, "request.uniqueConflict");
    return { status: 409, body: { error: { code: "conflict", message } }, unexpected: false };
  }
  const message = catalogMessage(locale, "request.internal");
  return { status: 500, body: { error: { code: "internal_server_error", message } }, unexpected: true };
}
