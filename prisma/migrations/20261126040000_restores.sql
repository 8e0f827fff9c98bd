-- Up Migration
-- Restores, drills and relation maps for the event finder (issue 5).

CREATE TYPE "RestoreKind" AS ENUM ('pitr', 'logical', 'table');
CREATE TYPE "RestoreStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

CREATE TABLE restores (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  kind "RestoreKind" NOT NULL,
  status "RestoreStatus" NOT NULL DEFAULT 'queued',
  purpose text NOT NULL DEFAULT 'restore',
  request jsonb NOT NULL,
  plan jsonb,
  backup_id uuid REFERENCES backups (id) ON DELETE SET NULL ON UPDATE CASCADE,
  source_restore_id uuid,
  steps jsonb NOT NULL DEFAULT '[]',
  progress double precision,
  eta_seconds integer,
  instance jsonb,
  instance_state text,
  port integer,
  reached jsonb,
  verification jsonb,
  rto_ms integer,
  error text,
  requested_by text NOT NULL,
  worker_id text,
  heartbeat_at timestamp(3) with time zone,
  cancel_requested_at timestamp(3) with time zone,
  expires_at timestamp(3) with time zone,
  started_at timestamp(3) with time zone,
  finished_at timestamp(3) with time zone,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE INDEX restores_cluster_id_created_at_idx ON restores (cluster_id, created_at);
CREATE INDEX restores_status_heartbeat_at_idx ON restores (status, heartbeat_at);
CREATE INDEX restores_instance_state_expires_at_idx ON restores (instance_state, expires_at);

CREATE TABLE drill_schedules (
  cluster_id uuid PRIMARY KEY REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  cron text NOT NULL,
  timezone text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  last_run_at timestamp(3) with time zone,
  last_outcome text,
  updated_at timestamp(3) with time zone NOT NULL DEFAULT now()
);

CREATE TABLE relation_maps (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  captured_at timestamp(3) with time zone NOT NULL,
  lsn text,
  backup_id uuid,
  entries jsonb NOT NULL
);
CREATE INDEX relation_maps_cluster_id_captured_at_idx ON relation_maps (cluster_id, captured_at);

-- Down Migration
DROP TABLE relation_maps;
DROP TABLE drill_schedules;
DROP TABLE restores;
DROP TYPE "RestoreStatus";
DROP TYPE "RestoreKind";
