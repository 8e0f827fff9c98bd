-- Up Migration
-- Backup repositories per cluster, schedules, retention policies and second copies (issue 4).

ALTER TABLE clusters ADD COLUMN repository_path text;
ALTER TABLE clusters ADD COLUMN secondary_repository_path text;
ALTER TABLE clusters ADD COLUMN secondary_offsite boolean NOT NULL DEFAULT false;
ALTER TABLE backups ADD COLUMN schedule_id uuid;

CREATE TABLE backup_schedules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  kind "BackupKind" NOT NULL,
  cron text NOT NULL,
  timezone text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  options jsonb NOT NULL,
  last_run_at timestamp(3) with time zone,
  last_outcome text,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now(),
  updated_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX backup_schedules_cluster_id_kind_key ON backup_schedules (cluster_id, kind);

CREATE TABLE retention_policies (
  cluster_id uuid PRIMARY KEY REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  recovery_window_days integer NOT NULL DEFAULT 7 CHECK (recovery_window_days BETWEEN 0 AND 3650),
  min_redundancy integer NOT NULL DEFAULT 2 CHECK (min_redundancy BETWEEN 1 AND 1000),
  logical_keep integer NOT NULL DEFAULT 7 CHECK (logical_keep BETWEEN 0 AND 10000),
  updated_at timestamp(3) with time zone NOT NULL DEFAULT now()
);

CREATE TABLE backup_copies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  backup_id uuid NOT NULL REFERENCES backups (id) ON DELETE CASCADE ON UPDATE CASCADE,
  path text NOT NULL,
  offsite boolean NOT NULL DEFAULT false,
  status text NOT NULL,
  checksum text,
  size_bytes bigint,
  error text,
  started_at timestamp(3) with time zone,
  finished_at timestamp(3) with time zone,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE INDEX backup_copies_backup_id_idx ON backup_copies (backup_id);

CREATE TABLE restore_windows (
  cluster_id uuid PRIMARY KEY REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  computed_at timestamp(3) with time zone NOT NULL,
  "window" jsonb,
  error text
);

-- Down Migration
DROP TABLE restore_windows;
DROP TABLE backup_copies;
DROP TABLE retention_policies;
DROP TABLE backup_schedules;
ALTER TABLE backups DROP COLUMN schedule_id;
ALTER TABLE clusters DROP COLUMN secondary_offsite;
ALTER TABLE clusters DROP COLUMN secondary_repository_path;
ALTER TABLE clusters DROP COLUMN repository_path;
