-- Up Migration
-- Schedules (issue 16): more than one backup schedule per kind (a daily full logical dump and an
-- hourly dump of chosen tables), each with its own id and an optional name; the weekly
-- verification becomes a per-cluster schedule; and the weekly drill is no longer implicit (a
-- cluster without a drill row had one): existing clusters keep what they had through rows
-- written here, and a cluster registered with defaults:false gets neither.

DROP INDEX backup_schedules_cluster_id_kind_key;
CREATE INDEX backup_schedules_cluster_id_kind_idx ON backup_schedules (cluster_id, kind, created_at);
ALTER TABLE backup_schedules ADD COLUMN name text CHECK (char_length(name) BETWEEN 1 AND 60);

CREATE TABLE verify_schedules (
  cluster_id uuid PRIMARY KEY REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  cron text NOT NULL,
  timezone text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  last_run_at timestamp(3) with time zone,
  last_outcome text,
  updated_at timestamp(3) with time zone NOT NULL DEFAULT now()
);

-- What the fleet-wide job did until now: Sundays at 04:00 UTC, for every cluster.
INSERT INTO verify_schedules (cluster_id, cron, timezone, enabled)
  SELECT id, '0 4 * * 0', 'UTC', true FROM clusters;
-- What the missing drill row meant until now (lib/restore/drills.ts DEFAULT_DRILL_SCHEDULE).
INSERT INTO drill_schedules (cluster_id, cron, timezone, enabled)
  SELECT id, '0 5 * * 0', 'UTC', true FROM clusters
  WHERE id NOT IN (SELECT cluster_id FROM drill_schedules);

-- Down Migration
DROP TABLE verify_schedules;
ALTER TABLE backup_schedules DROP COLUMN name;
DROP INDEX backup_schedules_cluster_id_kind_idx;
CREATE UNIQUE INDEX backup_schedules_cluster_id_kind_key ON backup_schedules (cluster_id, kind);
