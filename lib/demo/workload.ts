import pg from "pg";
import type { NodeConnection } from "@/lib/pg/connection";

// A gentle, steady write load on the demo primary so WAL, lag and archive numbers move:
// one ~250-byte row every 500 ms, rows older than an hour trimmed each minute.
const createTableSql = `create table if not exists demo_events (
  id bigserial primary key,
  at timestamptz not null default now(),
  kind text not null,
  payload text not null
)`;

export function startDemoWorkload(
  node: NodeConnection,
  log: (line: string) => void,
): { stop: () => Promise<void> } {
  const pool = new pg.Pool({ ...node, max: 1, application_name: "walden-demo-workload" });
  pool.on("error", () => {});
  let ticks = 0;
  let failing = false;
  const kinds = ["order", "payment", "refund", "signup"];

  const tick = async () => {
    try {
      if (ticks === 0) await pool.query(createTableSql);
      ticks += 1;
      await pool.query(
        "insert into demo_events (kind, payload) values ($1, repeat(md5(random()::text), 8))",
        [kinds[ticks % kinds.length]],
      );
      if (ticks % 120 === 0) await pool.query("delete from demo_events where at < now() - interval '1 hour'");
      if (failing) log("demo workload: writing again");
      failing = false;
    } catch (error) {
      if (!failing) log(`demo workload: write failed (${(error as Error).message}); will keep trying`);
      failing = true;
    }
  };

  const timer = setInterval(() => void tick(), 500);
  return {
    async stop() {
      clearInterval(timer);
      await pool.end().catch(() => {});
    },
  };
}
