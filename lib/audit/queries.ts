import { db } from "@/lib/db";
import type { AuditEventSummary } from "@/lib/schemas/user";

/** Newest first; `before` is an event id for paging back. */
export async function listAuditEvents(
  options: { limit?: number; before?: string } = {},
): Promise<AuditEventSummary[]> {
  const limit = Math.min(Math.max(options.limit ?? 200, 1), 1000);
  const before = options.before && /^\d+$/.test(options.before) ? BigInt(options.before) : undefined;
  const events = await db().auditEvent.findMany({
    where: before ? { id: { lt: before } } : undefined,
    orderBy: { id: "desc" },
    take: limit,
  });
  return events.map((event) => ({
    id: event.id.toString(),
    at: event.at.toISOString(),
    actor: event.actorLabel,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    outcome: event.outcome,
    details: event.details,
    ip: event.ip,
  }));
}
