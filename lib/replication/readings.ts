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
