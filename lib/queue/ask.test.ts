import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { parseAnswer } from "./ask";

const window = {
  earliest: "2026-11-26T10:00:00.000Z",
  latest: "2026-11-26T12:00:00.000Z",
  gaps: [],
  ranges: [{ from: "2026-11-26T10:00:00.000Z", to: "2026-11-26T12:00:00.000Z", timeline: 1 }],
};

const plan = {
  backupId: "a",
  backupLabel: "nightly",
  backupStopLsn: "0/3000100",
  backupFinishedAt: "2026-11-26T10:00:00.000Z",
  fromLsn: "0/3000028",
  toLsn: "0/5000200",
  toTime: "2026-11-26T10:30:00.000Z",
  target: { type: "time", value: "2026-11-26T10:30:00.000Z", inclusive: true },
  timeline: "latest",
  checkedTimeline: 1,
  fromWal: "000000010000000000000003",
  toWal: "000000010000000000000005",
  walBytes: 33554432,
  backupBytes: 1048576,
  estimateSeconds: 6,
  warnings: [],
  summary: "Restore backup nightly …",
};

describe("parseAnswer", () => {
  it("returns the worker's plan, typed, as it arrived", () => {
    const answer = parseAnswer("restore.plan", { ok: true, plan });
    expect(answer).toEqual({ ok: true, plan });
    if (answer.ok) expect(answer.plan.target.type).toBe("time");
  });

  it("keeps a refusal and an unavailable archive apart", () => {
    const refusal = { ok: false, reason: "after_latest", message: "after the latest commit", window };
    expect(parseAnswer("restore.plan", refusal)).toEqual(refusal);
    const unavailable = { ok: false, reason: "unavailable", message: "archive unreadable" };
    expect(parseAnswer("restore.plan", unavailable)).toEqual(unavailable);
  });

  it("reads the PDF and the event finder's answers", () => {
    expect(parseAnswer("report.pdf", { pdf: "JVBERi0=", bytes: 5 })).toEqual({ pdf: "JVBERi0=", bytes: 5 });
    const events = {
      clusterId: "00000000-0000-4000-8000-000000000001",
      table: "public.orders",
      database: "app",
      from: "2026-11-26T10:00:00.000Z",
      to: "2026-11-26T12:00:00.000Z",
      minDeletedRows: 100,
      events: [
        {
          xid: 735,
          kind: "delete",
          deletedRows: 500,
          commitTime: "2026-11-26T11:00:00.123456+00:00",
          commitLsn: "0/4000100",
          relations: ["public.orders"],
          restoreTarget: { type: "xid", value: "735", inclusive: false },
        },
      ],
      scannedSegments: 3,
      scannedWal: { from: "000000010000000000000003", to: "000000010000000000000005" },
      capped: false,
      relationMaps: { count: 1, oldest: "2026-11-26T09:00:00.000Z" },
      problems: [],
    };
    expect(parseAnswer("restore.events", events)).toEqual(events);
  });

  it("turns an answer of another shape into a 500 naming the queue and the problem, not a cast", () => {
    const read = () => parseAnswer("restore.plan", { ok: true, plan: { ...plan, walBytes: "many" } });
    expect(read).toThrow(AppError);
    expect(read).toThrow(/restore\.plan does not have the expected shape \(.*plan\.walBytes/);
    try {
      parseAnswer("report.pdf", {});
    } catch (error) {
      expect((error as AppError).code).toBe("internal_server_error");
      expect((error as AppError).message).toContain("pdf:");
    }
    expect(() => parseAnswer("report.pdf", null)).toThrow(AppError);
  });
});
