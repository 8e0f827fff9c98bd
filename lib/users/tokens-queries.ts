import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import type { TokenSummary } from "@/lib/schemas/user";

type TokenRow = {
  id: string;
  name: string;
  prefix: string;
  role: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  user: { id: string; email: string };
};

export function toTokenSummary(token: TokenRow): TokenSummary {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    role: token.role as Role,
    user: { id: token.user.id, email: token.user.email },
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revoked: token.revokedAt !== null,
  };
}

export async function listTokens(): Promise<TokenSummary[]> {
  const tokens = await db().apiToken.findMany({
    include: { user: { select: { id: true, email: true } } },
    orderBy: { createdAt: "desc" },
  });
  return tokens.map(toTokenSummary);
}
