import { describe, expect, it } from "vitest";
import { L, moreDeletes734, segment1 } from "./waldump-fixtures";
import {
  aggregateWaldump,
  parseRelationPath,
  parseWaldumpEvent,
  SegmentEventBuffer,
  TransactionAggregator,
  type CommittedTransaction,
} from "./waldump-events";

// pg_waldump's lines read into events and gathered per committed transaction (fixtures:
// waldump-fixtures.ts; what they mean for one table: table-tracker.test.ts).

describe("parseWaldumpEvent", () => {
  it("reads a heap DELETE: xid, LSN and the file of the row", () => {
    expect(parseWaldumpEvent(L.del735a)).toEqual({
      kind: "delete",
      xid: 735,
      lsn: "0/0193D578",
      file: { tablespace: 1663, database: 16384, relfilenode: 16385 },
      rows: 1,
    });
    // A full-page image after the block reference changes nothing.
    expect(parseWaldumpEvent(L.del734a)).toMatchObject({ kind: "delete", xid: 734 });
  });

  it("does not count a row moved to another partition", () => {
    expect(parseWaldumpEvent(L.partitionMove775)).toBeNull();
    expect(parseWaldumpEvent(L.partitionMove775.replace("flags 0x10", "flags 0x01"))).toMatchObject({
      kind: "delete",
      xid: 775,
    });
  });

  it("reads PostgreSQL 16's DELETE description too", () => {
    const pg16 =
      "rmgr: Heap        len (rec/tot):     54/    54, tx:        735, lsn: 0/0193D578, prev 0/0193D3B0, desc: DELETE xmax: 735, off: 201, infobits: [KEYS_UPDATED], flags: 0x00, blkref #0: rel 1663/16384/16385 blk 0";
    expect(parseWaldumpEvent(pg16)).toMatchObject({ kind: "delete", file: { relfilenode: 16385 } });
    expect(parseWaldumpEvent(pg16.replace("flags: 0x00", "flags: 0x08"))).toBeNull();
  });

  it("reads the relation OIDs of a TRUNCATE record (they are OIDs, not files)", () => {
    expect(parseWaldumpEvent(L.truncate757)).toEqual({
      kind: "truncate",
      xid: 757,
      lsn: "0/04018B88",
      relids: [16433],
    });
    expect(
      parseWaldumpEvent(
        L.truncate757.replace(
          "TRUNCATE nrelids 1 relids 16433",
          "TRUNCATE cascade nrelids 2 relids 16433 16500",
        ),
      ),
    ).toMatchObject({ relids: [16433, 16500] });
  });

  it("reads a Storage CREATE of a main fork only", () => {
    expect(parseWaldumpEvent(L.create736)).toEqual({
      kind: "create",
      xid: 736,
      lsn: "0/0193D678",
      file: { tablespace: 1663, database: 16384, relfilenode: 16405 },
    });
    expect(parseWaldumpEvent(L.create736.replace("16405", "16405_init"))).toBeNull();
  });

  it("reads a commit with the files it unlinks and the relations it dropped", () => {
    expect(parseWaldumpEvent(L.commit737)).toEqual({
      kind: "commit",
      xid: 737,
      lsn: "0/019471D8",
      time: "2026-11-26T04:27:30.817524Z",
      subxacts: [],
      droppedFiles: [
        { tablespace: 1663, database: 16384, relfilenode: 16395 },
        { tablespace: 1663, database: 16384, relfilenode: 16398 },
      ],
      droppedStats: ["16384/16398", "16384/16395"],
    });
    expect(parseWaldumpEvent(L.commit749)).toMatchObject({ kind: "commit", xid: 749, subxacts: [750] });
    expect(parseWaldumpEvent(L.commit735)).toMatchObject({
      droppedFiles: [],
      droppedStats: [],
      subxacts: [],
    });
  });

  it("names the prepared transaction of COMMIT_PREPARED and ABORT_PREPARED", () => {
    expect(parseWaldumpEvent(L.commitPrepared758)).toMatchObject({
      kind: "commit",
      xid: 758,
      time: "2026-11-26T04:28:51.744732Z",
    });
    expect(parseWaldumpEvent(L.abortPrepared759)).toEqual({
      kind: "abort",
      xid: 759,
      lsn: "0/04018F20",
      subxacts: [],
    });
  });

  it("ignores everything else", () => {
    for (const line of [
      L.pgClassUpdate736,
      L.prepare758,
      L.invalidation757,
      "",
      "pg_waldump: error: error in WAL record at 0/4018F70",
    ]) {
      expect(parseWaldumpEvent(line)).toBeNull();
    }
    expect(parseWaldumpEvent(L.commit735.replace(" UTC", " CET"))).toMatchObject({
      kind: "commit",
      time: null,
    });
  });

  it("reads relation file paths in every tablespace", () => {
    expect(parseRelationPath("base/16384/16392")).toEqual({
      tablespace: 1663,
      database: 16384,
      relfilenode: 16392,
    });
    expect(parseRelationPath("global/1262")).toEqual({ tablespace: 1664, database: 0, relfilenode: 1262 });
    expect(parseRelationPath("pg_tblspc/16500/PG_15_202209061/16384/16501")).toEqual({
      tablespace: 16500,
      database: 16384,
      relfilenode: 16501,
    });
    expect(parseRelationPath("base/16384/16392_fsm")).toBeNull();
  });
});

describe("aggregating transactions", () => {
  it("counts each committed transaction's deletes per file and forgets the aborted one", () => {
    const committed = aggregateWaldump(segment1);
    expect(committed.map((transaction) => transaction.xid)).toEqual([734, 735, 736, 737]);
    const [del200, del3, truncate, drop] = committed;
    expect(del200!.deletes).toEqual(new Map([["16384/16385", 200]]));
    expect(del200!).toMatchObject({ commitLsn: "0/0193D388", commitTime: "2026-11-26T04:27:30.812803Z" });
    expect(del3!.deletes).toEqual(new Map([["16384/16385", 3]]));
    expect(truncate!).toMatchObject({
      deletes: new Map(),
      createdFiles: [{ tablespace: 1663, database: 16384, relfilenode: 16405 }],
      droppedFiles: [{ tablespace: 1663, database: 16384, relfilenode: 16392 }],
      droppedStats: [],
      truncatedOids: [],
    });
    expect(drop!.deletes).toEqual(
      new Map([
        ["16384/1259", 1],
        ["16384/1249", 1],
      ]),
    );
    expect(drop!.droppedStats).toEqual(["16384/16398", "16384/16395"]);
  });

  it("folds committed subtransactions into their parent and drops rolled-back ones", () => {
    const committed = aggregateWaldump([L.del749, L.del750a, L.del750b, L.del751, L.abort751, L.commit749]);
    expect(committed).toHaveLength(1);
    expect(committed[0]).toMatchObject({ xid: 749, subxacts: [750] });
    expect(committed[0]!.deletes).toEqual(new Map([["16384/16421", 3]]));
  });

  it("counts a committed prepared transaction and forgets a rolled-back one", () => {
    const committed = aggregateWaldump([
      L.del758a,
      L.del758b,
      L.prepare758,
      L.commitPrepared758,
      L.del759,
      L.abortPrepared759,
    ]);
    expect(committed.map((transaction) => [transaction.xid, transaction.deletes.get("16384/16436")])).toEqual(
      [[758, 2]],
    );
  });

  it("keeps a transaction open across segments and remembers its first segment", () => {
    const committed: CommittedTransaction[] = [];
    const aggregator = new TransactionAggregator((transaction) => committed.push(transaction));
    const first = new SegmentEventBuffer();
    [L.del734a, L.del734b].forEach((line) => first.push(line));
    const second = new SegmentEventBuffer();
    [...moreDeletes734(), L.commit734].forEach((line) => second.push(line));
    first.events.forEach((event) => aggregator.add(event, 7));
    expect(aggregator.openTransactions).toBe(1);
    second.events.forEach((event) => aggregator.add(event, 8));
    expect(committed[0]).toMatchObject({ xid: 734, firstSegment: 7 });
    expect(committed[0]!.deletes.get("16384/16385")).toBe(200);
    expect(aggregator.openTransactions).toBe(0);
  });

  it("stores a run of deletes as one event, and keeps catalog deletes only when asked", () => {
    const plain = new SegmentEventBuffer();
    segment1.forEach((line) => plain.push(line));
    const deletes = plain.events.filter((event) => event.kind === "delete");
    expect(deletes.map((event) => [event.xid, event.rows])).toEqual([
      [734, 200],
      [735, 3],
      [738, 1],
    ]);
    const withPgClass = new SegmentEventBuffer((key) => key === "16384/1259");
    segment1.forEach((line) => withPgClass.push(line));
    expect(withPgClass.events.filter((event) => event.kind === "delete")).toHaveLength(4);
  });
});
