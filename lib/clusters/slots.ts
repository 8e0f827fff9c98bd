import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { withNodeClient, type NodeConnection } from "@/lib/pg/connection";
import { legacyReceiveWalSlotName, receiveWalSlotName } from "@/lib/backup/slot-names";

// Archive mode "stream" leaves a physical replication slot on the primary, and a slot nobody
// reads keeps WAL forever until the primary's disk fills. Walden drops its own slots when the
// cluster no longer streams (deleted, or switched to archive_command), and audits each drop.

export interface SlotDrop {
  slot: string;
  outcome: "dropped" | "absent" | "failed";
  /** Why a drop failed, in words a DBA can act on. */
  message?: string;
}

/** Walden's stream-mode slots for a cluster: by id, and the name-based one older versions created. */
export function walReceiverSlots(cluster: { id: string; name: string }): string[] {
  return [...new Set([receiveWalSlotName(cluster.id), legacyReceiveWalSlotName(cluster.name)])];
}

const ACTIVE_SLOT = "55006";

/**
 * Drops the physical slots named, on the primary. A slot still in use (its pg_receivewal is
 * stopping, and pg_drop_replication_slot fails on an active slot) is retried until `waitMs`.
 */
export async function dropWalReceiverSlots(
  connection: NodeConnection,
  slots: string[],
  waitMs: number,
): Promise<SlotDrop[]> {
  const deadline = Date.now() + waitMs;
  try {
    return await withNodeClient(connection, async (client) => {
      const results: SlotDrop[] = [];
      for (const slot of slots) {
        for (;;) {
          const { rows } = await client.query<{ active: boolean; pid: number | null }>(
            "/* walden */ select active, active_pid as pid from pg_replication_slots where slot_name = $1 and slot_type = 'physical'",
            [slot],
          );
          const row = rows[0];
          if (!row) {
            results.push({ slot, outcome: "absent" });
            break;
          }
          if (!row.active) {
            try {
              await client.query("/* walden */ select pg_drop_replication_slot($1)", [slot]);
              results.push({ slot, outcome: "dropped" });
              break;
            } catch (error) {
              // Taken again between the read and the drop: wait like for any active slot.
              if ((error as { code?: string }).code !== ACTIVE_SLOT) throw error;
            }
          }
          if (Date.now() >= deadline) {
            results.push({
              slot,
              outcome: "failed",
              message: `slot ${slot} is still in use${row.pid ? ` by process ${row.pid}` : ""}; stop that pg_receivewal, then run select pg_drop_replication_slot('${slot}') on the primary`,
            });
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
      return results;
    });
  } catch (error) {
    const reason = (error as Error).message;
    return slots.map((slot) => ({
      slot,
      outcome: "failed" as const,
      message: `could not drop slot ${slot} on ${connection.host}:${connection.port} (${reason}); run select pg_drop_replication_slot('${slot}') on the primary`,
    }));
  }
}

/** Drops the cluster's stream-mode slots and writes one audit event per slot dropped or not droppable. */
export async function dropClusterSlots(
  actor: Actor,
  cluster: { id: string; name: string },
  connection: NodeConnection,
  options: { reason: string; waitMs: number; slots?: string[]; auditFailures?: boolean },
  meta: RequestMeta = {},
): Promise<SlotDrop[]> {
  const results = await dropWalReceiverSlots(
    connection,
    options.slots ?? walReceiverSlots(cluster),
    options.waitMs,
  );
  for (const result of results) {
    if (result.outcome === "absent") continue;
    // A background clean-up that retries logs its failures instead of auditing each attempt.
    if (result.outcome === "failed" && options.auditFailures === false) continue;
    await audit(
      actor,
      {
        action: "cluster.slot.drop",
        outcome: result.outcome === "dropped" ? "success" : "failed",
        target: { type: "cluster", id: cluster.id },
        details: {
          slot: result.slot,
          reason: options.reason,
          primary: `${connection.host}:${connection.port}`,
          ...(result.message ? { error: result.message } : {}),
        },
      },
      meta,
    );
  }
  return results;
}
