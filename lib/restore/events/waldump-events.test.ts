import { describe, expect, it } from "vitest";
import {
  aggregateWaldump,
  classifyFileDrop,
  fileKey,
  pairedNewFile,
  parseRelationPath,
  parseWaldumpEvent,
  SegmentEventBuffer,
  TableEventTracker,
  toTableEvents,
  TransactionAggregator,
  type CommittedTransaction,
  type TableEventContext,
  type TrackedRelation,
} from "./waldump-events";

// Lines printed by PostgreSQL 15.x's pg_waldump (TZ=UTC, --rmgr=Heap --rmgr=Transaction
// --rmgr=Storage) for a scratch cluster, database app = OID 16384. Inval msgs are cut short
// where they run on; nothing reads them.
//
// t_del (oid/relfilenode 16385): tx 734 deleted 200 rows, tx 735 deleted 3, tx 738 deleted 11
// and rolled back. t_trunc (oid 16392, file 16392) truncated by tx 736 (wal_level=replica: no
// TRUNCATE record, a new file 16405). t_drop (16395, index 16398) dropped by tx 737. t_tt
// (16406, toast 16409/16410, pkey 16411) and t_t2 (16413) truncated together by tx 747.
// t_vf (16416, pkey 16419) rewritten by VACUUM FULL in tx 748 (transient heap 16429). t_sp
// (16421): tx 749 deleted 1 row, its released savepoint (750) 2, its rolled-back one (751) 1.
// With wal_level=logical: t_lt (16433) truncated by tx 757; prepared tx 758 deleted 2 rows of
// t_pp (16436), prepared tx 759 deleted 1 and was rolled back.
const L = {
  del734a:
    "rmgr: Heap        len (rec/tot):     59/  8219, tx:        734, lsn: 0/019387B0, prev 0/01938738, desc: DELETE off 1 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16385 blk 0 FPW",
  del734b:
    "rmgr: Heap        len (rec/tot):     54/    54, tx:        734, lsn: 0/0193A7E8, prev 0/019387B0, desc: DELETE off 2 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16385 blk 0",
  commit734:
    "rmgr: Transaction len (rec/tot):     34/    34, tx:        734, lsn: 0/0193D388, prev 0/0193D350, desc: COMMIT 2026-11-26 04:27:30.812803 UTC",
  del735a:
    "rmgr: Heap        len (rec/tot):     54/    54, tx:        735, lsn: 0/0193D578, prev 0/0193D3B0, desc: DELETE off 201 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16385 blk 0",
  del735b:
    "rmgr: Heap        len (rec/tot):     54/    54, tx:        735, lsn: 0/0193D5B0, prev 0/0193D578, desc: DELETE off 202 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16385 blk 0",
  del735c:
    "rmgr: Heap        len (rec/tot):     54/    54, tx:        735, lsn: 0/0193D5E8, prev 0/0193D5B0, desc: DELETE off 203 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16385 blk 0",
  commit735:
    "rmgr: Transaction len (rec/tot):     34/    34, tx:        735, lsn: 0/0193D620, prev 0/0193D5E8, desc: COMMIT 2026-11-26 04:27:30.814282 UTC",
  create736:
    "rmgr: Storage     len (rec/tot):     42/    42, tx:        736, lsn: 0/0193D678, prev 0/0193D648, desc: CREATE base/16384/16405",
  pgClassUpdate736:
    "rmgr: Heap        len (rec/tot):     65/  3533, tx:        736, lsn: 0/0193D6A8, prev 0/0193D678, desc: UPDATE off 7 xmax 736 flags 0x00 ; new off 14 xmax 0, blkref #0: rel 1663/16384/1259 blk 0 FPW",
  commit736:
    "rmgr: Transaction len (rec/tot):    114/   114, tx:        736, lsn: 0/01941B38, prev 0/01940158, desc: COMMIT 2026-11-26 04:27:30.815317 UTC; rels: base/16384/16392; inval msgs: catcache 55 catcache 54 relcache 16392",
  pgClassDelete737:
    "rmgr: Heap        len (rec/tot):     54/    54, tx:        737, lsn: 0/01944BA8, prev 0/01943BA0, desc: DELETE off 9 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/1259 blk 0",
  pgAttributeDelete737:
    "rmgr: Heap        len (rec/tot):     54/    54, tx:        737, lsn: 0/01946FE0, prev 0/01946FA8, desc: DELETE off 12 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/1249 blk 56",
  commit737:
    "rmgr: Transaction len (rec/tot):    621/   621, tx:        737, lsn: 0/019471D8, prev 0/019471A0, desc: COMMIT 2026-11-26 04:27:30.817524 UTC; rels: base/16384/16395 base/16384/16398; dropped stats: 2/16384/16398 2/16384/16395; inval msgs: catcache 32 catcache 7 catcache 6 relcache 16398 relcache 16395 snapshot 2608",
  del738:
    "rmgr: Heap        len (rec/tot):     59/  8219, tx:        738, lsn: 0/01947448, prev 0/019471D8, desc: DELETE off 74 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16385 blk 1 FPW",
  abort738:
    "rmgr: Transaction len (rec/tot):     34/    34, tx:        738, lsn: 0/019496B0, prev 0/01949678, desc: ABORT 2026-11-26 04:27:30.819579 UTC",
  create747: [16424, 16425, 16426, 16427, 16428].map(
    (file, i) =>
      `rmgr: Storage     len (rec/tot):     42/    42, tx:        747, lsn: 0/0202${["4648", "9A50", "B598", "B7B0", "B9A8"][i]}, prev 0/02024618, desc: CREATE base/16384/${file}`,
  ),
  commit747:
    "rmgr: Transaction len (rec/tot):    421/   421, tx:        747, lsn: 0/0202BB60, prev 0/0202BB20, desc: COMMIT 2026-11-26 04:28:31.669775 UTC; rels: base/16384/16413 base/16384/16410 base/16384/16411 base/16384/16409 base/16384/16406; inval msgs: catcache 55 catcache 54 relcache 16406 relcache 16409",
  create748a:
    "rmgr: Storage     len (rec/tot):     42/    42, tx:        748, lsn: 0/0202BD68, prev 0/0202BD38, desc: CREATE base/16384/16429",
  create748b:
    "rmgr: Storage     len (rec/tot):     42/    42, tx:        748, lsn: 0/0203D648, prev 0/0203D618, desc: CREATE base/16384/16432",
  pgClassDelete748:
    "rmgr: Heap        len (rec/tot):     54/    54, tx:        748, lsn: 0/0203DFA0, prev 0/0203DF68, desc: DELETE off 18 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/1259 blk 1",
  commit748:
    "rmgr: Transaction len (rec/tot):   1089/  1089, tx:        748, lsn: 0/0203E028, prev 0/0203DFD8, desc: COMMIT 2026-11-26 04:28:31.674785 UTC; rels: base/16384/16416 base/16384/16419; dropped stats: 2/16384/16429; inval msgs: catcache 80 catcache 79 relcache 16429 relcache 16416 relcache 16419 snapshot 2608",
  del749:
    "rmgr: Heap        len (rec/tot):     59/   443, tx:        749, lsn: 0/0203E470, prev 0/0203E028, desc: DELETE off 1 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16421 blk 0 FPW",
  del750a:
    "rmgr: Heap        len (rec/tot):     54/    54, tx:        750, lsn: 0/0203E630, prev 0/0203E470, desc: DELETE off 2 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16421 blk 0",
  del750b:
    "rmgr: Heap        len (rec/tot):     54/    54, tx:        750, lsn: 0/0203E668, prev 0/0203E630, desc: DELETE off 3 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16421 blk 0",
  del751:
    "rmgr: Heap        len (rec/tot):     54/    54, tx:        751, lsn: 0/0203E6A0, prev 0/0203E668, desc: DELETE off 4 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16421 blk 0",
  abort751:
    "rmgr: Transaction len (rec/tot):     34/    34, tx:        751, lsn: 0/0203E6D8, prev 0/0203E6A0, desc: ABORT 2026-11-26 04:28:31.677870 UTC",
  commit749:
    "rmgr: Transaction len (rec/tot):     46/    46, tx:        749, lsn: 0/0203E700, prev 0/0203E6D8, desc: COMMIT 2026-11-26 04:28:31.677903 UTC; subxacts: 750",
  create757:
    "rmgr: Storage     len (rec/tot):     42/    42, tx:        757, lsn: 0/04018940, prev 0/04018910, desc: CREATE base/16384/16439",
  invalidation757:
    "rmgr: Transaction len (rec/tot):     78/    78, tx:        757, lsn: 0/04018B38, prev 0/04018AF8, desc: INVALIDATION ; inval msgs: catcache 55 catcache 54 relcache 16433",
  truncate757:
    "rmgr: Heap        len (rec/tot):     42/    42, tx:        757, lsn: 0/04018B88, prev 0/04018B38, desc: TRUNCATE nrelids 1 relids 16433",
  commit757:
    "rmgr: Transaction len (rec/tot):    114/   114, tx:        757, lsn: 0/04018BB8, prev 0/04018B88, desc: COMMIT 2026-11-26 04:28:51.743071 UTC; rels: base/16384/16433; inval msgs: catcache 55 catcache 54 relcache 16433",
  del758a:
    "rmgr: Heap        len (rec/tot):     54/    54, tx:        758, lsn: 0/04018C30, prev 0/04018BB8, desc: DELETE off 1 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16436 blk 0",
  del758b:
    "rmgr: Heap        len (rec/tot):     54/    54, tx:        758, lsn: 0/04018C68, prev 0/04018C30, desc: DELETE off 2 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16436 blk 0",
  prepare758:
    "rmgr: Transaction len (rec/tot):    258/   258, tx:        758, lsn: 0/04018CA0, prev 0/04018C68, desc: PREPARE gid p1: 2026-11-26 04:28:51.744362 UTC",
  commitPrepared758:
    "rmgr: Transaction len (rec/tot):     53/    53, tx:          0, lsn: 0/04018DA8, prev 0/04018CA0, desc: COMMIT_PREPARED 758: 2026-11-26 04:28:51.744732 UTC",
  del759:
    "rmgr: Heap        len (rec/tot):     54/    54, tx:        759, lsn: 0/04018DE0, prev 0/04018DA8, desc: DELETE off 3 flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16436 blk 0",
  abortPrepared759:
    "rmgr: Transaction len (rec/tot):     53/    53, tx:          0, lsn: 0/04018F20, prev 0/04018E18, desc: ABORT_PREPARED 759: 2026-11-26 04:28:51.745600 UTC",
  /** An UPDATE that moved a row to another partition (flags 0x10): not a delete of the row. */
  partitionMove775:
    "rmgr: Heap        len (rec/tot):     54/    54, tx:        775, lsn: 0/0504C980, prev 0/0504C950, desc: DELETE off 1 flags 0x10 KEYS_UPDATED , blkref #0: rel 1663/16384/16447 blk 0",
};

/** 198 more DELETE lines of tx 734 in the same shape, so it deletes exactly 200 rows. */
function moreDeletes734(): string[] {
  return Array.from(
    { length: 198 },
    (_, i) =>
      `rmgr: Heap        len (rec/tot):     54/    54, tx:        734, lsn: 0/0193${(0xa820 + i * 0x38).toString(16).toUpperCase().padStart(4, "0")}, prev 0/0193A7E8, desc: DELETE off ${i + 3} flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16385 blk ${i < 100 ? 0 : 1}`,
  );
}

const segment1 = [
  L.del734a,
  L.del734b,
  ...moreDeletes734(),
  L.commit734,
  L.del735a,
  L.del735b,
  L.del735c,
  L.commit735,
  L.create736,
  L.pgClassUpdate736,
  L.commit736,
  L.pgClassDelete737,
  L.pgAttributeDelete737,
  L.commit737,
  L.del738,
  L.abort738,
];

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
