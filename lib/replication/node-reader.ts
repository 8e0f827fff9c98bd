import pg from "pg";
import {
  clientConfig,
  connectClient,
  MONITOR_STATEMENT_TIMEOUT_MS,
  type NodeConnection,
} from "@/lib/pg/connection";
import type {
  ArchiverRow,
  NodeIdentityRow,
  ReplicationSlotRow,
  StatReplicationRow,
  WalReceiverRow,
} from "@/lib/pg/replication-sql";
import { sqlFor } from "@/lib/pg/versioned-sql";
import {
  asPrimaryReading,
  asStandbyReading,
  type NodeReading,
  type PrimaryReading,
  type Reading,
  type StandbyReading,
} from "@/lib/replication/readings";
import { nodeSampleQuery, type NodeSampleRow, type NodeSampleTextRow } from "@/lib/replication/sample-sql";

/**
 * How long opening a connection may take (TCP, TLS, SCRAM, the server's fork). Longer than a
 * read's deadline on purpose: the opening goes on in the background while ticks report the node
 * as not answering, instead of being abandoned at the deadline and started again from scratch.
 * Abandoning it made a busy host's worker open hundreds of connections a second, each costing a
 * TLS handshake and a SCRAM key derivation on both sides, and none finishing (measured: a third
 * of the worker's CPU on a 300-node fleet while the machine was loaded).
 */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * One persistent monitoring connection to one node. It reconnects after errors, and a read
 * that takes longer than its deadline is abandoned (and the connection dropped) so a hung
 * node never delays the cluster's tick.
 */
export class NodeReader {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  /** The sample statement for this server's major, named (prepared once per connection). */
  private statement: { name: string; text: string } | null = null;
  /** The last answer and what it decoded to: an unchanged answer is not parsed again. */
  private last: { text: string; reading: NodeReading } | null = null;
  /** The read sent and not answered yet (one at a time per connection). */
  private inFlight: { startedAt: number } | null = null;
  /** A read out this long is not slow but stuck: past the deadline and any statement's timeout. */
  private readonly hungAfterMs: number;

  constructor(
    private connection: NodeConnection,
    private readonly deadlineMs: number,
  ) {
    this.hungAfterMs = deadlineMs + MONITOR_STATEMENT_TIMEOUT_MS + 1000;
  }

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
    return this.read(async (client, statement) => {
      const { rows } = await client.query<NodeSampleTextRow>(statement);
      const text = rows[0]!.sample;
      if (this.last?.text === text) return this.last.reading;
      const reading = decodeNodeSample(JSON.parse(text) as NodeSampleRow);
      this.last = { text, reading };
      return reading;
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
    // A read still out may never be answered (a stopped node): do not wait for it.
    if (this.inFlight) client?.connection.stream.destroy();
    this.inFlight = null;
    await client?.end().catch(() => {});
  }

  private reset(): void {
    const client = this.client;
    this.client = null;
    this.connecting = null;
    this.statement = null;
    this.last = null;
    this.inFlight = null;
    // end() waits for a hung query; destroy the socket instead so nothing lingers.
    client?.connection.stream.destroy();
    void client?.end().catch(() => {});
  }

  private async connect(): Promise<{ client: pg.Client; statement: { name: string; text: string } }> {
    if (this.client && this.statement) return { client: this.client, statement: this.statement };
    this.connecting ??= (async () => {
      const client = await connectClient(
        clientConfig(this.connection, CONNECT_TIMEOUT_MS),
        this.connection.tls?.mode,
      );
      client.on("error", () => this.reset());
      const { rows } = await client.query<{ v: number }>(
        "/* walden */ select current_setting('server_version_num')::int as v",
      );
      this.statement = { name: `walden_${nodeSampleQuery.name}`, text: sqlFor(nodeSampleQuery, rows[0]!.v) };
      this.client = client;
      return client;
    })();
    try {
      const client = await this.connecting;
      return { client, statement: this.statement! };
    } catch (error) {
      this.connecting = null;
      throw error;
    }
  }

  /**
   * The statement is named (prepared once per connection): the sampler runs the same one every
   * second, and re-planning it was most of its server time.
   *
   * A read past its deadline is reported as no answer, but its connection is kept: the server
   * ends a slow statement itself (statement_timeout) and the session stays usable. Dropping it
   * instead made every slow second cost a new backend, a TLS handshake and a SCRAM exchange on
   * both sides, which on a loaded host made the next read slower still (measured: a fleet of 200
   * nodes stuck reconnecting). While the late read is still out, the next tick reports no answer
   * without queueing another; only a read out for longer than any statement may run (a hung node
   * or a dead network) has its connection dropped.
   */
  private read<T>(
    work: (client: pg.Client, statement: { name: string; text: string }) => Promise<T>,
  ): Promise<Reading<T>> {
    const outstanding = this.inFlight;
    if (outstanding) {
      // Still connecting, the connection's own timeout ends a hopeless attempt first (and resets).
      const connecting = this.client === null;
      const hungAfterMs = connecting ? CONNECT_TIMEOUT_MS + this.hungAfterMs : this.hungAfterMs;
      if (Date.now() - outstanding.startedAt < hungAfterMs) {
        const why = connecting ? "still connecting" : "the previous read is still running";
        return Promise.resolve({ ok: false, error: `no answer within ${this.deadlineMs} ms (${why})` });
      }
      this.reset();
    }
    const running = this.connect().then(({ client, statement }) => work(client, statement));
    const flight = { startedAt: Date.now() };
    this.inFlight = flight;
    // The answer or, at the deadline, no answer: one timer and one promise per read (every node,
    // every second), not a deadline promise raced against the read.
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => resolve({ ok: false, error: `no answer within ${this.deadlineMs} ms` }),
        this.deadlineMs,
      );
      running.then(
        (data) => {
          clearTimeout(timer);
          if (this.inFlight === flight) this.inFlight = null;
          resolve({ ok: true, data });
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (this.inFlight === flight) {
            this.inFlight = null;
            // An error the server reported (statement_timeout, a missing privilege) leaves the
            // session usable; anything else (socket, protocol, closed client) does not.
            if (!(error instanceof pg.DatabaseError) || error.severity === "FATAL") this.reset();
          }
          resolve({ ok: false, error: describeReadError(error) });
        },
      );
    });
  }
}

function describeReadError(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code === "ECONNREFUSED") return "connection refused";
  return message ?? String(error);
}

const toDate = (value: string | null | undefined): Date | null => (value ? new Date(value) : null);

/**
 * The parsed row of nodeSampleQuery as what the node is now, in the rows' usual shapes
 * (timestamps as Dates), so the tracker reads it as it read the separate statements.
 */
export function decodeNodeSample(row: NodeSampleRow): NodeReading {
  const identity: NodeIdentityRow = {
    in_recovery: row.in_recovery,
    server_version_num: row.server_version_num,
    max_slot_wal_keep_size: row.max_slot_wal_keep_size,
  };
  const slots: ReplicationSlotRow[] = row.slots.map((slot) => ({
    ...slot,
    inactive_since: toDate(slot.inactive_since),
  }));
  const replication: StatReplicationRow[] = row.replication.map((standby) => ({
    ...standby,
    backend_start: toDate(standby.backend_start),
    reply_time: toDate(standby.reply_time),
  }));
  if (!row.in_recovery) {
    const archiver: ArchiverRow | null = row.archiver && {
      ...row.archiver,
      last_archived_time: toDate(row.archiver.last_archived_time),
      last_failed_time: toDate(row.archiver.last_failed_time),
    };
    return {
      role: "primary",
      data: {
        identity,
        position:
          row.current_lsn === null ? null : { current_lsn: row.current_lsn, timeline: row.primary_timeline! },
        replication,
        slots,
        archiver,
        readyCount: row.ready_count,
        recoveryEndLsn: row.recovery_end_lsn,
      },
    };
  }
  const receiver: WalReceiverRow | null = row.receiver && {
    ...row.receiver,
    last_msg_receipt_time: toDate(row.receiver.last_msg_receipt_time),
  };
  return {
    role: "standby",
    data: {
      identity,
      position: {
        receive_lsn: row.receive_lsn,
        replay_lsn: row.replay_lsn,
        last_replay_at: toDate(row.last_replay_at),
        // Null only when the node was promoted during the statement: not paused any more.
        pause_state: row.pause_state ?? "not paused",
      },
      receiver,
      replication,
      slots,
      conflicts: row.conflicts,
      timeline: row.standby_timeline,
    },
  };
}
