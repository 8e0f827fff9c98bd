import type { VersionedQuery } from "@/lib/pg/versioned-sql";

/**
 * On a primary that was promoted (since its start): where its recovery ended, which is where its
 * timeline begins and the old one ends. Null on a primary that never was in recovery since it
 * started. pg_last_wal_replay_lsn() stays at the last record replayed once recovery is over, and
 * needs no privilege (unlike reading the timeline's .history file).
 */
export const recoveryEndQuery: VersionedQuery = {
  name: "recovery_end",
  scope: "primary",
  variants: {
    130000: `/* walden */ select pg_last_wal_replay_lsn()::text as recovery_end_lsn`,
  },
};

export interface RecoveryEndRow {
  recovery_end_lsn: string | null;
}
