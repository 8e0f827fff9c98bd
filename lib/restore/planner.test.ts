import { describe, expect, it } from "vitest";
import { AppError, toErrorBody } from "@/lib/errors";
import type { WindowComputation } from "@/lib/wal/compute-window";
import { formatBytes, planRestore, type PlanInput } from "./planner";
import { timelineSteps } from "./planner-timelines";

// Two backups on timeline 1, a range from each, and a gap of WAL between them:
//   backup A ends 10:00 (0/3000100), WAL to 0/5FFFFFF, last commit 10:30 at 0/5000200
//   gap 000000010000000000000006 (commits 10:30 … 11:10 unreadable around it)
//   backup B ends 11:00 (0/8000100), WAL to 0/AFFFFFF, last commit 12:00 at 0/A000300
const MiB = 1024 * 1024;
const window: WindowComputation = {
  earliest: "2026-11-26T10:00:00.000Z",
  latest: "2026-11-26T12:00:00.000Z",
  ranges: [
    {
      from: "2026-11-26T10:00:00.000Z",
      to: "2026-11-26T10:30:00.000Z",
      timeline: 1,
      fromBackupId: "a",
      backupIds: ["a"],
      fromWal: "000000010000000000000003",
      toWal: "000000010000000000000005",
      lastCommit: { xid: 700, lsn: "0/5000200", time: "2026-11-26T10:30:00.000Z" },
    },
    {
      from: "2026-11-26T11:00:00.000Z",
      to: "2026-11-26T12:00:00.000Z",
      timeline: 1,
      fromBackupId: "b",
      backupIds: ["b"],
      fromWal: "000000010000000000000008",
      toWal: "00000001000000000000000A",
      lastCommit: { xid: 900, lsn: "0/A000300", time: "2026-11-26T12:00:00.000Z" },
    },
  ],
  timelines: [
    {
      timeline: 1,
      parent: null,
      switchLsn: null,
      reason: null,
      hasHistoryFile: false,
      firstWal: null,
      lastWal: null,
      segments: 8,
    },
    {
      timeline: 2,
      parent: 1,
      switchLsn: "0/9000000",
      reason: "promoted",
      hasHistoryFile: true,
      firstWal: null,
      lastWal: null,
      segments: 1,
    },
  ],
  gaps: [
    {
      timeline: 1,
      fromWal: "000000010000000000000006",
      toWal: "000000010000000000000007",
      from: "2026-11-26T10:30:00.000Z",
      to: "2026-11-26T11:10:00.000Z",
    } as WindowComputation["gaps"][number],
  ],
  backups: [
    {
      id: "a",
      label: "nightly",
      startLsn: "0/3000028",
      stopLsn: "0/3000100",
      timeline: 1,
      startWal: "000000010000000000000003",
      stopWal: "000000010000000000000003",
      finishedAt: "2026-11-26T10:00:00.000Z",
      walComplete: true,
      restorableFrom: "2026-11-26T10:00:00.000Z",
      restorableTo: "2026-11-26T10:30:00.000Z",
      targetTimeline: 1,
      missingWal: [],
    },
    {
      id: "b",
      label: null,
      startLsn: "0/8000028",
      stopLsn: "0/8000100",
      timeline: 1,
      startWal: "000000010000000000000008",
      stopWal: "000000010000000000000008",
      finishedAt: "2026-11-26T11:00:00.000Z",
      walComplete: true,
      restorableFrom: "2026-11-26T11:00:00.000Z",
      restorableTo: "2026-11-26T12:00:00.000Z",
      targetTimeline: 1,
      missingWal: [],
    },
  ],
  problems: [],
};

const base: Omit<PlanInput, "target"> = {
  window,
  segmentSize: 16 * MiB,
  backupBytes: new Map([
    ["a", 150 * MiB],
    ["b", 300 * MiB],
  ]),
  rates: { extractBytesPerSecond: 150 * MiB, replayBytesPerSecond: 80 * MiB, startupSeconds: 5 },
};

function plan(input: Partial<PlanInput> & Pick<PlanInput, "target">) {
  return planRestore({ ...base, ...input });
}

describe("planRestore: time targets", () => {
  it("picks the newest backup that ends before the time, inside its range", () => {
    const result = plan({ target: { type: "time", value: "2026-11-26T11:30:00.000Z", inclusive: true } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan).toMatchObject({
      backupId: "b",
      fromLsn: "0/8000028",
      toTime: "2026-11-26T11:30:00.000Z",
      timeline: "1",
    });
    // From the start of B to the end of segment 0A: 0/8000028 … 0/B000000.
    expect(result.plan.walBytes).toBe(0xb000000 - 0x8000028);
    expect(result.plan.estimateSeconds).toBe(Math.ceil(5 + 2 + result.plan.walBytes / (80 * MiB)));
    expect(result.plan.summary).toMatch(/2026-11-26T11:30:00.000Z \(UTC\)/);
  });

  it("uses the older backup for a time before the newer one ends", () => {
    const result = plan({ target: { type: "time", value: "2026-11-26T10:15:00.000Z", inclusive: true } });
    expect(result.ok && result.plan.backupId).toBe("a");
  });

  it("refuses a time after the latest archived commit, with the window", () => {
    const result = plan({ target: { type: "time", value: "2026-11-26T12:00:01.000Z", inclusive: true } });
    expect(result).toMatchObject({
      ok: false,
      reason: "after_latest",
      window: { latest: window.latest, earliest: window.earliest },
    });
    expect(!result.ok && result.message).toMatch(
      /after the latest archived commit \(2026-11-26T12:00:00.000Z\)/,
    );
  });

  it("says the refusal in Korean for a Korean caller, the English exactly as before (issue 16)", () => {
    const value = "2026-11-26T12:00:01.000Z";
    const result = plan({ target: { type: "time", value, inclusive: true } });
    if (result.ok) throw new Error("expected a refusal");
    expect(result.message).toBe(
      `${value} is after the latest archived commit (${window.latest}): recovery would run out of WAL before reaching it. ` +
        "Pick a time up to the latest commit, or wait for newer WAL to be archived (select pg_switch_wal() on the primary closes the current segment).",
    );
    const error = new AppError("unprocessable_entity", result.message, undefined, result.localized);
    expect(toErrorBody(error, "ko").body.error.message).toBe(
      `${value}은(는) 마지막으로 아카이브된 커밋(${window.latest})보다 뒤입니다. 복구가 그 시점에 닿기 전에 WAL이 떨어집니다. ` +
        "마지막 커밋 이전 시각을 고르거나 새 WAL이 아카이브될 때까지 기다리세요(프라이머리에서 select pg_switch_wal()을 실행하면 현재 세그먼트가 닫힙니다).",
    );
    expect(toErrorBody(error, "en").body.error.message).toBe(result.message);
  });

  it("refuses a time before the earliest backup", () => {
    expect(
      plan({ target: { type: "time", value: "2026-11-26T09:59:59.000Z", inclusive: true } }),
    ).toMatchObject({
      ok: false,
      reason: "before_earliest",
    });
  });

  it("refuses a time inside the WAL gap, naming the missing segments", () => {
    const result = plan({ target: { type: "time", value: "2026-11-26T10:45:00.000Z", inclusive: true } });
    expect(result).toMatchObject({ ok: false, reason: "in_gap" });
    expect(!result.ok && result.message).toMatch(/000000010000000000000006 … 000000010000000000000007/);
  });

  it("refuses a time after a gap that no later backup covers", () => {
    const onlyA = { ...window, latest: "2026-11-26T10:30:00.000Z", ranges: [window.ranges[0]!] };
    const result = plan({
      window: onlyA,
      target: { type: "time", value: "2026-11-26T11:30:00.000Z", inclusive: true },
    });
    expect(result).toMatchObject({ ok: false, reason: "in_gap" });
    expect(!result.ok && result.message).toMatch(/Take a new base backup/);
  });

  it("honours a chosen backup that fits, and refuses one that does not", () => {
    const at = { type: "time" as const, value: "2026-11-26T11:30:00.000Z", inclusive: true };
    expect(plan({ target: at, backupId: "b" })).toMatchObject({ ok: true, plan: { backupId: "b" } });
    expect(plan({ target: at, backupId: "a" })).toMatchObject({ ok: false, reason: "backup_not_usable" });
    expect(plan({ target: at, backupId: "zzz" })).toMatchObject({ ok: false, reason: "backup_not_usable" });
  });
});

describe("planRestore: lsn, xid, name, immediate, latest", () => {
  it("plans an LSN inside a range and refuses one past the last commit", () => {
    expect(plan({ target: { type: "lsn", value: "0/9000000", inclusive: true } })).toMatchObject({
      ok: true,
      plan: { backupId: "b", toLsn: "0/9000000", walBytes: 0x9000000 - 0x8000028 },
    });
    expect(plan({ target: { type: "lsn", value: "0/A000301", inclusive: true } })).toMatchObject({
      ok: false,
      reason: "after_latest",
    });
    expect(plan({ target: { type: "lsn", value: "0/3000000", inclusive: true } })).toMatchObject({
      ok: false,
      reason: "before_earliest",
    });
    expect(plan({ target: { type: "lsn", value: "0/6800000", inclusive: true } })).toMatchObject({
      ok: false,
      reason: "in_gap",
    });
  });

  it("says an LSN-like target's refusal in the same English as before, and in Korean (issue 16)", () => {
    const says = (target: PlanInput["target"], record?: PlanInput["record"]) => {
      const result = plan({ target, record });
      if (result.ok) throw new Error("expected a refusal");
      const error = new AppError("unprocessable_entity", result.message, undefined, result.localized);
      return { en: result.message, ko: toErrorBody(error, "ko").body.error.message };
    };
    expect(says({ type: "lsn", value: "0/A000301", inclusive: true })).toEqual({
      en: "LSN 0/A000301 is after the latest archived commit (0/0A000300): recovery would run out of WAL before reaching it.",
      ko: "LSN 0/A000301은(는) 마지막으로 아카이브된 커밋(0/0A000300)보다 뒤입니다. 복구가 그 지점에 닿기 전에 WAL이 떨어집니다.",
    });
    expect(says({ type: "lsn", value: "0/3000000", inclusive: true }).en).toBe(
      "LSN 0/3000000 is before the end of the earliest restorable backup (0/03000100).",
    );
    expect(
      says(
        { type: "xid", value: "850", inclusive: true },
        { lsn: "0/6800000", time: "2026-11-26T10:40:00.000Z" },
      ),
    ).toEqual({
      en: `transaction 850 (at 0/6800000) falls in a gap of the WAL archive; the restorable window is ${window.earliest} … ${window.latest}.`,
      ko: `트랜잭션 850(0/6800000)은(는) WAL 아카이브의 공백에 있습니다. 복원 가능 범위는 ${window.earliest} … ${window.latest}입니다.`,
    });
    expect(says({ type: "name", value: "before-drop" }, { lsn: "0/A000400", time: null }).en).toBe(
      'restore point "before-drop" (at 0/A000400) is after the latest archived commit (0/0A000300): recovery would run out of WAL before reaching it.',
    );
  });

  it("plans an xid from the commit record the worker found, and refuses an unknown one", () => {
    const target = { type: "xid" as const, value: "850", inclusive: false };
    expect(plan({ target, record: { lsn: "0/9500000", time: "2026-11-26T11:40:00.000Z" } })).toMatchObject({
      ok: true,
      plan: { backupId: "b", toLsn: "0/9500000", toTime: "2026-11-26T11:40:00.000Z", target },
    });
    expect(plan({ target, record: null })).toMatchObject({ ok: false, reason: "unknown_xid" });
  });

  it("plans a named restore point and warns about duplicates", () => {
    const result = plan({
      target: { type: "name", value: "before-upgrade" },
      record: { lsn: "0/4000000", time: null, duplicates: 1 },
    });
    expect(result).toMatchObject({ ok: true, plan: { backupId: "a" } });
    expect(result.ok && result.plan.warnings.join()).toMatch(/1 other restore points/);
    expect(plan({ target: { type: "name", value: "x" }, record: null })).toMatchObject({
      ok: false,
      reason: "unknown_name",
    });
  });

  it("restores as soon as consistent from the newest complete backup, or the chosen one", () => {
    expect(plan({ target: { type: "immediate" } })).toMatchObject({
      ok: true,
      plan: { backupId: "b", toLsn: "0/8000100" },
    });
    expect(plan({ target: { type: "immediate" }, backupId: "a" })).toMatchObject({
      ok: true,
      plan: { backupId: "a", toLsn: "0/3000100" },
    });
  });

  it("restores to the latest commit of the newest range, following the latest timeline", () => {
    expect(plan({ target: { type: "latest" } })).toMatchObject({
      ok: true,
      plan: { backupId: "b", toLsn: "0/A000300", toTime: "2026-11-26T12:00:00.000Z", timeline: "latest" },
    });
  });
});

describe("planRestore: timelines", () => {
  const at = { type: "time" as const, value: "2026-11-26T11:30:00.000Z", inclusive: true };
  it("accepts a child timeline of the backup's and warns that coverage was checked elsewhere", () => {
    const result = plan({ target: at, timeline: 2 });
    expect(result).toMatchObject({ ok: true, plan: { timeline: "2", checkedTimeline: 1 } });
    expect(result.ok && result.plan.warnings.join()).toMatch(/checked along timeline 1/);
  });
  it("refuses a timeline that does not descend from the backup's", () => {
    expect(plan({ target: at, timeline: 7 })).toMatchObject({ ok: false, reason: "bad_timeline" });
  });
});

describe("planRestore: across a promotion", () => {
  // Backup A on timeline 1; standby promoted at 0/5000060 (timeline 2, history file archived);
  // the window runs on timeline 2 from A's end to 12:00.
  const promoted: WindowComputation = {
    ...window,
    ranges: [
      {
        ...window.ranges[0]!,
        to: "2026-11-26T12:00:00.000Z",
        timeline: 2,
        toWal: "000000020000000000000009",
        lastCommit: { xid: 900, lsn: "0/9000300", time: "2026-11-26T12:00:00.000Z" },
      },
    ],
    latest: "2026-11-26T12:00:00.000Z",
    gaps: [],
    timelines: [
      window.timelines[0]!,
      { ...window.timelines[1]!, switchLsn: "0/5000060", reason: "no recovery target specified" },
    ],
    backups: [{ ...window.backups[0]!, targetTimeline: 2, restorableTo: "2026-11-26T12:00:00.000Z" }],
  };
  const planOn = (target: PlanInput["target"], extra: Partial<PlanInput> = {}) =>
    plan({ window: promoted, target, ...extra });

  it("plans a time before the promotion and one after it on timeline 2, saying where replay crosses", () => {
    for (const value of ["2026-11-26T10:15:00.000Z", "2026-11-26T11:45:00.000Z"]) {
      const result = planOn({ type: "time", value, inclusive: true });
      expect(result).toMatchObject({ ok: true, plan: { backupId: "a", timeline: "2", checkedTimeline: 2 } });
      expect(result.ok && result.plan.summary).toMatch(
        /on timeline 2; replay follows timeline 1 until 0\/5000060, then timeline 2 from there/,
      );
      // The same steps as data, for the page to say them in the reader's language.
      expect(result.ok && result.plan.timelineSteps).toEqual([
        { timeline: 1, switchLsn: null },
        { timeline: 2, switchLsn: "0/5000060" },
      ]);
      expect(result.ok && result.plan.warnings).toEqual([]);
    }
  });

  it("warns that an LSN past the switch is read on timeline 2, and names the old timeline to ask for", () => {
    const past = planOn({ type: "lsn", value: "0/6000000", inclusive: true });
    expect(past.ok && past.plan.warnings.join()).toMatch(
      /LSN 0\/6000000 is past 0\/5000060, where timeline 2 branched off timeline 1: it is replayed on timeline 2.*ask for timeline 1/,
    );
    const before = planOn({ type: "lsn", value: "0/4000000", inclusive: true });
    expect(before.ok && before.plan.warnings).toEqual([]);
    // The latest commit is always past the switch: that is where the archive leads, no warning.
    const latest = planOn({ type: "latest" });
    expect(latest).toMatchObject({ ok: true, plan: { toLsn: "0/9000300", warnings: [] } });
  });

  it("says nothing about crossing when the restore stays on the backup's timeline", () => {
    const result = planOn(
      { type: "time", value: "2026-11-26T10:15:00.000Z", inclusive: true },
      { timeline: 1 },
    );
    expect(result.ok && result.plan.summary).not.toMatch(/replay follows/);
    expect(result.ok && result.plan.timelineSteps).toBeUndefined();
  });
});

describe("timelineSteps", () => {
  const chain: WindowComputation = {
    ...window,
    timelines: [
      window.timelines[0]!,
      { ...window.timelines[1]!, switchLsn: "0/5000060" },
      { ...window.timelines[1]!, timeline: 3, parent: 2, switchLsn: "0/7000028" },
    ],
  };
  it("lists the timelines from the backup's to the target with where each begins", () => {
    expect(timelineSteps(chain, 1, 3)).toEqual([
      { timeline: 1, switchLsn: null },
      { timeline: 2, switchLsn: "0/5000060" },
      { timeline: 3, switchLsn: "0/7000028" },
    ]);
    expect(timelineSteps(chain, 2, 3)).toEqual([
      { timeline: 2, switchLsn: null },
      { timeline: 3, switchLsn: "0/7000028" },
    ]);
    expect(timelineSteps(chain, 1, 1)).toEqual([{ timeline: 1, switchLsn: null }]);
  });
  it("is empty when the target does not descend from the backup's timeline", () => {
    expect(timelineSteps(chain, 3, 1)).toEqual([]);
    expect(timelineSteps(chain, 1, 9)).toEqual([]);
  });
});

describe("planRestore: nothing to restore", () => {
  it("says there is no backup", () => {
    const empty: WindowComputation = {
      ...window,
      earliest: null,
      latest: null,
      ranges: [],
      backups: [],
      gaps: [],
      problems: ["There is no succeeded physical backup"],
    };
    expect(plan({ window: empty, target: { type: "latest" } })).toMatchObject({
      ok: false,
      reason: "no_backup",
    });
    expect(plan({ window: empty, target: { type: "immediate" } })).toMatchObject({
      ok: false,
      reason: "no_backup",
    });
  });
});

describe("planRestore: a backup whose verification failed", () => {
  // As a window stored before the verification failed would still list it in its range.
  const failedAt = "2026-11-26T13:00:00.000Z";
  const withFailed: WindowComputation = {
    ...window,
    backups: window.backups.map((b) => (b.id === "b" ? { ...b, verificationFailedAt: failedAt } : b)),
  };

  it("is never picked: a time only it reaches is refused, an earlier one uses the good backup", () => {
    expect(
      plan({
        window: withFailed,
        target: { type: "time", value: "2026-11-26T11:30:00.000Z", inclusive: true },
      }),
    ).toMatchObject({ ok: false, reason: "in_gap" });
    expect(
      plan({
        window: withFailed,
        target: { type: "time", value: "2026-11-26T10:15:00.000Z", inclusive: true },
      }),
    ).toMatchObject({ ok: true, plan: { backupId: "a" } });
  });

  it("is skipped for immediate and latest", () => {
    expect(plan({ window: withFailed, target: { type: "immediate" } })).toMatchObject({
      ok: true,
      plan: { backupId: "a" },
    });
    expect(plan({ window: withFailed, target: { type: "latest" } })).toMatchObject({
      ok: true,
      plan: { backupId: "a", toTime: "2026-11-26T10:30:00.000Z" },
    });
  });

  it("is refused when asked for by id, saying its verification failed", () => {
    const result = plan({ window: withFailed, target: { type: "immediate" }, backupId: "b" });
    expect(result).toMatchObject({ ok: false, reason: "backup_not_usable" });
    expect(!result.ok && result.message).toContain(`its verification failed at ${failedAt}`);
  });
});

describe("formatBytes", () => {
  it("reads like a person writes it", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(48 * MiB)).toBe("48 MiB");
  });
});
