import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { redactSecrets } from "@/lib/auth/redact";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

export type AuditOutcome = "success" | "denied" | "failed";

export interface AuditEntry {
  /** Dotted verb: "cluster.create", "user.update", "auth.login". */
  action: string;
  outcome: AuditOutcome;
  target?: { type: string; id?: string | null };
  details?: Record<string, unknown>;
}

/**
 * Records one audit event and returns its id. `actor` is null for anonymous attempts (failed
 * logins, missing credentials). Denials go through auditDenial (lib/auth/denials.ts), sampled.
 */
export async function audit(actor: Actor | null, entry: AuditEntry, meta: RequestMeta = {}): Promise<bigint> {
  const row = await db().auditEvent.create({
    select: { id: true },
    data: {
      actorId: actor?.userId ?? null,
      actorLabel: actor?.label ?? "anonymous",
      action: entry.action,
      outcome: entry.outcome,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      details: entry.details ? (redactSecrets(entry.details) as Prisma.InputJsonValue) : undefined,
      ip: meta.ip ?? null,
    },
  });
  return row.id;
}
