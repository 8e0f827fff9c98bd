import type { Actor } from "@/lib/auth/actor";
import { cachedActor, rememberActor } from "@/lib/auth/credential-cache";
import { lowerRole, type Role } from "@/lib/auth/roles";
import { randomToken, sha256Hex } from "@/lib/crypto";
import { db } from "@/lib/db";

// API tokens look like "wld_<43 chars>". The prefix makes a leaked one easy to grep for;
// the catalog keeps only the SHA-256 and the first characters (to tell tokens apart in the UI).
const TOKEN_PREFIX = "wld_";

export function generateApiToken(): { token: string; prefix: string; hash: string } {
  const token = `${TOKEN_PREFIX}${randomToken()}`;
  return { token, prefix: token.slice(0, 10), hash: sha256Hex(token) };
}

export function looksLikeApiToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX) && value.length > TOKEN_PREFIX.length + 20;
}

/**
 * The actor of an API token. Verified tokens are believed for a few seconds (credential-cache.ts),
 * so lastUsedAt is written at most once per token per few seconds, not on every request.
 */
export async function actorFromApiToken(token: string): Promise<Actor | null> {
  if (!looksLikeApiToken(token)) return null;
  const tokenHash = sha256Hex(token);
  const cached = cachedActor(tokenHash);
  if (cached) return cached;
  const row = await db().apiToken.findUnique({ where: { tokenHash }, include: { user: true } });
  if (!row || row.revokedAt || row.user.disabledAt) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return null;
  // Last-used is informational; do not make the API call wait for this write.
  void db()
    .apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } })
    .catch(() => {});
  const actor: Actor = {
    kind: "token",
    userId: row.user.id,
    email: row.user.email,
    role: lowerRole(row.role as Role, row.user.role as Role),
    tokenId: row.id,
    label: `${row.user.email} (token ${row.name})`,
  };
  rememberActor(tokenHash, actor, row.expiresAt);
  return actor;
}
