import { describe, expect, it } from "vitest";
import type { SegmentCommits } from "@/lib/wal/waldump";
import { segmentsInRange, segmentsOnNewestTimeline } from "./event-segments";
import { resolveTable } from "./find-events";
import type { RelationMapEntry } from "./relation-map";
import { isoMicros } from "./table-tracker";
import { waldumpEventArgs } from "./waldump-events";

function entry(
  partial: Partial<RelationMapEntry> & Pick<RelationMapEntry, "oid" | "name">,
): RelationMapEntry {
  return { database: "app", dbOid: 16384, relfilenode: partial.oid, schema: "public", kind: "r", ...partial };
}

describe("resolveTable", () => {
  const pgClass = entry({ oid: 1259, relfilenode: 1259, schema: "pg_catalog", name: "pg_class" });
  const before = [
    entry({ oid: 16385, name: "orders" }),
    entry({ oid: 16390, name: "events", kind: "p", relfilenode: null }),
    entry({ oid: 16393, name: "events_2026", rootOid: 16390 }),
    entry({ oid: 16385, name: "orders", database: "other", dbOid: 20000 }),
    pgClass,
  ];
  const after = [
    // orders truncated (new file), then dropped and created again (new OID); pg_class rewritten.
    entry({ oid: 16385, relfilenode: 16500, name: "orders" }),
    entry({ oid: 16600, name: "orders" }),
    { ...pgClass, relfilenode: 16700 },
  ];

  it("finds every OID and file a name has had in one database", () => {
    const resolved = resolveTable([before, after], { database: "app", schema: "public", name: "orders" });
    expect(resolved.relations).toBe(2);
    expect([...resolved.files.keys()].sort()).toEqual(["16384/16385", "16384/16500", "16384/16600"]);
    expect(resolved.files.get("16384/16500")).toEqual({
      dbOid: 16384,
      oid: 16385,
      relation: "public.orders",
    });
    expect(resolved.pgClassFiles).toEqual(new Map([[16384, 16700]]));
  });

  it("takes a partitioned table's partitions, and folds an unquoted name to lower case", () => {
    const resolved = resolveTable([before], { database: "app", schema: "public", name: "Events" });
    expect(resolved.relations).toBe(2);
    expect([...resolved.files.entries()]).toEqual([
      ["16384/16393", { dbOid: 16384, oid: 16393, relation: "public.events_2026" }],
    ]);
  });

  it("finds nothing for a name no map has", () => {
    expect(resolveTable([before], { database: "app", schema: "sales", name: "orders" })).toMatchObject({
      relations: 0,
    });
  });
});

describe("segmentsOnNewestTimeline", () => {
  const segment = (timeline: number, segno: number) => ({
    name: `${timeline}/${segno}`,
    timeline,
    segno,
    size: 16 * 1024 * 1024,
  });

  it("reads each position once, from the timeline recovery follows", () => {
    // Timeline 2 branched off 1 at 0/5000100 (inside segment 5); 1 went on to segment 6.
    const chosen = segmentsOnNewestTimeline(
      [
        segment(1, 3),
        segment(1, 4),
        segment(1, 5),
        segment(1, 6),
        segment(2, 5),
        segment(2, 6),
        segment(2, 7),
      ],
      new Map([[2, [{ timeline: 1, switchLsn: "0/05000100", reason: "" }]]]),
      16 * 1024 * 1024,
    );
    expect(chosen.segments.map((item) => item.name)).toEqual(["1/3", "1/4", "2/5", "2/6", "2/7"]);
    expect(chosen).toMatchObject({ timeline: 2, problems: [] });
  });

  it("says when the newest timeline's history is missing", () => {
    const chosen = segmentsOnNewestTimeline([segment(1, 3), segment(3, 4)], new Map(), 16 * 1024 * 1024);
    expect(chosen.segments.map((item) => item.name)).toEqual(["3/4"]);
    expect(chosen.problems[0]).toMatch(/no history file for timeline 3/);
  });
});

describe("segmentsInRange", () => {
  // Segment i holds commits at minutes [first, last]; null: a segment without commits.
  const minutes: ([number, number] | null)[] = [
    [0, 4],
    [5, 9],
    null,
    [12, 14],
    [15, 19],
    [20, 24],
    null,
    null,
  ];
  const at = (minute: number) => `2026-11-26T10:${String(minute).padStart(2, "0")}:00Z`;
  const summary = async (index: number): Promise<SegmentCommits | null> => {
    const span = minutes[index];
    if (!span) return { count: 0, first: null, last: null, unreadableTimes: 0 };
    return {
      count: 2,
      first: { xid: 1, lsn: "0/1", time: at(span[0]) },
      last: { xid: 2, lsn: "0/2", time: at(span[1]) },
      unreadableTimes: 0,
    };
  };
  const range = (from: number, to: number) =>
    segmentsInRange(minutes.length, summary, isoMicros(at(from)), isoMicros(at(to)));

  it("finds the segments whose commits overlap the range", async () => {
    expect(await range(6, 13)).toEqual({ lo: 1, hi: 3 });
    expect(await range(15, 16)).toEqual({ lo: 4, hi: 4 });
    expect(await range(0, 59)).toEqual({ lo: 0, hi: 7 });
    // The segment without commits between minutes 9 and 12 goes with the one before it.
    expect(await range(8, 10)).toEqual({ lo: 1, hi: 2 });
    expect(await range(10, 12)).toEqual({ lo: 3, hi: 3 });
  });

  it("is empty between two segments' commits and before the archive", async () => {
    const between = await range(10, 11);
    expect(between.lo).toBeGreaterThan(between.hi);
    const after = await range(30, 40);
    expect(after.lo).toBeGreaterThan(after.hi);
    const before = await range(0, 0);
    expect(before).toEqual({ lo: 0, hi: 0 });
  });
});

describe("pg_waldump arguments for events", () => {
  it("reads heap, transaction and storage records of one segment", () => {
    expect(
      waldumpEventArgs({ dir: "/srv/archive", timeline: 2, segment: "000000020000000000000005" }),
    ).toEqual([
      "--path=/srv/archive",
      "--timeline=2",
      "--rmgr=Heap",
      "--rmgr=Transaction",
      "--rmgr=Storage",
      "000000020000000000000005",
    ]);
  });

  it("keeps microseconds when comparing times", () => {
    expect(isoMicros("2026-11-26T04:27:30.812803Z") - isoMicros("2026-11-26T04:27:30.812Z")).toBe(803);
    expect(isoMicros("2026-11-26T05:27:30+01:00")).toBe(isoMicros("2026-11-26T04:27:30.000Z"));
  });
});
