import { describe, expect, it } from "vitest";
import type { StatReplicationRow } from "@/lib/pg/replication-sql";
import { formatLsn } from "@/lib/replication/lsn";
import type { PrimaryReading, Reading, StandbyReading, TickReadings } from "@/lib/replication/readings";
import { ClusterTracker } from "@/lib/replication/tracker";

const MiB = 1024 * 1024;
const lsn = (bytes: number) => formatLsn(BigInt(bytes));
const identity = (inRecovery: boolean) => ({
  in_recovery: inRecovery,
  server_version_num: 150004,
  max_slot_wal_keep_size: "-1",
});

function statRow(name: string, bytes: number, state = "streaming"): StatReplicationRow {
  return {
    application_name: name,
    client_addr: "127.0.0.1",
    state,
    sync_state: "async",
    sent_lsn: lsn(bytes),
    write_lsn: lsn(bytes),
    flush_lsn: lsn(bytes),
    replay_lsn: lsn(bytes),
    write_lag: null,
    flush_lag: null,
    replay_lag: null,
    backend_start: null,
    reply_time: null,
  };
}

function primary(
  bytes: number,
  replication: StatReplicationRow[],
  archiver?: Partial<PrimaryReading["archiver"]>,
): Reading<PrimaryReading> {
  return {
    ok: true,
    data: {
      identity: identity(false),
      position: { current_lsn: lsn(bytes), timeline: 1 },
      replication,
      slots: [],
      archiver: {
        archived_count: "10",
        failed_count: "0",
        last_archived_wal: "000000010000000000000009",
        last_archived_time: new Date("2026-11-26T10:00:00Z"),
        last_failed_wal: null,
        last_failed_time: null,
        ...archiver,
      },
      readyCount: 0,
      recoveryEndLsn: null,
    },
  };
}

function standby(
  receive: number,
  replay: number,
  options: {
    paused?: boolean;
    receiver?: string | null;
    replication?: StatReplicationRow[];
    inRecovery?: boolean;
  } = {},
): Reading<StandbyReading> {
  const receiverStatus = options.receiver === undefined ? "streaming" : options.receiver;
  return {
    ok: true,
    data: {
      identity: identity(options.inRecovery ?? true),
      position:
        options.inRecovery === false
          ? null
          : {
              receive_lsn: lsn(receive),
              replay_lsn: lsn(replay),
              last_replay_at: null,
              pause_state: options.paused ? "paused" : "not paused",
            },
      receiver: receiverStatus
        ? {
            status: receiverStatus,
            received_tli: 1,
            flushed_lsn: lsn(receive),
            latest_end_lsn: lsn(receive),
            last_msg_receipt_time: null,
            sender_host: "127.0.0.1",
            sender_port: 5432,
            slot_name: null,
          }
        : null,
      replication: options.replication ?? [],
      slots: [],
      conflicts: 0,
      timeline: 1,
    },
  };
}

const down: Reading<StandbyReading> = { ok: false, error: "connection refused" };

function tick(
  seconds: number,
  primaryReading: Reading<PrimaryReading>,
  standbys: Record<string, Reading<StandbyReading>>,
): TickReadings {
  return {
    at: new Date(Date.UTC(2026, 10, 26, 12, 0, seconds)),
    primary: { name: "primary", host: "127.0.0.1", port: 5432, reading: primaryReading },
    standbys: Object.entries(standbys).map(([name, reading], index) => ({
      name,
      host: "127.0.0.1",
      port: 5433 + index,
      reading,
    })),
  };
}

describe("ClusterTracker", () => {
  it("reports a caught-up standby as streaming with zero lag, also on an idle primary", () => {
    const tracker = new ClusterTracker("c", 1);
    for (let second = 0; second <= 30; second += 1) {
      const result = tracker.tick(
        tick(second, primary(MiB, [statRow("s1", MiB)]), { s1: standby(MiB, MiB) }),
      );
      const s1 = result.snapshot.standbys[0]!;
      expect(s1.state).toBe("streaming");
      expect(s1.lagBytes.replay).toBe(0);
      expect(s1.lagSeconds.replay).toBe(0);
    }
  });

  it("shows a paused standby with byte lag, and replay seconds that grow even if the primary goes idle", () => {
    const tracker = new ClusterTracker("c", 1);
    tracker.tick(tick(0, primary(MiB, [statRow("s1", MiB)]), { s1: standby(MiB, MiB) }));
    const paused = tracker.tick(
      tick(1, primary(21 * MiB, [statRow("s1", 21 * MiB)]), { s1: standby(21 * MiB, MiB, { paused: true }) }),
    );
    const s1 = paused.snapshot.standbys[0]!;
    expect(s1.state).toBe("paused");
    expect(s1.replayPaused).toBe(true);
    expect(s1.lagBytes.replay).toBe(20 * MiB);
    expect(s1.lagBytes.flush).toBe(0);
    expect(paused.events).toEqual([
      expect.objectContaining({ node: "s1", kind: "state_change", from: "streaming", to: "paused" }),
    ]);

    const later = tracker.tick(
      tick(31, primary(21 * MiB, [statRow("s1", 21 * MiB)]), {
        s1: standby(21 * MiB, MiB, { paused: true }),
      }),
    );
    expect(later.snapshot.standbys[0]!.lagSeconds.replay).toBeGreaterThanOrEqual(30);
    expect(later.snapshot.standbys[0]!.lagSeconds.flush).toBe(0);
  });

  it("goes back to streaming after resume and clears the lag", () => {
    const tracker = new ClusterTracker("c", 1);
    tracker.tick(tick(0, primary(21 * MiB, []), { s1: standby(21 * MiB, MiB, { paused: true }) }));
    const resumed = tracker.tick(
      tick(2, primary(21 * MiB, [statRow("s1", 21 * MiB)]), { s1: standby(21 * MiB, 21 * MiB) }),
    );
    expect(resumed.snapshot.standbys[0]!.state).toBe("streaming");
    expect(resumed.snapshot.standbys[0]!.lagBytes.replay).toBe(0);
    expect(resumed.snapshot.standbys[0]!.lagSeconds.replay).toBe(0);
  });

  it("marks an unreachable standby missing from pg_stat_replication as disconnected, its lag never 0 and growing", () => {
    const tracker = new ClusterTracker("c", 1);
    tracker.tick(tick(0, primary(MiB, [statRow("s1", MiB)]), { s1: standby(MiB, MiB) }));
    const first = tracker.tick(tick(1, primary(MiB, []), { s1: down }));
    const s1 = first.snapshot.standbys[0]!;
    expect(s1.state).toBe("disconnected");
    expect(s1.reachable).toBe(false);
    expect(s1.error).toBe("connection refused");
    expect(s1.replayLsn).toBe(lsn(MiB));
    expect(first.events.map((event) => event.kind).sort()).toEqual(["node_unreachable", "state_change"]);

    const later = tracker.tick(tick(11, primary(MiB, []), { s1: down }));
    expect(later.snapshot.standbys[0]!.lagSeconds.replay).toBeGreaterThanOrEqual(10);
    expect(later.snapshot.standbys[0]!.lagSeconds.write).toBeGreaterThanOrEqual(10);
  });

  it("keeps a standby streaming when only Walden's own connection to it fails", () => {
    const tracker = new ClusterTracker("c", 1);
    const result = tracker.tick(tick(0, primary(MiB, [statRow("s1", MiB)]), { s1: down }));
    expect(result.snapshot.standbys[0]).toMatchObject({
      state: "streaming",
      reachable: false,
      upstream: "primary",
    });
  });

  it("calls a reachable standby whose receiver is down disconnected", () => {
    const tracker = new ClusterTracker("c", 1);
    const result = tracker.tick(tick(0, primary(2 * MiB, []), { s1: standby(MiB, MiB, { receiver: null }) }));
    expect(result.snapshot.standbys[0]).toMatchObject({
      state: "disconnected",
      reachable: true,
      reason: "WAL receiver is not running",
    });
    expect(result.snapshot.standbys[0]!.lagBytes.replay).toBe(MiB);
  });

  it("detects replay that stopped with WAL waiting as stalled after 10 s", () => {
    const tracker = new ClusterTracker("c", 1);
    let state = "";
    for (let second = 0; second <= 12; second += 1) {
      const result = tracker.tick(
        tick(second, primary(3 * MiB, [statRow("s1", 3 * MiB)]), { s1: standby(3 * MiB, 2 * MiB) }),
      );
      state = result.snapshot.standbys[0]!.state;
      if (second < 10) expect(state).toBe("streaming");
    }
    expect(state).toBe("stalled");
  });

  it("calls a standby far behind catching_up", () => {
    const tracker = new ClusterTracker("c", 1);
    const result = tracker.tick(
      tick(0, primary(100 * MiB, [statRow("s1", 50 * MiB, "catchup")]), { s1: standby(50 * MiB, 50 * MiB) }),
    );
    expect(result.snapshot.standbys[0]!.state).toBe("catching_up");
  });

  it("finds a cascading standby's upstream and measures it against the primary", () => {
    const tracker = new ClusterTracker("c", 1);
    const result = tracker.tick(
      tick(0, primary(10 * MiB, [statRow("s1", 10 * MiB)]), {
        s1: standby(10 * MiB, 10 * MiB, { replication: [statRow("s2", 9 * MiB)] }),
        s2: standby(9 * MiB, 9 * MiB),
      }),
    );
    const [s1, s2] = result.snapshot.standbys;
    expect(s1!.upstream).toBe("primary");
    expect(s2!.upstream).toBe("s1");
    expect(s2!.lagBytes.replay).toBe(MiB);
  });

  it("records a promotion as a role change", () => {
    const tracker = new ClusterTracker("c", 1);
    tracker.tick(tick(0, primary(MiB, [statRow("s1", MiB)]), { s1: standby(MiB, MiB) }));
    const result = tracker.tick(
      tick(1, primary(MiB, []), { s1: standby(MiB, MiB, { inRecovery: false, receiver: null }) }),
    );
    expect(result.snapshot.standbys[0]!.reason).toMatch(/promoted/);
    expect(result.events).toContainEqual(
      expect.objectContaining({ kind: "role_change", node: "s1", from: "standby", to: "primary" }),
    );
  });

  it("names the old primary as this tick reads it: stopped in the same second as the promotion is unreachable", () => {
    const tracker = new ClusterTracker("c", 1);
    tracker.tick(tick(0, primary(MiB, [statRow("s1", MiB)]), { s1: standby(MiB, MiB) }));
    // The tick before saw the primary writable; this one finds s1 writable and the primary down.
    const promoted = primary(2 * MiB, []);
    if (!promoted.ok) throw new Error("fixture");
    promoted.data.position = { current_lsn: lsn(2 * MiB), timeline: 2 };
    promoted.data.recoveryEndLsn = lsn(MiB);
    const readings = tick(1, promoted, { primary: down });
    const moved = tracker.tick({ ...readings, primary: { ...readings.primary, name: "s1" } });
    expect(moved.events.find((event) => event.kind === "role_change")!.message).toBe(
      `s1 is the primary now on timeline 2 from ${lsn(MiB)}; primary was unreachable`,
    );
  });

  it("follows a failover: the promoted node as primary with its new timeline, the old one back as a standby", () => {
    const tracker = new ClusterTracker("c", 1);
    const at = (
      seconds: number,
      primaryName: string,
      primaryReading: Reading<PrimaryReading>,
      others: Record<string, Reading<StandbyReading>>,
    ): TickReadings => {
      const readings = tick(seconds, primaryReading, others);
      return { ...readings, primary: { ...readings.primary, name: primaryName } };
    };
    tracker.tick(at(0, "primary", primary(MiB, [statRow("s1", MiB)]), { s1: standby(MiB, MiB) }));
    tracker.tick(
      at(
        1,
        "primary",
        { ok: false, error: "connection refused" },
        { s1: standby(MiB, MiB, { receiver: null }) },
      ),
    );
    // The sampler now passes s1, writable on timeline 2 since 0/100000, as the primary.
    const promoted = primary(2 * MiB, []);
    if (!promoted.ok) throw new Error("fixture");
    promoted.data.position = { current_lsn: lsn(2 * MiB), timeline: 2 };
    promoted.data.recoveryEndLsn = lsn(MiB);
    const moved = tracker.tick(at(2, "s1", promoted, { primary: down }));
    expect(moved.snapshot.primary).toMatchObject({ name: "s1", timeline: 2, reachable: true });
    expect(moved.events).toContainEqual(
      expect.objectContaining({ kind: "role_change", node: "s1", from: "standby", to: "primary" }),
    );
    expect(moved.events.find((event) => event.kind === "role_change")!.message).toBe(
      `s1 is the primary now on timeline 2 from ${lsn(MiB)}; primary was unreachable`,
    );
    expect(moved.events).toContainEqual(
      expect.objectContaining({ kind: "timeline_change", node: "s1", from: "1", to: "2" }),
    );
    expect(moved.snapshot.standbys.map((standby) => [standby.name, standby.state])).toEqual([
      ["primary", "disconnected"],
    ]);

    // Rewound and restarted as a standby of s1: one event, and streaming.
    const rejoinedPrimary = primary(2 * MiB, [statRow("primary", 2 * MiB)]);
    if (!rejoinedPrimary.ok) throw new Error("fixture");
    rejoinedPrimary.data.position = { current_lsn: lsn(2 * MiB), timeline: 2 };
    const rejoined = tracker.tick(at(3, "s1", rejoinedPrimary, { primary: standby(2 * MiB, 2 * MiB) }));
    expect(rejoined.events).toContainEqual(
      expect.objectContaining({ kind: "role_change", node: "primary", from: "primary", to: "standby" }),
    );
    expect(rejoined.snapshot.standbys[0]).toMatchObject({
      name: "primary",
      state: "streaming",
      upstream: "s1",
    });
    const later = tracker.tick(at(4, "s1", rejoinedPrimary, { primary: standby(2 * MiB, 2 * MiB) }));
    expect(later.events.filter((event) => event.kind === "role_change")).toEqual([]);
  });

  it("flags the archiver as failing when the last failure is newer than the last success", () => {
    const tracker = new ClusterTracker("c", 1);
    const ok = tracker.tick(tick(0, primary(MiB, []), {}));
    expect(ok.snapshot.archiver?.failing).toBe(false);
    const failing = tracker.tick(
      tick(
        1,
        primary(MiB, [], {
          failed_count: "3",
          last_failed_wal: "00000001000000000000000A",
          last_failed_time: new Date("2026-11-26T10:05:00Z"),
        }),
        {},
      ),
    );
    expect(failing.snapshot.archiver).toMatchObject({
      failing: true,
      failedCount: 3,
      lastFailedWal: "00000001000000000000000A",
    });
  });

  it("writes one sample per standby per tick", () => {
    const tracker = new ClusterTracker("c", 1);
    const result = tracker.tick(
      tick(0, primary(2 * MiB, [statRow("s1", MiB)]), { s1: standby(MiB, MiB), s2: down }),
    );
    expect(result.samples.map((sample) => [sample.standby, sample.state, sample.replayBytes])).toEqual([
      ["s1", "streaming", MiB],
      ["s2", "disconnected", null],
    ]);
  });
});
