import { describe, expect, it } from "vitest";
import {
  classifyFileDrop,
  pairedNewFile,
  TableEventTracker,
  toTableEvents,
  type TableEventContext,
  type TrackedRelation,
} from "./table-tracker";
import { L, moreDeletes734, segment1 } from "./waldump-fixtures";
import {
  aggregateWaldump,
  fileKey,
  SegmentEventBuffer,
  TransactionAggregator,
  type CommittedTransaction,
} from "./waldump-events";

// What committed transactions did to one table (the lines: waldump-fixtures.ts).

function relation(oid: number, name: string, dbOid = 16384): TrackedRelation {
  return { dbOid, oid, relation: `public.${name}` };
}

function context(
  files: Record<number, TrackedRelation>,
  existingNow: string[] | null = null,
): TableEventContext {
  return {
    files: new Map(Object.entries(files).map(([file, owner]) => [fileKey(owner.dbOid, Number(file)), owner])),
    pgClassFiles: new Map([[16384, 1259]]),
    existingNow: existingNow ? new Set(existingNow) : null,
  };
}

function byXid(lines: string[]): Map<number, CommittedTransaction> {
  return new Map(aggregateWaldump(lines).map((transaction) => [transaction.xid, transaction]));
}

describe("what a commit did to a table's file", () => {
  const transactions = byXid([
    ...segment1,
    ...L.create747,
    L.commit747,
    L.create748a,
    L.create748b,
    L.pgClassDelete748,
    L.commit748,
    L.create757,
    L.truncate757,
    L.commit757,
  ]);
  const file = (relfilenode: number) => ({ tablespace: 1663, database: 16384, relfilenode });
  const none = { pgClassFiles: new Map([[16384, 1259]]), existingNow: null };

  it("calls a relation named in dropped stats dropped", () => {
    expect(classifyFileDrop(transactions.get(737)!, file(16395), relation(16395, "t_drop"), none)).toEqual({
      change: "drop",
      newFile: null,
    });
  });

  it("calls a swapped file without a dropped relation a truncate, and finds the new file", () => {
    expect(classifyFileDrop(transactions.get(736)!, file(16392), relation(16392, "t_trunc"), none)).toEqual({
      change: "truncate",
      newFile: file(16405),
    });
    const both = transactions.get(747)!;
    expect(classifyFileDrop(both, file(16406), relation(16406, "t_tt"), none)).toEqual({
      change: "truncate",
      newFile: file(16424),
    });
    expect(pairedNewFile(both, file(16413))).toEqual(file(16428));
    // The primary key 16411 got 16426, the toast table 16409 got 16425.
    expect(pairedNewFile(both, file(16411))).toEqual(file(16426));
    expect(pairedNewFile(both, file(16409))).toEqual(file(16425));
  });

  it("calls VACUUM FULL (a transient heap created and dropped) a rewrite", () => {
    expect(classifyFileDrop(transactions.get(748)!, file(16416), relation(16416, "t_vf"), none)).toEqual({
      change: "rewrite",
      newFile: file(16429),
    });
  });

  it("believes a TRUNCATE record", () => {
    expect(classifyFileDrop(transactions.get(757)!, file(16433), relation(16433, "t_lt"), none)).toEqual({
      change: "truncate",
      newFile: file(16439),
    });
  });

  it("without dropped stats (PostgreSQL 13/14), tells a drop from a rewrite by what exists now", () => {
    const pg14Drop = { ...transactions.get(737)!, droppedStats: [] };
    expect(classifyFileDrop(pg14Drop, file(16395), relation(16395, "t_drop"), none).change).toBe("drop");
    const pg14VacuumFull = { ...transactions.get(748)!, droppedStats: [] };
    expect(
      classifyFileDrop(pg14VacuumFull, file(16416), relation(16416, "t_vf"), {
        ...none,
        existingNow: new Set(["16384/16416"]),
      }).change,
    ).toBe("rewrite");
  });
});

describe("following one table", () => {
  const window = { from: "2026-11-26T04:00:00Z", to: "2026-11-26T05:00:00Z", minDeletedRows: 100 };

  function track(lines: string[], ctx: TableEventContext): TableEventTracker {
    const tracker = new TableEventTracker(ctx);
    const aggregator = new TransactionAggregator((transaction) => tracker.add(transaction));
    const buffer = new SegmentEventBuffer((key) => tracker.isInteresting(key));
    lines.forEach((line) => buffer.push(line));
    buffer.events.forEach((event) => aggregator.add(event));
    return tracker;
  }

  it("lists the big delete, not the small one, not the rolled-back one", () => {
    const tracker = track(segment1, context({ 16385: relation(16385, "t_del") }));
    expect(tracker.transactions.map((t) => [t.xid, t.deletedRows, t.change])).toEqual([
      [734, 200, null],
      [735, 3, null],
    ]);
    expect(toTableEvents(tracker.transactions, window)).toEqual([
      {
        xid: 734,
        kind: "delete",
        deletedRows: 200,
        commitTime: "2026-11-26T04:27:30.812803Z",
        commitLsn: "0/0193D388",
        relations: ["public.t_del"],
        restoreTarget: { type: "xid", value: "734", inclusive: false },
      },
    ]);
    expect(
      toTableEvents(tracker.transactions, { ...window, minDeletedRows: 3 }).map((event) => event.xid),
    ).toEqual([734, 735]);
    expect(toTableEvents(tracker.transactions, { ...window, to: "2026-11-26T04:27:30.8128Z" })).toEqual([]);
  });

  it("finds a truncate and a drop, and follows a truncated table to its new file", () => {
    const dropOfNewFile = L.commit737
      .replace("base/16384/16395 base/16384/16398", "base/16384/16405")
      .replace("dropped stats: 2/16384/16398 2/16384/16395", "dropped stats: 2/16384/16392");
    const lines = [L.create736, L.commit736, L.pgClassDelete737, dropOfNewFile];
    const tracker = track(lines, context({ 16392: relation(16392, "t_trunc") }));
    expect(toTableEvents(tracker.transactions, window).map((event) => [event.xid, event.kind])).toEqual([
      [736, "truncate"],
      [737, "drop"],
    ]);
  });

  it("finds a dropped table by its old file", () => {
    const tracker = track(segment1, context({ 16395: relation(16395, "t_drop") }));
    expect(toTableEvents(tracker.transactions, window)).toMatchObject([
      { xid: 737, kind: "drop", relations: ["public.t_drop"], commitLsn: "0/019471D8" },
    ]);
  });

  it("does not list VACUUM FULL, and still counts deletes from the rewritten file", () => {
    const deleteAfter = L.del749.replace("tx:        749", "tx:        760").replace("16421", "16429");
    const commitAfter = L.commit735.replace("tx:        735", "tx:        760");
    const tracker = track(
      [L.create748a, L.create748b, L.pgClassDelete748, L.commit748, deleteAfter, commitAfter],
      context({ 16416: relation(16416, "t_vf") }),
    );
    expect(tracker.transactions.map((t) => [t.xid, t.change, t.deletedRows])).toEqual([[760, null, 1]]);
  });

  it("uses a TRUNCATE record even when the table's file is unknown", () => {
    const tracker = track(
      [L.create757, L.truncate757, L.commit757],
      context({ 99999: relation(16433, "t_lt") }),
    );
    expect(toTableEvents(tracker.transactions, window)).toMatchObject([{ xid: 757, kind: "truncate" }]);
  });

  it("adds deletes found in an earlier segment to a transaction already committed", () => {
    const tracker = track([...moreDeletes734(), L.commit734], context({ 16385: relation(16385, "t_del") }));
    expect(tracker.transactions[0]!.deletedRows).toBe(198);
    const earlier = new SegmentEventBuffer();
    [L.del734a, L.del734b, L.del735a].forEach((line) => earlier.push(line));
    expect(tracker.addEarlierDeletes(earlier.events, -1, tracker.transactions)).toBe(true);
    expect(tracker.transactions[0]).toMatchObject({ deletedRows: 200, firstSegment: -1 });
  });
});
