-- Up Migration
-- The backup catalog (issue 4).

CREATE TYPE "BackupKind" AS ENUM ('physical', 'logical');
CREATE TYPE "BackupStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'expired');

CREATE TABLE backups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  kind "BackupKind" NOT NULL,
  status "BackupStatus" NOT NULL DEFAULT 'queued',
  label text,
  options jsonb NOT NULL,
  requested_by text NOT NULL,
  path text,
  progress double precision,
  worker_id text,
  heartbeat_at timestamp(3) with time zone,
  started_at timestamp(3) with time zone,
  finished_at timestamp(3) with time zone,
  size_bytes bigint,
  database text,
  start_lsn text,
  stop_lsn text,
  timeline integer,
  start_wal text,
  stop_wal text,
  server_version_num integer,
  system_identifier text,
  checksum text,
  verified boolean NOT NULL DEFAULT false,
  verified_at timestamp(3) with time zone,
  verify_log text,
  pinned boolean NOT NULL DEFAULT false,
  error text,
  log text,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE INDEX backups_cluster_id_status_kind_idx ON backups (cluster_id, status, kind);
CREATE INDEX backups_status_heartbeat_at_idx ON backups (status, heartbeat_at);

-- Down Migration
DROP TABLE backups;
DROP TYPE "BackupStatus";
DROP TYPE "BackupKind";
