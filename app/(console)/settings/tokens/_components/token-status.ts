import type { TokenSummary } from "@/lib/schemas/user";

export type TokenStatus = "active" | "revoked" | "expired";

export function tokenStatus(token: TokenSummary, now: number = Date.now()): TokenStatus {
  if (token.revoked) return "revoked";
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= now) return "expired";
  return "active";
}
