import { z } from "zod";

// The one way browser code talks to /api/v1: JSON in, JSON out, and every failure becomes an ApiError
// carrying the server's { error: { code, message, details } } so forms can show it next to fields.
// What comes back is parsed, never cast: a body of another shape is a plain HTTP error.

/** The browser's own words for a 401 without the API's error body (a session that ended). */
export const SESSION_ENDED_MESSAGE = "Your session has ended. Sign in again.";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface FieldIssue {
  path: string;
  message: string;
}

interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  body?: unknown;
  signal?: AbortSignal;
}

/** The API's error body (lib/errors.ts ErrorBody). */
const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function apiFetch<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = "GET", body, signal } = options;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      signal,
      credentials: "same-origin",
      headers:
        body === undefined
          ? { accept: "application/json" }
          : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(
      0,
      "network_error",
      "Could not reach the Walden server. Check your connection and try again.",
    );
  }

  const data = await readBody(response);
  if (!response.ok) {
    const body = errorBodySchema.safeParse(data);
    if (body.success)
      throw new ApiError(
        response.status,
        body.data.error.code,
        body.data.error.message,
        body.data.error.details,
      );
    if (response.status === 401) throw new ApiError(401, "unauthorized", SESSION_ENDED_MESSAGE);
    throw new ApiError(
      response.status,
      `http_${response.status}`,
      `The server answered ${response.status} ${response.statusText}`.trim(),
    );
  }
  return data as T;
}

const fieldIssueSchema = z.object({ path: z.string(), message: z.string() });

/** The well-formed issues of a list; anything else in it is left out. */
function validIssues(list: readonly unknown[]): FieldIssue[] {
  return list.flatMap((item) => {
    const issue = fieldIssueSchema.safeParse(item);
    return issue.success ? [issue.data] : [];
  });
}

/** A domain error's details: its issues next to other facts, or the one field a 409 names. */
const problemDetailsSchema = z.looseObject({
  issues: z.array(z.unknown()).optional().catch(undefined),
  field: z.string().optional().catch(undefined),
});

/**
 * Field-level problems of a refused request, ready for setError(): the one reader of them. A zod
 * 422 carries them as `details`, a domain 422 as `details.issues` (next to other facts, such as
 * the restorable window), a 409 as `{field}`.
 */
export function fieldIssues(error: unknown): FieldIssue[] {
  if (!(error instanceof ApiError)) return [];
  if (Array.isArray(error.details)) return validIssues(error.details);
  const details = problemDetailsSchema.safeParse(error.details);
  if (!details.success) return [];
  if (details.data.issues) return validIssues(details.data.issues);
  const { field } = details.data;
  return field === undefined ? [] : [{ path: field, message: error.message }];
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return "Something went wrong";
}
