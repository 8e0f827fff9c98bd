import pg from "pg";
import type { NodeConnection } from "@/lib/pg/connection";

// A gentle, steady write load on the demo primary so WAL, lag and archive numbers move:
// one ~250-byte row every 500 ms, rows older than an hour trimmed each minute. It writes to
// whichever node is writable now, so after the demo's failover button it follows the new
// primary as Walden does.
const createTableSql = `create table if not exists demo_events (
  id bigserial primary key,
  at timestamptz not null default now(),
  kind text not null,
  payload text not null
)`;

/** A one-connection pool on the first node that is not in recovery; null when none is. */
async function writablePool(
  nodes: NodeConnection[],
): Promise<{ pool: pg.Pool; node: NodeConnection } | null> {
  for (const node of nodes) {
    const pool = new pg.Pool({ ...node, max: 1, application_name: "walden-demo-workload" });
    pool.on("error", () => {});
    try {
      const { rows } = await pool.query<{ standby: boolean }>("select pg_is_in_recovery() as standby");
      if (rows[0]?.standby === false) return { pool, node };
    } catch {
      // Down or refusing: try the next node.
    }
    await pool.end().catch(() => {});
  }
  return null;
}

/** `nodes`: every node of the demo cluster, the usual primary first. */
export function startDemoWorkload(
  nodes: NodeConnection[],
  log: (line: string) => void,
): { stop: () => Promise<void> } {
  let target: { pool: pg.Pool; node: NodeConnection } | null = null;
  let ticks = 0;
  let failing = false;
  let busy = false;
  const kinds = ["order", "payment", "refund", "signup"];

  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      if (!target) {
        target = await writablePool(nodes);
        if (!target) throw new Error("no node is writable");
        log(`demo workload: writing to ${target.node.host}:${target.node.port}`);
        await target.pool.query(createTableSql);
      }
      ticks += 1;
      await target.pool.query(
        "insert into demo_events (kind, payload) values ($1, repeat(md5(random()::text), 8))",
        [kinds[ticks % kinds.length]],
      );
      if (ticks % 120 === 0)
        await target.pool.query("delete from demo_events where at < now() - interval '1 hour'");
      if (failing) log("demo workload: writing again");
      failing = false;
    } catch (error) {
      if (!failing) log(`demo workload: write failed (${(error as Error).message}); will keep trying`);
      failing = true;
      // The node may have gone away or become a standby: look for the writable one next tick.
      await target?.pool.end().catch(() => {});
      target = null;
    } finally {
      busy = false;
    }
  };

  const timer = setInterval(() => void tick(), 500);
  return {
    async stop() {
      clearInterval(timer);
      await target?.pool.end().catch(() => {});
    },
  };
}
