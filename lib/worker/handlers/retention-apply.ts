import { systemActor } from "@/lib/auth/system-actor";
import { applyRetention } from "@/lib/backup/retention";
import { defineHandler } from "@/lib/worker/handler";

// retention.apply — one cluster's policy (or the defaults), audited
export const retentionApply = defineHandler({
  queue: "retention.apply",
  async handle({ clusterId }, { log }) {
    const result = await applyRetention(systemActor("retention schedule"), clusterId, {});
    log(
      `retention ${clusterId}: ${result.expire.length} backups expired, ${result.wal.count} WAL files pruned`,
    );
  },
});
