// Over 400 lines: one scenario per test (timelines, gaps, backups, commit walks), each with its archive written out.
import { describe, expect, it } from "vitest";
import {
  commitWalks,
  computeRestoreWindow,
  type BackupInput,
  type CommitLookup,
  type WindowInput,
} from "./compute-window";
import { parseHistoryFile, walFileName, type TimelineHistoryEntry, type WalSegmentId } from "./segments";
import type { SegmentCommits } from "./waldump";

const SIZE = 16 * 1024 * 1024;
const wal = (timeline: number, segno: number) => walFileName(timeline, segno, SIZE);
const segs = (timeline: number, ...segnos: number[]): WalSegmentId[] =>
  segnos.map((segno) => ({ name: wal(timeline, segno), timeline, segno }));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Commit records of a segment: `times` are minutes after 10:00 on 2026-11-26, in order. */
function commitsIn(timeline: number, segno: number, ...minutes: number[]): [string, SegmentCommits] {
  const record = (minute: number, i: number) => ({
    xid: segno * 100 + i,
    lsn: `0/${(segno * 0x1000000 + 0x100 * (i + 1)).toString(16).toUpperCase().padStart(8, "0")}`,
    time: at(minute),
  });
  return [
    wal(timeline, segno),
    {
      count: minutes.length,
      first: minutes.length ? record(minutes[0]!, 0) : null,
      last: minutes.length ? record(minutes.at(-1)!, minutes.length - 1) : null,
      unreadableTimes: 0,
    },
  ];
}
const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 10, minute)).toISOString();

function backup(
  id: string,
  startSeg: number,
  stopSeg: number,
  finishedMinute: number,
  timeline = 1,
): BackupInput {
  return {
    id,
    label: `label-${id}`,
    startLsn: `0/${(startSeg * 0x1000000 + 0x28).toString(16).toUpperCase()}`,
    stopLsn: `0/${(stopSeg * 0x1000000 + 0x100).toString(16).toUpperCase()}`,
    timeline,
    startWal: wal(timeline, startSeg),
    stopWal: wal(timeline, stopSeg),
    finishedAt: new Date(at(finishedMinute)),
  };
}

/** Runs the walks as restore-window.ts does (stopping at the first hit) against a fixed set of segments. */
function compute(input: WindowInput, known: Map<string, CommitLookup>) {
  const commits = new Map<string, CommitLookup>();
  const empty: SegmentCommits = { count: 0, first: null, last: null, unreadableTimes: 0 };
  for (const walk of commitWalks(input)) {
    for (const name of walk.segments) {
      const lookup = known.get(name) ?? empty;
      commits.set(name, lookup);
      if ("count" in lookup && (walk.want === "first" ? lookup.first : lookup.last)) break;
    }
  }
  return { result: computeRestoreWindow({ ...input, commits }), read: commits };
}

const noHistory = new Map<number, TimelineHistoryEntry[]>();

describe("computeRestoreWindow", () => {
  it("has no window without backups, and says why", () => {
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: segs(1, ...range(1, 5)),
      histories: noHistory,
      backups: [],
    };
    const { result } = compute(input, new Map([commitsIn(1, 5, 30)]));
    expect(result.earliest).toBeNull();
    expect(result.latest).toBeNull();
    expect(result.ranges).toEqual([]);
    expect(result.backups).toEqual([]);
    expect(result.gaps).toEqual([]);
    expect(result.problems[0]).toMatch(/no succeeded physical backup/);
    expect(result.timelines).toEqual([
      {
        timeline: 1,
        parent: null,
        switchLsn: null,
        reason: null,
        hasHistoryFile: false,
        firstWal: wal(1, 1),
        lastWal: wal(1, 5),
        segments: 5,
      },
    ]);
  });

  it("runs from the backup's stop time to the last archived commit", () => {
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: segs(1, ...range(1, 8)),
      histories: noHistory,
      backups: [backup("b1", 2, 3, 5)],
    };
    // Segment 8 holds no commit (a switch right after a checkpoint): the walk goes back to 7.
    const { result, read } = compute(input, new Map([commitsIn(1, 3, 4), commitsIn(1, 7, 40, 41, 42)]));
    expect(result.earliest).toBe("2026-11-26T10:05:00.000Z");
    expect(result.latest).toBe("2026-11-26T10:42:00.000Z");
    expect(result.ranges).toEqual([
      {
        from: "2026-11-26T10:05:00.000Z",
        to: "2026-11-26T10:42:00.000Z",
        timeline: 1,
        fromBackupId: "b1",
        backupIds: ["b1"],
        fromWal: wal(1, 2),
        toWal: wal(1, 8),
        lastCommit: { xid: 702, lsn: "0/07000300", time: "2026-11-26T10:42:00.000Z" },
      },
    ]);
    expect([...read.keys()]).toEqual([wal(1, 8), wal(1, 7)]);
    expect(result.backups[0]).toMatchObject({
      id: "b1",
      walComplete: true,
      restorableFrom: "2026-11-26T10:05:00.000Z",
      restorableTo: "2026-11-26T10:42:00.000Z",
      targetTimeline: 1,
      missingWal: [],
    });
    expect(result.problems).toEqual([]);
  });

  it("does not offer a backup whose verification failed: the window starts at the next good one", () => {
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: segs(1, ...range(2, 8)),
      histories: noHistory,
      backups: [
        { ...backup("bad", 2, 2, 5), verificationFailedAt: new Date(at(50)) },
        backup("good", 4, 4, 20),
      ],
    };
    const { result } = compute(input, new Map([commitsIn(1, 8, 42)]));
    expect(result.earliest).toBe(at(20));
    expect(result.latest).toBe(at(42));
    expect(result.ranges.map((r) => [r.fromBackupId, r.backupIds, r.fromWal])).toEqual([
      ["good", ["good"], wal(1, 4)],
    ]);
    expect(result.backups[0]).toMatchObject({
      id: "bad",
      walComplete: true,
      restorableFrom: null,
      restorableTo: null,
      verificationFailedAt: at(50),
    });
    expect(result.backups[1]).not.toHaveProperty("verificationFailedAt");
    expect(result.problems).toEqual([
      `Backup "label-bad" (bad) is not restorable: its verification failed (${at(50)}).`,
    ]);
  });

  it("has no window when the only backup failed verification", () => {
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: segs(1, ...range(2, 8)),
      histories: noHistory,
      backups: [{ ...backup("bad", 2, 2, 5), verificationFailedAt: new Date(at(50)) }],
    };
    const { result, read } = compute(input, new Map([commitsIn(1, 8, 42)]));
    expect(result).toMatchObject({ earliest: null, latest: null, ranges: [] });
    expect(result.problems[0]).toBe("No backup is restorable to a point in time; see the problems below.");
    expect(read.size).toBe(0);
  });

  it("does not offer a backup whose own WAL is missing", () => {
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: segs(1, 1, 2, 4, 5),
      histories: noHistory,
      backups: [backup("b1", 2, 3, 5)],
    };
    const { result } = compute(input, new Map([commitsIn(1, 2, 1), commitsIn(1, 4, 20)]));
    expect(result.earliest).toBeNull();
    expect(result.latest).toBeNull();
    expect(result.ranges).toEqual([]);
    expect(result.backups[0]).toMatchObject({
      walComplete: false,
      restorableFrom: null,
      restorableTo: null,
      missingWal: [wal(1, 3)],
    });
    expect(result.problems).toEqual([
      "No backup is restorable to a point in time; see the problems below.",
      `Backup "label-b1" (b1) is not restorable: its own WAL segment ${wal(1, 3)} is missing from the archive.`,
    ]);
    // The hole is a gap too, with the commit times around it.
    expect(result.gaps).toEqual([
      {
        timeline: 1,
        fromWal: wal(1, 3),
        toWal: wal(1, 3),
        fromLsn: "0/03000000",
        toLsn: "0/04000000",
        segments: 1,
        from: at(1),
        to: at(20),
      },
    ]);
  });

  it("also refuses a backup that predates the archive, or has no WAL position", () => {
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: segs(1, ...range(5, 9)),
      histories: noHistory,
      backups: [
        backup("old", 1, 2, 1),
        { ...backup("blank", 6, 6, 2), startLsn: null, stopLsn: null, startWal: null, stopWal: null },
      ],
    };
    const { result } = compute(input, new Map([commitsIn(1, 9, 50)]));
    expect(result.earliest).toBeNull();
    expect(result.backups.find((b) => b.id === "old")).toMatchObject({ missingWal: [wal(1, 1), wal(1, 2)] });
    expect(result.problems.join("\n")).toMatch(
      /"label-old" \(old\) is not restorable: its own WAL 2 segments/,
    );
    expect(result.problems.join("\n")).toMatch(
      /"label-blank" \(blank\) is not restorable: the catalog has no start\/stop/,
    );
  });

  it("cuts the window at a gap: latest is the last commit before it", () => {
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: segs(1, 1, 2, 3, 4, 5, 7, 8, 9, 10),
      histories: noHistory,
      backups: [backup("b1", 2, 2, 3)],
    };
    const { result } = compute(
      input,
      new Map([commitsIn(1, 2, 1, 2), commitsIn(1, 5, 20, 25), commitsIn(1, 7, 30), commitsIn(1, 10, 59)]),
    );
    expect(result.earliest).toBe(at(3));
    expect(result.latest).toBe(at(25));
    expect(result.ranges).toHaveLength(1);
    expect(result.ranges[0]).toMatchObject({ toWal: wal(1, 5), to: at(25) });
    expect(result.gaps).toEqual([
      {
        timeline: 1,
        fromWal: wal(1, 6),
        toWal: wal(1, 6),
        fromLsn: "0/06000000",
        toLsn: "0/07000000",
        segments: 1,
        from: at(25),
        to: at(30),
      },
    ]);
    expect(result.problems).toEqual([
      `WAL ${wal(1, 6)} is missing from the archive: the window from Backup "label-b1" (b1) ends at the last commit before it; only a backup taken after the gap can restore later times.`,
    ]);
  });

  it("has two pieces when a newer backup starts after the gap", () => {
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: segs(1, 1, 2, 3, 4, 5, 7, 8, 9, 10),
      histories: noHistory,
      backups: [backup("after", 8, 8, 40), backup("before", 2, 2, 3), backup("before2", 4, 4, 15)],
    };
    const { result } = compute(
      input,
      new Map([commitsIn(1, 5, 20, 25), commitsIn(1, 7, 30), commitsIn(1, 10, 59)]),
    );
    expect(result.earliest).toBe(at(3));
    expect(result.latest).toBe(at(59));
    expect(result.ranges.map((r) => [r.from, r.to, r.fromBackupId, r.backupIds])).toEqual([
      [at(3), at(25), "before", ["before", "before2"]],
      [at(40), at(59), "after", ["after"]],
    ]);
    // Oldest first, each with the piece it restores into.
    expect(result.backups.map((b) => [b.id, b.restorableFrom, b.restorableTo])).toEqual([
      ["before", at(3), at(25)],
      ["before2", at(15), at(25)],
      ["after", at(40), at(59)],
    ]);
    expect(result.gaps.map((gap) => [gap.fromWal, gap.from, gap.to])).toEqual([[wal(1, 6), at(25), at(30)]]);
  });

  it("follows a promotion into the new timeline (history file)", () => {
    // Promoted at 0/5000060: the new timeline's copy of segment 5 starts with timeline 1's records.
    // The old primary went on writing timeline 1 (segments 6, 7): not on the path, never read.
    const histories = new Map([[2, parseHistoryFile("1\t0/5000060\tno recovery target specified\n")]]);
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: [...segs(1, ...range(1, 7)), ...segs(2, ...range(5, 9))],
      histories,
      backups: [backup("tl1", 2, 2, 3), backup("tl2", 7, 7, 45, 2)],
    };
    const known = new Map([commitsIn(1, 7, 58), commitsIn(2, 9, 50, 55), commitsIn(2, 5, 12)]);
    const { result, read } = compute(input, known);
    expect(result.ranges).toEqual([
      expect.objectContaining({
        from: at(3),
        to: at(55),
        timeline: 2,
        backupIds: ["tl1", "tl2"],
        fromWal: wal(1, 2),
        toWal: wal(2, 9),
      }),
    ]);
    expect(result.latest).toBe(at(55));
    expect(read.has(wal(1, 7))).toBe(false);
    expect(result.gaps).toEqual([]);
    expect(result.timelines.map((t) => [t.timeline, t.parent, t.switchLsn, t.firstWal, t.lastWal])).toEqual([
      [1, null, null, wal(1, 1), wal(1, 7)],
      [2, 1, "0/05000060", wal(2, 5), wal(2, 9)],
    ]);
    expect(result.backups.map((b) => b.targetTimeline)).toEqual([2, 2]);
    expect(result.problems).toEqual([]);
  });

  it("follows a switchover and then a failover (two history files) to the newest timeline", () => {
    // As an HA manager leaves it: switchover at 0/5000060 (timeline 2), failover at 0/8000028
    // (timeline 3). The crashed leader had archived timeline 2 past the failover (segments 8, 9):
    // writes the new leader never saw, not on the path, never read.
    const histories = new Map([
      [2, parseHistoryFile("1\t0/5000060\tno recovery target specified\n")],
      [
        3,
        parseHistoryFile(
          "1\t0/5000060\tno recovery target specified\n2\t0/8000028\tno recovery target specified\n",
        ),
      ],
    ]);
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: [...segs(1, ...range(1, 4)), ...segs(2, ...range(5, 9)), ...segs(3, ...range(8, 11))],
      histories,
      backups: [backup("tl1", 2, 2, 3), backup("tl2", 6, 6, 20, 2)],
    };
    const known = new Map([commitsIn(2, 9, 45), commitsIn(3, 11, 48, 50)]);
    const { result, read } = compute(input, known);
    expect(result.ranges).toEqual([
      expect.objectContaining({
        from: at(3),
        to: at(50),
        timeline: 3,
        backupIds: ["tl1", "tl2"],
        fromWal: wal(1, 2),
        toWal: wal(3, 11),
      }),
    ]);
    expect(read.has(wal(2, 9))).toBe(false);
    expect(result.gaps).toEqual([]);
    expect(result.backups.map((b) => [b.id, b.timeline, b.targetTimeline, b.walComplete])).toEqual([
      ["tl1", 1, 3, true],
      ["tl2", 2, 3, true],
    ]);
    expect(result.timelines.map((t) => [t.timeline, t.parent, t.switchLsn, t.hasHistoryFile])).toEqual([
      [1, null, null, false],
      [2, 1, "0/05000060", true],
      [3, 2, "0/08000028", true],
    ]);
    expect(result.problems).toEqual([]);
  });

  it("keeps a backup of the old primary taken after the switch on its own timeline", () => {
    const histories = new Map([[2, parseHistoryFile("1\t0/5000060\tno recovery target specified\n")]]);
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: [...segs(1, ...range(1, 9)), ...segs(2, ...range(5, 6))],
      histories,
      backups: [backup("stray", 7, 7, 30)],
    };
    const { result } = compute(input, new Map([commitsIn(1, 9, 40), commitsIn(2, 6, 35)]));
    expect(result.ranges).toEqual([expect.objectContaining({ timeline: 1, from: at(30), to: at(40) })]);
  });

  it("sees a missing switch segment of the new timeline as a gap on the recovery path", () => {
    const histories = new Map([[2, parseHistoryFile("1\t0/5000060\tpromoted\n")]]);
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: [...segs(1, ...range(1, 5)), ...segs(2, 6, 7)],
      histories,
      backups: [backup("b", 2, 2, 3)],
    };
    const { result } = compute(
      input,
      new Map([commitsIn(1, 4, 10), commitsIn(2, 6, 20), commitsIn(2, 7, 30)]),
    );
    // Timeline 1's own segment 5 is there, but past 0/5000060 it holds the wrong history.
    expect(result.gaps).toEqual([
      expect.objectContaining({
        timeline: 2,
        fromWal: wal(2, 5),
        toWal: wal(2, 5),
        from: at(10),
        to: at(20),
      }),
    ]);
    expect(result.ranges).toEqual([expect.objectContaining({ timeline: 2, toWal: wal(1, 4), to: at(10) })]);
  });

  it("flags a timeline without a history file", () => {
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: [...segs(1, 1, 2), ...segs(3, 2, 3)],
      histories: noHistory,
      backups: [],
    };
    const { result } = compute(input, new Map());
    expect(result.problems).toContain(
      "Timeline 3 has archived segments but no 00000003.history file: where it branched off is unknown, so a restore can use it only from its own backups.",
    );
  });

  it("drops a piece with no commit archived after its backup finished", () => {
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: segs(1, 1, 2, 3),
      histories: noHistory,
      backups: [backup("b1", 2, 3, 30)],
    };
    const { result } = compute(input, new Map([commitsIn(1, 3, 29)]));
    expect(result.earliest).toBeNull();
    expect(result.ranges).toEqual([]);
    expect(result.backups[0]).toMatchObject({ walComplete: true, restorableFrom: null });
    expect(result.problems.join("\n")).toMatch(/needs a commit archived after the target/);
  });

  it("keeps the piece with an unknown end when no commit is found within the walk limit", () => {
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: segs(1, ...range(1, 30)),
      histories: noHistory,
      backups: [backup("b1", 2, 2, 3)],
      maxWalk: 4,
    };
    const { result, read } = compute(input, new Map([commitsIn(1, 20, 50)]));
    expect(read.size).toBe(4);
    expect(result.earliest).toBe(at(3));
    expect(result.latest).toBeNull();
    expect(result.ranges[0]).toMatchObject({ to: null, lastCommit: null });
    expect(result.problems).toEqual([
      `The end of the window from Backup "label-b1" (b1) is unknown: no commit found in 4 segments ${wal(1, 30)} … ${wal(1, 27)}.`,
    ]);
  });

  it("reports segments pg_waldump could not read", () => {
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: segs(1, 1, 2),
      histories: noHistory,
      backups: [backup("b1", 1, 1, 3)],
    };
    const failure = {
      error: "pg_waldump could not read 000000010000000000000002: invalid magic number D113",
    };
    const result = computeRestoreWindow({
      ...input,
      commits: new Map<string, CommitLookup>([
        [wal(1, 2), failure],
        [wal(1, 1), failure],
      ]),
    });
    expect(result.latest).toBeNull();
    expect(result.problems[0]).toMatch(/could not be read \(pg_waldump could not read .*magic number/);
  });

  it("asks for the walks in order: window ends first, then both sides of each gap", () => {
    const input: WindowInput = {
      segmentSize: SIZE,
      segments: segs(1, 1, 2, 3, 5, 6),
      histories: noHistory,
      backups: [backup("b1", 1, 1, 3)],
      maxWalk: 2,
    };
    expect(commitWalks(input)).toEqual([
      { purpose: "latest", want: "last", segments: [wal(1, 3), wal(1, 2)] },
      { purpose: "before-gap", want: "last", segments: [wal(1, 3), wal(1, 2)] },
      { purpose: "after-gap", want: "first", segments: [wal(1, 5), wal(1, 6)] },
    ]);
  });
});
