// Over 400 lines: one class whose methods share the memory kept across ticks; split, that state would be scattered.
import type { ReplicationSlotRow, StatReplicationRow } from "@/lib/pg/replication-sql";
import { lsnDiff, maxLsn } from "@/lib/replication/lsn";
import { LsnHistory } from "@/lib/replication/lsn-history";
import type { PrimaryReading, StandbyReading, TickReadings } from "@/lib/replication/readings";
import type {
  ArchiverStatus,
  LagSeconds,
  ReplicationEventKind,
  ReplicationSnapshot,
  SlotStatus,
  StandbyState,
  StandbyStatus,
} from "@/lib/schemas/replication";

// Turns one tick of raw readings into the cluster's replication snapshot, remembering what it
// needs across ticks: the primary's LSN history (for lag in seconds), when each standby last
// made progress (for "stalled"), and each node's last state, role and timeline (for events).

/** Replay (or receipt) that has not moved for this long while there is WAL to apply is "stalled". */
export const STALL_AFTER_MS = 10_000;
/** The reason of a registered standby that is writable: with a writable primary, a split brain. */
export const PROMOTED_REASON = "promoted: it is not in recovery any more";
/** A connected standby more than this far behind is "catching_up" rather than "streaming". */
export const CATCHING_UP_BYTES = 16 * 1024 * 1024;

export interface TrackerEvent {
  at: Date;
  node: string;
  kind: ReplicationEventKind;
  from: string | null;
  to: string | null;
  message: string;
}

export interface TrackerSample {
  standby: string;
  at: Date;
  state: StandbyState;
  primaryLsn: string | null;
  replayLsn: string | null;
  writeBytes: number | null;
  flushBytes: number | null;
  replayBytes: number | null;
  replaySeconds: number | null;
}

type EmitEvent = (
  node: string,
  kind: ReplicationEventKind,
  from: string | null,
  to: string | null,
  message: string,
) => void;

/** Records a node starting or stopping to answer Walden's own connection. */
function noteReachability(
  name: string,
  wasReachable: boolean | undefined,
  isReachable: boolean,
  error: string | null,
  event: EmitEvent,
): void {
  if (wasReachable === undefined || wasReachable === isReachable) return;
  if (isReachable) event(name, "node_reachable", "unreachable", "reachable", `${name} answers again`);
  else event(name, "node_unreachable", "reachable", "unreachable", `${name} does not answer: ${error}`);
}

export interface TickResult {
  snapshot: ReplicationSnapshot;
  events: TrackerEvent[];
  samples: TrackerSample[];
}

interface StandbyMemory {
  status: StandbyStatus;
  replayAdvancedAt: number;
  receiveAdvancedAt: number;
  reachable: boolean;
  inRecovery: boolean | null;
}

const isConnectedRow = (row: StatReplicationRow | undefined) =>
  row?.state === "streaming" || row?.state === "catchup";

/**
 * What the old primary is in the tick that saw another node writable: read in this same tick when
 * the sampler asked it (it is among the standbys now), else as last seen. A primary stopped just
 * before the promotion reads "unreachable", not "still writable" from the tick before.
 */
function formerPrimaryState(
  previous: { name: string; reachable: boolean; inRecovery: boolean | null },
  readings: TickReadings,
): "unreachable" | "in recovery" | "still writable" {
  const now = readings.standbys.find((standby) => standby.name === previous.name)?.reading;
  if (now) return !now.ok ? "unreachable" : now.data.identity.in_recovery ? "in recovery" : "still writable";
  if (!previous.reachable) return "unreachable";
  return previous.inRecovery ? "in recovery" : "still writable";
}

export class ClusterTracker {
  private readonly history = new LsnHistory();
  private readonly standbys = new Map<string, StandbyMemory>();
  private primaryMemory: {
    name: string;
    reachable: boolean;
    inRecovery: boolean | null;
    timeline: number | null;
  } | null = null;
  /** Nodes that were the primary before a failover: their return as a standby is an event. */
  private readonly formerPrimaries = new Set<string>();

  constructor(
    private readonly clusterId: string,
    private readonly intervalSeconds: number,
  ) {}

  tick(readings: TickReadings): TickResult {
    const now = readings.at.getTime();
    const events: TrackerEvent[] = [];
    const event = (
      node: string,
      kind: ReplicationEventKind,
      from: string | null,
      to: string | null,
      message: string,
    ) => events.push({ at: readings.at, node, kind, from, to, message });

    const primaryData = readings.primary.reading.ok ? readings.primary.reading.data : null;
    const primaryLsn = primaryData?.position?.current_lsn ?? null;
    if (primaryLsn) this.history.record(now, primaryLsn);
    this.notePrimary(readings, primaryData, event);

    // Every node's pg_stat_replication, to find each standby's upstream row (cascades included).
    const statRows = new Map<string, { upstream: string; row: StatReplicationRow }>();
    const collect = (upstream: string, rows: StatReplicationRow[]) => {
      for (const row of rows) statRows.set(row.application_name, { upstream, row });
    };
    if (primaryData) collect(readings.primary.name, primaryData.replication);
    for (const standby of readings.standbys)
      if (standby.reading.ok) collect(standby.name, standby.reading.data.replication);

    const standbys = readings.standbys.map((standby) => {
      const reading = standby.reading.ok ? standby.reading.data : null;
      const error = standby.reading.ok ? null : standby.reading.error;
      const status = this.standbyStatus(
        standby.name,
        reading,
        error,
        statRows.get(standby.name),
        readings,
        primaryLsn,
        now,
        event,
      );
      return status;
    });

    const walRate = this.history.bytesPerSecond(now);
    const slots = this.slots(readings, walRate, now);
    const snapshot: ReplicationSnapshot = {
      clusterId: this.clusterId,
      primary: {
        name: readings.primary.name,
        reachable: primaryData !== null,
        currentLsn: primaryLsn,
        timeline: primaryData?.position?.timeline ?? null,
        inRecovery: primaryData?.identity.in_recovery ?? null,
        serverVersionNum: primaryData?.identity.server_version_num ?? null,
        walBytesPerSecond: walRate,
        error: readings.primary.reading.ok ? null : readings.primary.reading.error,
      },
      standbys,
      slots,
      archiver: primaryData ? archiverStatus(primaryData) : null,
      sampledAt: readings.at.toISOString(),
      intervalSeconds: this.intervalSeconds,
    };
    const samples = standbys.map((status) => ({
      standby: status.name,
      at: readings.at,
      state: status.state,
      primaryLsn,
      replayLsn: status.replayLsn,
      writeBytes: status.lagBytes.write,
      flushBytes: status.lagBytes.flush,
      replayBytes: status.lagBytes.replay,
      replaySeconds: status.lagSeconds.replay,
    }));
    return { snapshot, events, samples };
  }

  private notePrimary(readings: TickReadings, data: PrimaryReading | null, event: EmitEvent): void {
    const name = readings.primary.name;
    let previous = this.primaryMemory;
    if (previous && previous.name !== name) {
      this.notePrimaryMoved(previous, readings, data, event);
      // The new primary's own history starts now; only the timeline carries over (for its event).
      previous = null;
    }
    const current = {
      name,
      reachable: data !== null,
      inRecovery: data?.identity.in_recovery ?? previous?.inRecovery ?? null,
      timeline: data?.position?.timeline ?? previous?.timeline ?? null,
    };
    const error = readings.primary.reading.ok ? null : readings.primary.reading.error;
    noteReachability(name, previous?.reachable, current.reachable, error, event);
    if (data && previous?.inRecovery === false && data.identity.in_recovery) {
      event(name, "role_change", "primary", "standby", `${name} is in recovery: it was demoted or replaced`);
    }
    if (data?.position && previous?.timeline != null && previous.timeline !== data.position.timeline) {
      event(
        name,
        "timeline_change",
        String(previous.timeline),
        String(data.position.timeline),
        `${name} moved to timeline ${data.position.timeline}`,
      );
    }
    this.primaryMemory = current;
  }

  /**
   * A failover or switchover: another node is the writable one now (the sampler passes it as
   * the primary). One role_change event on it with where its timeline began, a timeline_change
   * with the new timeline, and from now on the old primary is watched as a standby.
   */
  private notePrimaryMoved(
    previous: NonNullable<ClusterTracker["primaryMemory"]>,
    readings: TickReadings,
    data: PrimaryReading | null,
    event: EmitEvent,
  ): void {
    const name = readings.primary.name;
    const timeline = data?.position?.timeline ?? null;
    const began = data?.recoveryEndLsn ?? null;
    const oldState = formerPrimaryState(previous, readings);
    const where = timeline !== null ? ` on timeline ${timeline}${began ? ` from ${began}` : ""}` : "";
    event(
      name,
      "role_change",
      "standby",
      "primary",
      `${name} is the primary now${where}; ${previous.name} was ${oldState}`,
    );
    if (timeline !== null && previous.timeline !== null && timeline !== previous.timeline) {
      event(
        name,
        "timeline_change",
        String(previous.timeline),
        String(timeline),
        `timeline ${previous.timeline} ended and ${timeline} began${began ? ` at ${began}` : ""} (${name} promoted)`,
      );
    }
    this.standbys.delete(name);
    this.formerPrimaries.add(previous.name);
    this.formerPrimaries.delete(name);
  }

  private standbyStatus(
    name: string,
    reading: StandbyReading | null,
    error: string | null,
    stat: { upstream: string; row: StatReplicationRow } | undefined,
    readings: TickReadings,
    primaryLsn: string | null,
    now: number,
    event: EmitEvent,
  ): StandbyStatus {
    const memory = this.standbys.get(name);
    const last = memory?.status;
    const position = reading?.position ?? null;
    const receiver = reading?.receiver ?? null;

    // Positions: the standby's own view when it answers, else its upstream's view of it, else the last known.
    const replayLsn = position?.replay_lsn ?? stat?.row.replay_lsn ?? last?.replayLsn ?? null;
    const receiveLsn =
      maxLsn(position?.receive_lsn ?? null, receiver?.flushed_lsn ?? null) ??
      stat?.row.flush_lsn ??
      last?.receiveLsn ??
      null;
    const writeLsn = stat?.row.write_lsn ?? receiveLsn;
    const flushLsn = stat?.row.flush_lsn ?? receiveLsn;
    const sentLsn = stat?.row.sent_lsn ?? null;

    const replayAdvancedAt = !memory || replayLsn !== last?.replayLsn ? now : memory.replayAdvancedAt;
    const receiveAdvancedAt = !memory || receiveLsn !== last?.receiveLsn ? now : memory.receiveAdvancedAt;
    const upstream = stat?.upstream ?? upstreamFromReceiver(receiver, readings) ?? last?.upstream ?? null;
    const promoted = reading?.identity.in_recovery === false;
    const replayPaused = position ? position.pause_state !== "not paused" : (last?.replayPaused ?? false);
    const receiverUp = receiver?.status === "streaming" || isConnectedRow(stat?.row);
    const upstreamLsn = upstreamPosition(upstream, readings, primaryLsn);

    let state: StandbyState;
    let reason: string | null = null;
    if (promoted) {
      state = "disconnected";
      reason = PROMOTED_REASON;
    } else if (!receiverUp) {
      state = "disconnected";
      reason = reading
        ? `WAL receiver is ${receiver?.status ?? "not running"}`
        : `not answering (${error}) and not connected to an upstream`;
    } else if (replayPaused) {
      state = "paused";
      reason =
        position?.pause_state === "pause requested"
          ? "replay pause requested"
          : "replay paused (pg_wal_replay_pause)";
    } else if ((lsnDiff(receiveLsn, replayLsn) ?? 0) > 0 && now - replayAdvancedAt >= STALL_AFTER_MS) {
      state = "stalled";
      reason = `replay has not advanced for ${Math.round((now - replayAdvancedAt) / 1000)} s with WAL waiting`;
    } else if ((lsnDiff(upstreamLsn, receiveLsn) ?? 0) > 0 && now - receiveAdvancedAt >= STALL_AFTER_MS) {
      state = "stalled";
      reason = `no WAL received for ${Math.round((now - receiveAdvancedAt) / 1000)} s though the upstream is ahead`;
    } else if (stat?.row.state === "catchup" || (lsnDiff(primaryLsn, replayLsn) ?? 0) > CATCHING_UP_BYTES) {
      state = "catching_up";
    } else {
      state = "streaming";
    }

    const stateSince = last && last.state === state ? last.stateSince : new Date(now).toISOString();
    if (last && last.state !== state) {
      event(
        name,
        "state_change",
        last.state,
        state,
        `${name}: ${last.state} → ${state}${reason ? ` (${reason})` : ""}`,
      );
    }
    noteReachability(name, memory?.reachable, reading !== null, error, event);
    if (reading?.identity.in_recovery && this.formerPrimaries.delete(name)) {
      event(
        name,
        "role_change",
        "primary",
        "standby",
        `${name} rejoined as a standby${upstream ? ` of ${upstream}` : ""}`,
      );
    }
    if (reading && memory?.inRecovery === true && promoted) {
      event(
        name,
        "role_change",
        "standby",
        "primary",
        `${name} was promoted: it is not in recovery any more`,
      );
    }

    const status: StandbyStatus = {
      name,
      upstream,
      state,
      stateSince,
      reason,
      reachable: reading !== null,
      syncState: stat?.row.sync_state ?? null,
      sentLsn,
      writeLsn,
      flushLsn,
      receiveLsn,
      replayLsn,
      lagBytes: {
        sent: lsnDiff(primaryLsn, sentLsn),
        write: lsnDiff(primaryLsn, writeLsn),
        flush: lsnDiff(primaryLsn, flushLsn),
        replay: lsnDiff(primaryLsn, replayLsn),
      },
      lagSeconds: this.lagSeconds(state, stateSince, { writeLsn, flushLsn, replayLsn }, now),
      replayPaused,
      lastReplayedCommitAt: position?.last_replay_at?.toISOString() ?? last?.lastReplayedCommitAt ?? null,
      timeline: reading?.timeline ?? receiver?.received_tli ?? last?.timeline ?? null,
      conflicts: reading?.conflicts ?? last?.conflicts ?? null,
      error,
    };
    this.standbys.set(name, {
      status,
      replayAdvancedAt,
      receiveAdvancedAt,
      reachable: reading !== null,
      inRecovery: reading?.identity.in_recovery ?? memory?.inRecovery ?? null,
    });
    return status;
  }

  /**
   * Seconds behind from the LSN history; while a standby is not streaming they are at least
   * the time since it stopped, so they never read 0 for a broken standby, even on an idle primary.
   */
  private lagSeconds(
    state: StandbyState,
    stateSince: string,
    lsns: { writeLsn: string | null; flushLsn: string | null; replayLsn: string | null },
    now: number,
  ): LagSeconds {
    const behind = (lsn: string | null) =>
      lsn && this.history.latest !== undefined ? this.history.secondsBehind(lsn, now) : null;
    const stoppedFor = (now - Date.parse(stateSince)) / 1000;
    const atLeast = (value: number | null, floor: number) => Math.max(value ?? 0, floor);
    const lag = {
      write: behind(lsns.writeLsn),
      flush: behind(lsns.flushLsn),
      replay: behind(lsns.replayLsn),
    };
    if (state === "disconnected") {
      return {
        write: atLeast(lag.write, stoppedFor),
        flush: atLeast(lag.flush, stoppedFor),
        replay: atLeast(lag.replay, stoppedFor),
      };
    }
    if (state === "paused" || state === "stalled") return { ...lag, replay: atLeast(lag.replay, stoppedFor) };
    return lag;
  }

  private slots(readings: TickReadings, walRate: number | null, now: number): SlotStatus[] {
    const slots: SlotStatus[] = [];
    const add = (node: string, rows: ReplicationSlotRow[]) => {
      for (const row of rows) {
        const safeWalSize = row.safe_wal_size === null ? null : Number(row.safe_wal_size);
        slots.push({
          name: row.slot_name,
          node,
          slotType: row.slot_type,
          active: row.active,
          walStatus: row.wal_status,
          safeWalSize,
          retainedBytes: row.retained_bytes === null ? null : Math.max(0, Math.round(row.retained_bytes)),
          restartLsn: row.restart_lsn,
          lossForecastAt:
            safeWalSize !== null && walRate !== null && walRate > 0
              ? new Date(now + (Math.max(0, safeWalSize) / walRate) * 1000).toISOString()
              : null,
        });
      }
    };
    if (readings.primary.reading.ok) add(readings.primary.name, readings.primary.reading.data.slots);
    for (const standby of readings.standbys)
      if (standby.reading.ok) add(standby.name, standby.reading.data.slots);
    return slots;
  }
}

function archiverStatus(primary: PrimaryReading): ArchiverStatus | null {
  const row = primary.archiver;
  if (!row) return null;
  const archivedAt = row.last_archived_time?.getTime() ?? 0;
  const failedAt = row.last_failed_time?.getTime() ?? 0;
  return {
    archivedCount: Number(row.archived_count),
    failedCount: Number(row.failed_count),
    lastArchivedWal: row.last_archived_wal,
    lastArchivedAt: row.last_archived_time?.toISOString() ?? null,
    lastFailedWal: row.last_failed_wal,
    lastFailedAt: row.last_failed_time?.toISOString() ?? null,
    failing: failedAt > archivedAt,
    readyCount: primary.readyCount,
  };
}

/** The registered node the standby's WAL receiver is connected to, matched by host and port. */
function upstreamFromReceiver(receiver: StandbyReading["receiver"], readings: TickReadings): string | null {
  if (!receiver?.sender_host || !receiver.sender_port) return null;
  const nodes = [readings.primary, ...readings.standbys];
  return (
    nodes.find((node) => node.host === receiver.sender_host && node.port === receiver.sender_port)?.name ??
    null
  );
}

/** How far the standby's upstream has got: the primary's LSN, or a cascading upstream's received position. */
function upstreamPosition(
  upstream: string | null,
  readings: TickReadings,
  primaryLsn: string | null,
): string | null {
  if (!upstream || upstream === readings.primary.name) return primaryLsn;
  const node = readings.standbys.find((standby) => standby.name === upstream);
  if (!node?.reading.ok) return null;
  const position = node.reading.data.position;
  return maxLsn(position?.receive_lsn ?? null, node.reading.data.receiver?.flushed_lsn ?? null);
}
