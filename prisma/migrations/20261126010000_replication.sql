-- Up Migration
-- Live replication monitoring: per-cluster sampling interval, the latest snapshot, raw samples
-- (48 h), minute/hour rollups (90 days / 2 years) and replication events.

ALTER TABLE clusters ADD COLUMN sample_interval_seconds integer NOT NULL DEFAULT 1
  CHECK (sample_interval_seconds BETWEEN 1 AND 60);

CREATE TABLE cluster_snapshots (
  cluster_id uuid PRIMARY KEY REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  sampled_at timestamp(3) with time zone NOT NULL,
  owner_id text NOT NULL,
  snapshot jsonb NOT NULL
);

CREATE TABLE replication_samples (
  id bigserial PRIMARY KEY,
  cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  standby text NOT NULL,
  at timestamp(3) with time zone NOT NULL,
  state text NOT NULL,
  primary_lsn bigint,
  replay_lsn bigint,
  write_bytes bigint,
  flush_bytes bigint,
  replay_bytes bigint,
  replay_seconds double precision
);
CREATE INDEX replication_samples_cluster_id_standby_at_idx ON replication_samples (cluster_id, standby, at);
CREATE INDEX replication_samples_at_idx ON replication_samples (at);

CREATE TABLE replication_rollups (
  cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  standby text NOT NULL,
  resolution text NOT NULL CHECK (resolution IN ('1m', '1h')),
  bucket timestamp(3) with time zone NOT NULL,
  samples integer NOT NULL,
  replay_bytes_min bigint,
  replay_bytes_avg double precision,
  replay_bytes_max bigint,
  replay_seconds_min double precision,
  replay_seconds_avg double precision,
  replay_seconds_max double precision,
  PRIMARY KEY (cluster_id, standby, resolution, bucket)
);
CREATE INDEX replication_rollups_resolution_bucket_idx ON replication_rollups (resolution, bucket);

CREATE TABLE replication_events (
  id bigserial PRIMARY KEY,
  cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  at timestamp(3) with time zone NOT NULL,
  node text NOT NULL,
  kind text NOT NULL,
  from_value text,
  to_value text,
  message text NOT NULL
);
CREATE INDEX replication_events_cluster_id_at_idx ON replication_events (cluster_id, at);

-- Down Migration
DROP TABLE replication_events;
DROP TABLE replication_rollups;
DROP TABLE replication_samples;
DROP TABLE cluster_snapshots;
ALTER TABLE clusters DROP COLUMN sample_interval_seconds;
