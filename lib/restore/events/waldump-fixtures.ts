// Test fixtures for waldump-events.test.ts and table-tracker.test.ts.
//
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
export const L = {
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
export function moreDeletes734(): string[] {
  return Array.from(
    { length: 198 },
    (_, i) =>
      `rmgr: Heap        len (rec/tot):     54/    54, tx:        734, lsn: 0/0193${(0xa820 + i * 0x38).toString(16).toUpperCase().padStart(4, "0")}, prev 0/0193A7E8, desc: DELETE off ${i + 3} flags 0x00 KEYS_UPDATED , blkref #0: rel 1663/16384/16385 blk ${i < 100 ? 0 : 1}`,
  );
}

export const segment1 = [
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
