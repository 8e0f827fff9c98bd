import { describe, expect, it } from "vitest";
import {
  recoveryConflictsQuery,
  replicationSlotsQuery,
  standbyPositionQuery,
  walReceiverQuery,
} from "@/lib/pg/replication-sql";
import { sqlFor } from "@/lib/pg/versioned-sql";

describe("sqlFor picks the variant for the server's major", () => {
  it("uses pg_is_wal_replay_paused on 13 and the pause state function from 14", () => {
    expect(sqlFor(standbyPositionQuery, 130012)).toContain("pg_is_wal_replay_paused()");
    expect(sqlFor(standbyPositionQuery, 140000)).toContain("pg_get_wal_replay_pause_state()");
    expect(sqlFor(standbyPositionQuery, 180001)).toContain("pg_get_wal_replay_pause_state()");
  });

  it("reads flushed_lsn from 13 on (received_lsn was 12's name)", () => {
    expect(sqlFor(walReceiverQuery, 130000)).toContain("flushed_lsn::text as flushed_lsn");
    expect(sqlFor(walReceiverQuery, 130000)).not.toContain("received_lsn");
    expect(sqlFor(walReceiverQuery, 150004)).toContain("flushed_lsn::text as flushed_lsn");
  });

  it("adds slot invalidation columns from 17 and logical-slot conflicts from 16", () => {
    expect(sqlFor(replicationSlotsQuery, 160009)).toContain("null::text as invalidation_reason");
    expect(sqlFor(replicationSlotsQuery, 170002)).toMatch(/inactive_since, invalidation_reason\s+from/);
    expect(sqlFor(recoveryConflictsQuery, 150000)).not.toContain("confl_active_logicalslot");
    expect(sqlFor(recoveryConflictsQuery, 160000)).toContain("confl_active_logicalslot");
  });

  it("refuses servers older than 13", () => {
    expect(() => sqlFor(walReceiverQuery, 120015)).toThrow(/older than 130000/);
  });

  it("marks every statement as Walden's", () => {
    for (const query of [
      standbyPositionQuery,
      walReceiverQuery,
      replicationSlotsQuery,
      recoveryConflictsQuery,
    ]) {
      for (const sql of Object.values(query.variants)) expect(sql.startsWith("/* walden */")).toBe(true);
    }
  });
});
