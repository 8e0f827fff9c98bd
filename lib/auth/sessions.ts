import type { Actor } from "@/lib/auth/actor";
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

export async function actorFromSession(cookieValue: string): Promise<Actor | null> {
  const session = await db().session.findUnique({
    where: { tokenHash: sha256Hex(cookieValue) },
    include: { user: true },
  });
  if (!session || session.expiresAt.getTime() <= Date.now() || session.user.disabledAt) return null;
  const { user } = session;
  return { kind: "session", userId: user.id, email: user.email, role: user.role as Role, label: user.email };
}

export async function deleteSession(cookieValue: string): Promise<void> {
  await db().session.deleteMany({ where: { tokenHash: sha256Hex(cookieValue) } });
}
