import type {
  ArchiverRow,
  NodeIdentityRow,
  PrimaryPositionRow,
  ReplicationSlotRow,
  StandbyPositionRow,
  StatReplicationRow,
  WalReceiverRow,
} from "@/lib/pg/replication-sql";

// What the sampler read from each node in one tick, before any interpretation.

export type Reading<T> = { ok: true; data: T } | { ok: false; error: string };

export interface PrimaryReading {
  identity: NodeIdentityRow;
  /** Null when the node turned out to be in recovery (demoted). */
  position: PrimaryPositionRow | null;
  replication: StatReplicationRow[];
  slots: ReplicationSlotRow[];
  archiver: ArchiverRow | null;
  /** Null when the role may not list archive_status. */
  readyCount: number | null;
  /** Where recovery ended, on a node promoted since it started (its timeline's first LSN). */
  recoveryEndLsn: string | null;
}

export interface StandbyReading {
  identity: NodeIdentityRow;
  /** Null when the node is not in recovery any more (promoted). */
  position: StandbyPositionRow | null;
  receiver: WalReceiverRow | null;
  replication: StatReplicationRow[];
  slots: ReplicationSlotRow[];
  conflicts: number | null;
  timeline: number | null;
}

/** What one node answered, as what it is now: writable (primary) or in recovery (standby). */
export type NodeReading =
  { role: "primary"; data: PrimaryReading } | { role: "standby"; data: StandbyReading };

/** A node read as a standby seen in the primary's place (nobody is writable): nothing a primary has. */
export function asPrimaryReading(reading: Reading<NodeReading>): Reading<PrimaryReading> {
  if (!reading.ok) return reading;
  if (reading.data.role === "primary") return { ok: true, data: reading.data.data };
  const { identity, replication, slots } = reading.data.data;
  return {
    ok: true,
    data: {
      identity,
      position: null,
      replication,
      slots,
      archiver: null,
      readyCount: null,
      recoveryEndLsn: null,
    },
  };
}

/** A writable node seen in a standby's place (promoted, or a split brain): nothing a standby has. */
export function asStandbyReading(reading: Reading<NodeReading>): Reading<StandbyReading> {
  if (!reading.ok) return reading;
  if (reading.data.role === "standby") return { ok: true, data: reading.data.data };
  const { identity, replication, slots } = reading.data.data;
  return {
    ok: true,
    data: { identity, position: null, receiver: null, replication, slots, conflicts: null, timeline: null },
  };
}

export interface NodeAddress {
  name: string;
  host: string;
  port: number;
}

export interface TickReadings {
  at: Date;
  primary: NodeAddress & { reading: Reading<PrimaryReading> };
  standbys: (NodeAddress & { reading: Reading<StandbyReading> })[];
}
