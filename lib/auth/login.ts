import type { RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { auditDenial } from "@/lib/auth/denials";
import { passwordSignInAllowed } from "@/lib/auth/oidc/settings";
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/auth/roles";
import { actorFromSession, createSession, deleteSession } from "@/lib/auth/sessions";
import { releaseSignInAttempt, reserveSignInAttempt, SIGN_IN_WINDOW_MS } from "@/lib/auth/sign-in-throttle";
import { db } from "@/lib/db";
import { appError } from "@/lib/errors";
import type { z } from "zod";
import type { loginSchema } from "@/lib/schemas/user";

const throttledMessage = {
  account: "auth.throttledAccount",
  address: "auth.throttledAddress",
} as const;

/**
 * Checks the password and opens a session. Failures are audited (sampled) and say nothing about
 * which part was wrong; throttled attempts are refused before the password is looked at.
 */
export async function login(
  input: z.infer<typeof loginSchema>,
  meta: RequestMeta,
): Promise<{
  session: { value: string; expiresAt: Date };
  user: { email: string; role: Role };
  /** The console language the user saved ('en' | 'ko'), or null: the route sets the cookie from it. */
  locale: string | null;
}> {
  const throttled = await reserveSignInAttempt(input.email, meta.ip);
  if (throttled) {
    await auditDenial(
      null,
      { action: "auth.login", details: { email: input.email, reason: `throttled (${throttled})` } },
      meta,
    );
    throw appError("too_many_requests", throttledMessage[throttled], { minutes: SIGN_IN_WINDOW_MS / 60_000 });
  }
  const user = await db().user.findUnique({ where: { email: input.email } });
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? dummyPasswordHash);
  if (!user || !passwordOk || user.disabledAt) {
    await auditDenial(
      null,
      {
        action: "auth.login",
        target: { type: "user", id: user?.id },
        details: { email: input.email, reason: "wrong email or password, or disabled" },
      },
      meta,
    );
    throw appError("unauthorized", "auth.wrongPassword");
  }
  await releaseSignInAttempt(input.email, meta.ip);
  // Only after the password checked out, so a wrong guess cannot tell the break-glass email from others.
  if (!(await passwordSignInAllowed(user.email))) {
    await auditDenial(
      null,
      {
        action: "auth.login",
        target: { type: "user", id: user.id },
        details: { email: input.email, reason: "password sign-in is turned off" },
      },
      meta,
    );
    throw appError("forbidden", "auth.passwordSignInOff");
  }
  if (needsRehash(user.passwordHash)) {
    // Raised parameters reach existing accounts the only time the password is in hand.
    await db().user.update({
      where: { id: user.id },
      data: { passwordHash: await hashPassword(input.password) },
    });
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
  return { session, user: { email: user.email, role: user.role as Role }, locale: user.locale };
}

export async function logout(cookieValue: string | undefined, meta: RequestMeta): Promise<void> {
  if (!cookieValue) return;
  const actor = await actorFromSession(cookieValue);
  await deleteSession(cookieValue);
  if (actor) await audit(actor, { action: "auth.logout", outcome: "success" }, meta);
}
