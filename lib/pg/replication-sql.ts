import type { VersionedQuery } from "@/lib/pg/versioned-sql";

// Every statement starts with /* walden */ so a DBA can tell our queries apart in
// pg_stat_activity and pg_stat_statements. LSNs come back as text ("X/XXXXXXXX").

/** Both roles: what the node is, so the sampler can tell a promoted standby from a primary. */
export const nodeIdentityQuery: VersionedQuery = {
  name: "node_identity",
  scope: "any",
  variants: {
    130000: `/* walden */ select pg_is_in_recovery() as in_recovery,
      current_setting('server_version_num')::int as server_version_num,
      current_setting('max_slot_wal_keep_size') as max_slot_wal_keep_size`,
  },
};

export interface NodeIdentityRow {
  in_recovery: boolean;
  server_version_num: number;
  max_slot_wal_keep_size: string;
}

/** Primary only: pg_current_wal_lsn() fails during recovery. The timeline is the WAL file name's first 8 hex digits. */
export const primaryPositionQuery: VersionedQuery = {
  name: "primary_position",
  scope: "primary",
  variants: {
    130000: `/* walden */ select pg_current_wal_lsn()::text as current_lsn,
      ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int as timeline`,
  },
};

export interface PrimaryPositionRow {
  current_lsn: string;
  timeline: number;
}

/** On the primary and on any standby that feeds a cascading standby. */
export const statReplicationQuery: VersionedQuery = {
  name: "stat_replication",
  scope: "any",
  variants: {
    130000: `/* walden */ select application_name, client_addr::text as client_addr, state, sync_state,
      sent_lsn::text as sent_lsn, write_lsn::text as write_lsn, flush_lsn::text as flush_lsn, replay_lsn::text as replay_lsn,
      extract(epoch from write_lag)::float8 as write_lag, extract(epoch from flush_lag)::float8 as flush_lag,
      extract(epoch from replay_lag)::float8 as replay_lag, backend_start, reply_time
      from pg_stat_replication`,
  },
};

export interface StatReplicationRow {
  application_name: string;
  client_addr: string | null;
  state: string | null;
  sync_state: string | null;
  sent_lsn: string | null;
  write_lsn: string | null;
  flush_lsn: string | null;
  replay_lsn: string | null;
  write_lag: number | null;
  flush_lag: number | null;
  replay_lag: number | null;
  backend_start: Date | null;
  reply_time: Date | null;
}

/**
 * Slots on any node (standbys hold slots for cascades). wal_status and safe_wal_size exist
 * since 13; 17 adds inactive_since and invalidation_reason. Retained bytes are measured
 * against the node's own position.
 */
export const replicationSlotsQuery: VersionedQuery = {
  name: "replication_slots",
  scope: "any",
  variants: {
    130000: `/* walden */ select slot_name, slot_type, active, wal_status, safe_wal_size, restart_lsn::text as restart_lsn,
      pg_wal_lsn_diff(case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end, restart_lsn)::float8 as retained_bytes,
      null::timestamptz as inactive_since, null::text as invalidation_reason
      from pg_replication_slots`,
    170000: `/* walden */ select slot_name, slot_type, active, wal_status, safe_wal_size, restart_lsn::text as restart_lsn,
      pg_wal_lsn_diff(case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end, restart_lsn)::float8 as retained_bytes,
      inactive_since, invalidation_reason
      from pg_replication_slots`,
  },
};

export interface ReplicationSlotRow {
  slot_name: string;
  slot_type: string;
  active: boolean;
  wal_status: string | null;
  safe_wal_size: string | null;
  restart_lsn: string | null;
  retained_bytes: number | null;
  inactive_since: Date | null;
  invalidation_reason: string | null;
}

export const archiverQuery: VersionedQuery = {
  name: "archiver",
  scope: "primary",
  variants: {
    130000: `/* walden */ select archived_count, failed_count, last_archived_wal, last_archived_time,
      last_failed_wal, last_failed_time from pg_stat_archiver`,
  },
};

export interface ArchiverRow {
  archived_count: string;
  failed_count: string;
  last_archived_wal: string | null;
  last_archived_time: Date | null;
  last_failed_wal: string | null;
  last_failed_time: Date | null;
}

/** Needs pg_monitor (or superuser); the sampler reports null when it is not allowed. */
export const archiveReadyQuery: VersionedQuery = {
  name: "archive_ready",
  scope: "primary",
  variants: {
    130000: `/* walden */ select count(*)::int as ready from pg_ls_archive_statusdir() where name like '%.ready'`,
  },
};

/**
 * Standby only. 14 replaced pg_is_wal_replay_paused() with a three-state
 * pg_get_wal_replay_pause_state() ("pause requested" is not yet paused).
 */
export const standbyPositionQuery: VersionedQuery = {
  name: "standby_position",
  scope: "standby",
  variants: {
    130000: `/* walden */ select pg_last_wal_receive_lsn()::text as receive_lsn, pg_last_wal_replay_lsn()::text as replay_lsn,
      pg_last_xact_replay_timestamp() as last_replay_at,
      case when pg_is_wal_replay_paused() then 'paused' else 'not paused' end as pause_state`,
    140000: `/* walden */ select pg_last_wal_receive_lsn()::text as receive_lsn, pg_last_wal_replay_lsn()::text as replay_lsn,
      pg_last_xact_replay_timestamp() as last_replay_at, pg_get_wal_replay_pause_state() as pause_state`,
  },
};

export interface StandbyPositionRow {
  receive_lsn: string | null;
  replay_lsn: string | null;
  last_replay_at: Date | null;
  pause_state: string;
}

/** 13 renamed received_lsn (12's name) to flushed_lsn and added written_lsn. */
export const walReceiverQuery: VersionedQuery = {
  name: "wal_receiver",
  scope: "standby",
  variants: {
    130000: `/* walden */ select status, received_tli, flushed_lsn::text as flushed_lsn, latest_end_lsn::text as latest_end_lsn,
      last_msg_receipt_time, sender_host, sender_port, slot_name from pg_stat_wal_receiver`,
  },
};

export interface WalReceiverRow {
  status: string;
  received_tli: number | null;
  flushed_lsn: string | null;
  latest_end_lsn: string | null;
  last_msg_receipt_time: Date | null;
  sender_host: string | null;
  sender_port: number | null;
  slot_name: string | null;
}

/** Queries cancelled on a standby by recovery conflicts; 16 adds logical-slot conflicts. */
export const recoveryConflictsQuery: VersionedQuery = {
  name: "recovery_conflicts",
  scope: "standby",
  variants: {
    130000: `/* walden */ select coalesce(sum(confl_tablespace + confl_lock + confl_snapshot + confl_bufferpin + confl_deadlock), 0)::int as conflicts
      from pg_stat_database_conflicts`,
    160000: `/* walden */ select coalesce(sum(confl_tablespace + confl_lock + confl_snapshot + confl_bufferpin + confl_deadlock + confl_active_logicalslot), 0)::int as conflicts
      from pg_stat_database_conflicts`,
  },
};

/** Standby only: the timeline it is replaying (from its last restartpoint's control data). */
export const standbyTimelineQuery: VersionedQuery = {
  name: "standby_timeline",
  scope: "standby",
  variants: {
    130000: `/* walden */ select timeline_id as timeline from pg_control_checkpoint()`,
  },
};
