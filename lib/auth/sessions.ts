import type { Actor } from "@/lib/auth/actor";
import { cachedActor, forgetCachedCredentials, rememberActor } from "@/lib/auth/credential-cache";
import type { Role } from "@/lib/auth/roles";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { db } from "@/lib/db";

export const SESSION_COOKIE = "walden_session";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Returns the cookie value; only its hash is stored. */
export async function createSession(userId: string): Promise<{ value: string; expiresAt: Date }> {
  const value = randomToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db().session.create({ data: { tokenHash: sha256Hex(value), userId, expiresAt } });
  return { value, expiresAt };
}

/** The signed-in user of a session cookie; verified sessions are believed for a few seconds (credential-cache.ts). */
export async function actorFromSession(cookieValue: string): Promise<Actor | null> {
  const tokenHash = sha256Hex(cookieValue);
  const cached = cachedActor(tokenHash);
  if (cached) return cached;
  const session = await db().session.findUnique({ where: { tokenHash }, include: { user: true } });
  if (!session || session.expiresAt.getTime() <= Date.now() || session.user.disabledAt) return null;
  const { user } = session;
  const actor: Actor = {
    kind: "session",
    userId: user.id,
    email: user.email,
    role: user.role as Role,
    label: user.email,
  };
  rememberActor(tokenHash, actor, session.expiresAt);
  return actor;
}

export async function deleteSession(cookieValue: string): Promise<void> {
  await db().session.deleteMany({ where: { tokenHash: sha256Hex(cookieValue) } });
  forgetCachedCredentials();
}
