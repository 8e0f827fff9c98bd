import type { ArchiverRow, ReplicationSlotRow, StatReplicationRow, WalReceiverRow } from "@/lib/pg/replication-sql";
import type { VersionedQuery } from "@/lib/pg/versioned-sql";

// The sampler's one statement per node per tick (issue 17): everything a sample needs, whatever
// the node is now, in one row. It replaces seven to nine sequential statements (identity, slots,
// pg_stat_replication, then the primary's or the standby's own), so a tick costs each node one
// round trip, one snapshot and one executor start instead of several. The per-view statements of
// lib/pg/replication-sql.ts stay as the reference (the pg-versions test runs each of them on
// every major); this statement returns the same columns, with the same types once
// lib/replication/node-reader.ts has decoded the JSON parts.
//
// What is a primary's is computed only when the node is not in recovery, what is a standby's
// only when it is: CASE evaluates a branch (and a sub-select in it) only when it is taken, so
// pg_current_wal_lsn() never runs in recovery. What needs a privilege the role may lack
// (pg_ls_archive_statusdir, pg_control_checkpoint: pg_monitor) is guarded by
// has_function_privilege and comes back null, as "unknown", instead of failing the statement.
// Bigints are cast to text inside the JSON, as node-pg would return them as columns.
//
// The row comes back as one JSON text column: node-pg rebuilds its column parsers and the row
// object from the RowDescription of every result, and for a row of seventeen columns that was
// the largest part of the worker's own CPU per sample (measured, bench --only=fleet); one column
// and one JSON.parse cost a fraction. Text, not json: the reader skips the parse when a node
// answers exactly what it answered last time (an idle node does, tick after tick).

const REPLICATION = `select application_name, client_addr::text as client_addr, state, sync_state,
      sent_lsn::text as sent_lsn, write_lsn::text as write_lsn, flush_lsn::text as flush_lsn, replay_lsn::text as replay_lsn,
      extract(epoch from write_lag)::float8 as write_lag, extract(epoch from flush_lag)::float8 as flush_lag,
      extract(epoch from replay_lag)::float8 as replay_lag, backend_start, reply_time
      from pg_stat_replication`;

const slots = (since17: boolean) => `select slot_name, slot_type, active, wal_status, safe_wal_size::text as safe_wal_size,
      restart_lsn::text as restart_lsn,
      pg_wal_lsn_diff(case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end, restart_lsn)::float8 as retained_bytes,
      ${since17 ? "inactive_since, invalidation_reason" : "null::timestamptz as inactive_since, null::text as invalidation_reason"}
      from pg_replication_slots`;

const PAUSE_STATE_13 = `case when pg_is_wal_replay_paused() then 'paused' else 'not paused' end`;
const PAUSE_STATE_14 = `pg_get_wal_replay_pause_state()`;

const CONFLICTS_13 = `confl_tablespace + confl_lock + confl_snapshot + confl_bufferpin + confl_deadlock`;
const CONFLICTS_16 = `${CONFLICTS_13} + confl_active_logicalslot`;

function nodeSample(pauseState: string, conflicts: string, since17: boolean): string {
  return `/* walden */ select row_to_json(t)::text as sample from (select r.in_recovery,
  current_setting('server_version_num')::int as server_version_num,
  current_setting('max_slot_wal_keep_size') as max_slot_wal_keep_size,
  (select coalesce(json_agg(s), '[]') from (${slots(since17)}) s) as slots,
  (select coalesce(json_agg(x), '[]') from (${REPLICATION}) x) as replication,
  case when not r.in_recovery then pg_current_wal_lsn()::text end as current_lsn,
  case when not r.in_recovery then ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int end as primary_timeline,
  case when not r.in_recovery then (select row_to_json(a) from (select archived_count::text as archived_count,
      failed_count::text as failed_count, last_archived_wal, last_archived_time, last_failed_wal, last_failed_time
      from pg_stat_archiver) a) end as archiver,
  case when not r.in_recovery and has_function_privilege('pg_ls_archive_statusdir()', 'execute')
    then (select count(*)::int from pg_ls_archive_statusdir() where name like '%.ready') end as ready_count,
  case when not r.in_recovery then pg_last_wal_replay_lsn()::text end as recovery_end_lsn,
  case when r.in_recovery then pg_last_wal_receive_lsn()::text end as receive_lsn,
  case when r.in_recovery then pg_last_wal_replay_lsn()::text end as replay_lsn,
  case when r.in_recovery then pg_last_xact_replay_timestamp() end as last_replay_at,
  case when r.in_recovery and pg_is_in_recovery() then ${pauseState} end as pause_state,
  case when r.in_recovery then (select row_to_json(w) from (select status, received_tli, flushed_lsn::text as flushed_lsn,
      latest_end_lsn::text as latest_end_lsn, last_msg_receipt_time, sender_host, sender_port, slot_name
      from pg_stat_wal_receiver) w) end as receiver,
  case when r.in_recovery then (select coalesce(sum(${conflicts}), 0)::int from pg_stat_database_conflicts) end as conflicts,
  case when r.in_recovery and has_function_privilege('pg_control_checkpoint()', 'execute')
    then (select timeline_id from pg_control_checkpoint()) end as standby_timeline
from (select pg_is_in_recovery() as in_recovery) r) t`;
}

/** One row per node and tick: see the file's comment. Keyed by the majors whose catalogs differ. */
export const nodeSampleQuery: VersionedQuery = {
  name: "node_sample",
  scope: "any",
  variants: {
    130000: nodeSample(PAUSE_STATE_13, CONFLICTS_13, false),
    140000: nodeSample(PAUSE_STATE_14, CONFLICTS_13, false),
    160000: nodeSample(PAUSE_STATE_14, CONFLICTS_16, false),
    170000: nodeSample(PAUSE_STATE_14, CONFLICTS_16, true),
  },
};

/** Timestamps inside JSON arrive as text. */
type Json<T> = { [K in keyof T]: T[K] extends Date | null ? string | null : T[K] };

/** What the statement returns: the sample as JSON text (see the file's comment). */
export interface NodeSampleTextRow {
  sample: string;
}

/** The sample, parsed. */
export interface NodeSampleRow {
  in_recovery: boolean;
  server_version_num: number;
  max_slot_wal_keep_size: string;
  slots: Json<ReplicationSlotRow>[];
  replication: Json<StatReplicationRow>[];
  current_lsn: string | null;
  primary_timeline: number | null;
  archiver: Json<ArchiverRow> | null;
  ready_count: number | null;
  recovery_end_lsn: string | null;
  receive_lsn: string | null;
  replay_lsn: string | null;
  last_replay_at: string | null;
  pause_state: string | null;
  receiver: Json<WalReceiverRow> | null;
  conflicts: number | null;
  standby_timeline: number | null;
}
