import type { Actor } from "@/lib/auth/actor";
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

export async function actorFromApiToken(token: string): Promise<Actor | null> {
  if (!looksLikeApiToken(token)) return null;
  const row = await db().apiToken.findUnique({
    where: { tokenHash: sha256Hex(token) },
    include: { user: true },
  });
  if (!row || row.revokedAt || row.user.disabledAt) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return null;
  // Last-used is informational; do not make every API call wait for this write.
  void db()
    .apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } })
    .catch(() => {});
  return {
    kind: "token",
    userId: row.user.id,
    email: row.user.email,
    role: lowerRole(row.role as Role, row.user.role as Role),
    tokenId: row.id,
    label: `${row.user.email} (token ${row.name})`,
  };
}
