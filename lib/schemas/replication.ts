import { z } from "zod";

// What the replication API and the console show. Computed by the sampler in the worker from
// the primary's and each standby's own views together (lib/replication), never raw rows.

export const standbyStates = ["streaming", "catching_up", "paused", "stalled", "disconnected"] as const;
export type StandbyState = (typeof standbyStates)[number];

/** Byte lags are measured against the primary's current LSN; null when that LSN is unknown. */
export interface LagBytes {
  sent: number | null;
  write: number | null;
  flush: number | null;
  replay: number | null;
}

/**
 * Seconds behind the primary: how long ago the primary was at the standby's position (from the
 * sampler's LSN history), so an idle, caught-up standby reads 0 and a broken one keeps growing.
 */
export interface LagSeconds {
  write: number | null;
  flush: number | null;
  replay: number | null;
}

export interface StandbyStatus {
  name: string;
  /** The node it streams from: "primary" or another standby's name (cascading). */
  upstream: string | null;
  state: StandbyState;
  /** Since when it has been in this state (ISO). */
  stateSince: string;
  /** Why it is not streaming, in words: "receiver down", "replay paused", "replay has not advanced for 12 s". */
  reason: string | null;
  reachable: boolean;
  syncState: string | null;
  sentLsn: string | null;
  writeLsn: string | null;
  flushLsn: string | null;
  receiveLsn: string | null;
  replayLsn: string | null;
  lagBytes: LagBytes;
  lagSeconds: LagSeconds;
  replayPaused: boolean;
  /** pg_last_xact_replay_timestamp(): the last replayed commit's time (grows on an idle primary: not a lag). */
  lastReplayedCommitAt: string | null;
  timeline: number | null;
  conflicts: number | null;
  error: string | null;
}

export interface SlotStatus {
  name: string;
  /** The node that holds the slot (standbys can hold slots for cascading). */
  node: string;
  slotType: string;
  active: boolean;
  walStatus: string | null;
  safeWalSize: number | null;
  retainedBytes: number | null;
  restartLsn: string | null;
  /** At the current WAL rate, when the slot would lose WAL it still needs (max_slot_wal_keep_size); null when unlimited or idle. */
  lossForecastAt: string | null;
}

export interface ArchiverStatus {
  archivedCount: number;
  failedCount: number;
  lastArchivedWal: string | null;
  lastArchivedAt: string | null;
  lastFailedWal: string | null;
  lastFailedAt: string | null;
  /** The last failure is newer than the last success. */
  failing: boolean;
  /** Segments waiting in archive_status/*.ready; null when the role may not list that folder. */
  readyCount: number | null;
}

export interface ReplicationSnapshot {
  clusterId: string;
  primary: {
    name: string;
    reachable: boolean;
    currentLsn: string | null;
    timeline: number | null;
    inRecovery: boolean | null;
    serverVersionNum: number | null;
    walBytesPerSecond: number | null;
    error: string | null;
  };
  standbys: StandbyStatus[];
  slots: SlotStatus[];
  archiver: ArchiverStatus | null;
  sampledAt: string;
  /** Sampling interval in seconds, so a client knows how fresh to expect it. */
  intervalSeconds: number;
}

export const replicationEventKinds = [
  "state_change",
  "role_change",
  "timeline_change",
  "node_unreachable",
  "node_reachable",
] as const;
export type ReplicationEventKind = (typeof replicationEventKinds)[number];

export interface ReplicationEvent {
  id: string;
  at: string;
  node: string;
  kind: ReplicationEventKind;
  from: string | null;
  to: string | null;
  message: string;
}

export interface LagPoint {
  t: string;
  replayBytes: number | null;
  replaySeconds: number | null;
  flushBytes: number | null;
  writeBytes: number | null;
  /** Over the bucket, when points stand for several samples. */
  replayBytesMax: number | null;
  replaySecondsMax: number | null;
  replayLsn: string | null;
  primaryLsn: string | null;
  state: StandbyState | null;
}

export interface LagSeries {
  standby: string;
  from: string;
  to: string;
  /** Which store answered: raw samples (48 h), 1-minute rollups (90 days) or 1-hour rollups (2 years). */
  source: "raw" | "1m" | "1h";
  points: LagPoint[];
  events: ReplicationEvent[];
}

const isoWithOffset = z.iso.datetime({
  offset: true,
  error: "must be an ISO-8601 time with an offset, like 2026-11-26T14:00:00Z",
});

export const lagQuerySchema = z.strictObject({
  standby: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "must be a standby name")
    .optional(),
  from: isoWithOffset.optional(),
  to: isoWithOffset.optional(),
  points: z.coerce.number().int().min(2).max(5000).default(300),
});
export type LagQuery = z.infer<typeof lagQuerySchema>;
