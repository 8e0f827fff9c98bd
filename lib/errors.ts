import { ZodError } from "zod";

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
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** Field-level problems from a zod parse, in a shape a form can show next to its inputs. */
export function zodIssues(error: ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

function describeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
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

/** Maps any thrown value to the public error body; unknown errors become a generic 500. */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  if (error instanceof AppError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.details !== undefined) body.error.details = publicDetails(error);
    return { status: errorStatus[error.code], body, unexpected: false };
  }
  if (error instanceof ZodError) {
    return {
      status: 422,
      body: {
        error: {
          code: "unprocessable_entity",
          message: describeZodError(error),
          details: { issues: zodIssues(error) },
        },
      },
      unexpected: false,
    };
  }
  const code = prismaCode(error);
  if (code === "P2025") {
    return { status: 404, body: { error: { code: "not_found", message: "Not found" } }, unexpected: false };
  }
  if (code === "P2002") {
    return {
      status: 409,
      body: { error: { code: "conflict", message: "A record with the same unique value already exists" } },
      unexpected: false,
    };
  }
  return {
    status: 500,
    body: {
      error: { code: "internal_server_error", message: "Internal error; the server log has the details" },
    },
    unexpected: true,
  };
}
