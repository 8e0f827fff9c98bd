import pg from "pg";
import { clientConfig, connectClient, type NodeConnection } from "@/lib/pg/connection";
import {
  archiveReadyQuery,
  archiverQuery,
  nodeIdentityQuery,
  primaryPositionQuery,
  recoveryConflictsQuery,
  replicationSlotsQuery,
  standbyPositionQuery,
  standbyTimelineQuery,
  statReplicationQuery,
  walReceiverQuery,
  type ArchiverRow,
  type NodeIdentityRow,
  type PrimaryPositionRow,
  type ReplicationSlotRow,
  type StandbyPositionRow,
  type StatReplicationRow,
  type WalReceiverRow,
} from "@/lib/pg/replication-sql";
import { sqlFor, type VersionedQuery } from "@/lib/pg/versioned-sql";
import {
  asPrimaryReading,
  asStandbyReading,
  type NodeReading,
  type PrimaryReading,
  type Reading,
  type StandbyReading,
} from "@/lib/replication/readings";
import { recoveryEndQuery, type RecoveryEndRow } from "@/lib/replication/role-sql";

/**
 * One persistent monitoring connection to one node. It reconnects after errors, and a read
 * that takes longer than its deadline is abandoned (and the connection dropped) so a hung
 * node never delays the cluster's tick.
 */
export class NodeReader {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private versionNum: number | null = null;

  constructor(
    private connection: NodeConnection,
    private readonly deadlineMs: number,
  ) {}

  /** New settings (the registration changed): reconnect with them on the next read. */
  reconfigure(connection: NodeConnection): void {
    const same = JSON.stringify(connection) === JSON.stringify(this.connection);
    if (same) return;
    this.connection = connection;
    this.reset();
  }

  /**
   * One read of whatever the node is now: what a primary reports when it is not in recovery,
   * what a standby reports when it is. The sampler decides from these which node is the primary
   * (lib/clusters/current-primary.ts), never from the registration.
   */
  async readNode(): Promise<Reading<NodeReading>> {
    return this.read(async (query) => {
      const identity = (await query<NodeIdentityRow>(nodeIdentityQuery))[0]!;
      const slots = await query<ReplicationSlotRow>(replicationSlotsQuery);
      const replication = await query<StatReplicationRow>(statReplicationQuery);
      if (!identity.in_recovery) {
        const position = (await query<PrimaryPositionRow>(primaryPositionQuery))[0] ?? null;
        const archiver = (await query<ArchiverRow>(archiverQuery))[0] ?? null;
        // pg_ls_archive_statusdir needs pg_monitor: report "unknown" rather than fail the read.
        const readyCount = await query<{ ready: number }>(archiveReadyQuery)
          .then((rows) => rows[0]?.ready ?? null)
          .catch(() => null);
        const recoveryEndLsn = (await query<RecoveryEndRow>(recoveryEndQuery))[0]?.recovery_end_lsn ?? null;
        return {
          role: "primary" as const,
          data: { identity, position, replication, slots, archiver, readyCount, recoveryEndLsn },
        };
      }
      const position = (await query<StandbyPositionRow>(standbyPositionQuery))[0] ?? null;
      const receiver = (await query<WalReceiverRow>(walReceiverQuery))[0] ?? null;
      const conflicts = (await query<{ conflicts: number }>(recoveryConflictsQuery))[0]?.conflicts ?? null;
      const timeline = await query<{ timeline: number }>(standbyTimelineQuery)
        .then((rows) => rows[0]?.timeline ?? null)
        .catch(() => null);
      return {
        role: "standby" as const,
        data: { identity, position, receiver, replication, slots, conflicts, timeline },
      };
    });
  }

  /** The node read as a primary (nothing of a primary's if it is in recovery). */
  async readPrimary(): Promise<Reading<PrimaryReading>> {
    return asPrimaryReading(await this.readNode());
  }

  /** The node read as a standby (nothing of a standby's if it is writable). */
  async readStandby(): Promise<Reading<StandbyReading>> {
    return asStandbyReading(await this.readNode());
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.connecting = null;
    await client?.end().catch(() => {});
  }

  private reset(): void {
    const client = this.client;
    this.client = null;
    this.connecting = null;
    this.versionNum = null;
    // end() waits for a hung query; destroy the socket instead so nothing lingers.
    client?.connection.stream.destroy();
    void client?.end().catch(() => {});
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    this.connecting ??= (async () => {
      const client = await connectClient(
        clientConfig(this.connection, this.deadlineMs),
        this.connection.tls?.mode,
      );
      client.on("error", () => this.reset());
      const { rows } = await client.query<{ v: number }>(
        "/* walden */ select current_setting('server_version_num')::int as v",
      );
      this.versionNum = rows[0]!.v;
      this.client = client;
      return client;
    })();
    try {
      return await this.connecting;
    } catch (error) {
      this.connecting = null;
      throw error;
    }
  }

  /** Statements are named (prepared once per connection): the sampler runs the same ones every second, and re-planning them was most of their server time. */
  private async read<T>(
    work: (query: <R extends pg.QueryResultRow>(q: VersionedQuery) => Promise<R[]>) => Promise<T>,
  ): Promise<Reading<T>> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.deadlineMs} ms`)), this.deadlineMs);
    });
    try {
      const data = await Promise.race([
        (async () => {
          const client = await this.connect();
          const query = async <R extends pg.QueryResultRow>(q: VersionedQuery) =>
            (await client.query<R>({ name: `walden_${q.name}`, text: sqlFor(q, this.versionNum!) })).rows;
          return work(query);
        })(),
        deadline,
      ]);
      return { ok: true, data };
    } catch (error) {
      this.reset();
      return { ok: false, error: describeReadError(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function describeReadError(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code === "ECONNREFUSED") return "connection refused";
  return message ?? String(error);
}
