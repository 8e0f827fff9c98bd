import type { RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { dummyPasswordHash, verifyPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/auth/roles";
import { actorFromSession, createSession, deleteSession } from "@/lib/auth/sessions";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { z } from "zod";
import type { loginSchema } from "@/lib/schemas/user";

// Online guessing: after this many failed sign-ins for one email within the window, further
// attempts are refused without checking the password. Counted from the audit log, so it holds
// across restarts and web nodes.
export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;

async function recentFailures(email: string): Promise<number> {
  return db().auditEvent.count({
    where: {
      action: "auth.login",
      outcome: "denied",
      at: { gte: new Date(Date.now() - LOGIN_FAILURE_WINDOW_MS) },
      details: { path: ["email"], equals: email },
    },
  });
}

/** Checks the password and opens a session. Failures are audited and say nothing about which part was wrong. */
export async function login(
  input: z.infer<typeof loginSchema>,
  meta: RequestMeta,
): Promise<{ session: { value: string; expiresAt: Date }; user: { email: string; role: Role } }> {
  if ((await recentFailures(input.email)) >= LOGIN_FAILURE_LIMIT) {
    await audit(
      null,
      { action: "auth.login", outcome: "denied", details: { email: input.email, reason: "throttled" } },
      meta,
    );
    throw new AppError(
      "too_many_requests",
      `Too many failed sign-ins for this account; wait ${LOGIN_FAILURE_WINDOW_MS / 60_000} minutes or ask an admin to reset the password`,
    );
  }
  const user = await db().user.findUnique({ where: { email: input.email } });
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? dummyPasswordHash);
  if (!user || !passwordOk || user.disabledAt) {
    await audit(
      null,
      {
        action: "auth.login",
        outcome: "denied",
        target: { type: "user", id: user?.id },
        details: { email: input.email },
      },
      meta,
    );
    throw new AppError("unauthorized", "Wrong email or password, or the account is disabled");
  }
  const session = await createSession(user.id);
  const actor = {
    kind: "session" as const,
    userId: user.id,
    email: user.email,
    role: user.role as Role,
    label: user.email,
  };
  await audit(
    actor,
    { action: "auth.login", outcome: "success", target: { type: "user", id: user.id } },
    meta,
  );
  return { session, user: { email: user.email, role: user.role as Role } };
}

export async function logout(cookieValue: string | undefined, meta: RequestMeta): Promise<void> {
  if (!cookieValue) return;
  const actor = await actorFromSession(cookieValue);
  await deleteSession(cookieValue);
  if (actor) await audit(actor, { action: "auth.logout", outcome: "success" }, meta);
}
