import { NextRequest } from "next/server";
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/auth/roles";
import { createSession, SESSION_COOKIE } from "@/lib/auth/sessions";
import { generateApiToken } from "@/lib/auth/tokens";
import { db } from "@/lib/db";

// Calls the real route handlers in-process with real Requests: no HTTP server, no mocks,
// the same catalog. Each test file makes its own users so files do not depend on each other.

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface CallOptions {
  token?: string;
  cookie?: string;
  origin?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
}

export async function call(handler: Handler, method: string, url: string, options: CallOptions = {}) {
  const headers = new Headers({ host: "localhost:3000", ...options.headers });
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  if (options.cookie) headers.set("cookie", `${SESSION_COOKIE}=${options.cookie}`);
  if (options.origin) headers.set("origin", options.origin);
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers.set("content-type", "application/json");
  }
  const req = new NextRequest(new URL(url, "http://localhost:3000"), { method, headers, body });
  const response = await handler(req, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  // Response bodies are checked field by field by the assertions; typing each one adds nothing.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const json: any =
    text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined;
  return { status: response.status, text, json };
}

export interface TestUser {
  id: string;
  email: string;
  token: string;
  cookie: string;
}

/** One scrypt hash per test process (0.4 s each at OWASP's parameters), shared by its test users. */
let testPasswordHash: Promise<string> | undefined;

export async function makeUser(role: Role, label: string = role): Promise<TestUser> {
  const email = `${label}-${Math.random().toString(36).slice(2, 10)}@test.local`;
  testPasswordHash ??= hashPassword("a-long-test-password");
  const user = await db().user.create({
    data: { email, role, passwordHash: await testPasswordHash },
  });
  const { token, prefix, hash } = generateApiToken();
  await db().apiToken.create({ data: { name: "test", prefix, tokenHash: hash, userId: user.id, role } });
  const session = await createSession(user.id);
  return { id: user.id, email, token, cookie: session.value };
}
