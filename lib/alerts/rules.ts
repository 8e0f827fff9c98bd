import { db } from "@/lib/db";
import { defaultRules } from "@/lib/schemas/alerts";

// Every cluster starts with the practice-drawn default rules (lib/schemas/alerts.ts).

/** Creates the default rules a cluster lacks; calling it again changes nothing. */
export async function ensureDefaultRules(clusterId: string): Promise<number> {
  const existing = await db().alertRule.findMany({
    where: { clusterId, isDefault: true },
    select: { kind: true, severity: true },
  });
  const have = new Set(existing.map((rule) => `${rule.kind}/${rule.severity}`));
  const missing = defaultRules.filter((rule) => !have.has(`${rule.kind}/${rule.severity}`));
  if (missing.length === 0) return 0;
  const created = await db().alertRule.createMany({
    data: missing.map((rule) => ({ ...rule, clusterId, isDefault: true, channelIds: [] })),
  });
  return created.count;
}
