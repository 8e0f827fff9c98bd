import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit, type AuditEntry } from "@/lib/auth/audit";
import { db } from "@/lib/db";

// A denied request is worth one audit row, not one per request: a script hammering the API
// without a token (or guessing passwords) must not fill the catalog. The first denial of a kind
// (same caller, address, action, reason and account tried) in a minute writes the row; the ones after it in
// that minute add one to the row's `details.repeats`, so the count stays exact in the catalog.

export const DENIAL_SAMPLE_WINDOW_MS = 60_000;
/** Past this many distinct kinds in memory the oldest are forgotten (a flood of kinds costs rows, not RAM). */
const MAX_TRACKED_KINDS = 10_000;

interface Sample {
  auditId: bigint;
  startedAt: number;
}

const samples = new Map<string, Sample>();

function kindOf(actor: Actor | null, entry: AuditEntry, meta: RequestMeta): string {
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const account = text(entry.details?.email);
  return [
    actor?.userId ?? "anonymous",
    meta.ip ?? "",
    entry.action,
    text(entry.details?.reason),
    account,
  ].join("\u0000");
}

/** Audits a denial, sampled: a new row for the first of its kind in a minute, a counted repeat after that. */
export async function auditDenial(
  actor: Actor | null,
  entry: Omit<AuditEntry, "outcome">,
  meta: RequestMeta = {},
  now = Date.now(),
): Promise<void> {
  const denial: AuditEntry = { ...entry, outcome: "denied" };
  const kind = kindOf(actor, denial, meta);
  const sample = samples.get(kind);
  if (sample && now - sample.startedAt < DENIAL_SAMPLE_WINDOW_MS) {
    // jsonb arithmetic in one statement, so parallel repeats are all counted.
    const updated = await db().$executeRaw`
      UPDATE audit_events
         SET details = jsonb_set(coalesce(details, '{}'::jsonb), '{repeats}',
                                 to_jsonb(coalesce((details->>'repeats')::int, 0) + 1))
       WHERE id = ${sample.auditId}`;
    if (updated === 1) return;
    // The row is gone (pruned): fall through and start a new sample.
  }
  const id = await audit(actor, denial, meta);
  samples.delete(kind);
  samples.set(kind, { auditId: id, startedAt: now });
  if (samples.size > MAX_TRACKED_KINDS) samples.delete(samples.keys().next().value!);
}

/** Tests that count rows start from a clean slate. */
export function forgetDenialSamples(): void {
  samples.clear();
}
