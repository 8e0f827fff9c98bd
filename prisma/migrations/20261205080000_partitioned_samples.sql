-- Up Migration
-- Raw replication samples stored by hour (issue 17): 500 nodes sampled every second are tens of
-- millions of rows a day, and pruning them with DELETE … WHERE at < now() - 48 h cost as much as
-- writing them (every row deleted, vacuumed, its index entries removed). The table is now
-- partitioned by range of `at`, one partition per UTC hour, kept in their own schema
-- (walden_partitions: the public schema holds only what schema.prisma describes); the worker's
-- maintenance (lib/replication/partitions.ts, with the minute rollup) creates the coming hours'
-- partitions ahead and drops the hours past retention as whole tables. Rows outside every hour
-- created so far (a worker that has not run yet, a test writing old rows) land in the default
-- partition, which the maintenance moves into their hour's partition when it creates it, and
-- prunes by DELETE (empty in normal operation).
-- The primary key includes the partition column, as PostgreSQL requires: (at, id), which also
-- serves the time-range scans the (at) index served. The id sequence carries on.

CREATE SCHEMA IF NOT EXISTS walden_partitions;

ALTER TABLE replication_samples RENAME TO replication_samples_unpartitioned;
ALTER INDEX replication_samples_pkey RENAME TO replication_samples_unpartitioned_pkey;
ALTER INDEX replication_samples_cluster_id_standby_at_idx RENAME TO replication_samples_unpartitioned_cluster_idx;
ALTER INDEX replication_samples_at_idx RENAME TO replication_samples_unpartitioned_at_idx;
ALTER TABLE replication_samples_unpartitioned
  RENAME CONSTRAINT replication_samples_cluster_id_fkey TO replication_samples_unpartitioned_cluster_id_fkey;

CREATE TABLE replication_samples (
  id bigint NOT NULL DEFAULT nextval('replication_samples_id_seq'),
  cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  standby text NOT NULL,
  at timestamp(3) with time zone NOT NULL,
  state text NOT NULL,
  primary_lsn bigint,
  replay_lsn bigint,
  write_bytes bigint,
  flush_bytes bigint,
  replay_bytes bigint,
  replay_seconds double precision,
  PRIMARY KEY (at, id)
) PARTITION BY RANGE (at);
ALTER SEQUENCE replication_samples_id_seq OWNED BY replication_samples.id;
CREATE INDEX replication_samples_cluster_id_standby_at_idx ON replication_samples (cluster_id, standby, at);

CREATE TABLE walden_partitions.replication_samples_default PARTITION OF replication_samples DEFAULT;

-- An hour's partition for every hour that has rows, and for this hour and the next six.
DO $$
DECLARE
  hour timestamptz;
BEGIN
  FOR hour IN
    SELECT DISTINCT date_trunc('hour', at, 'UTC') FROM replication_samples_unpartitioned
    UNION
    SELECT generate_series(date_trunc('hour', now(), 'UTC'), date_trunc('hour', now(), 'UTC') + interval '6 hours', interval '1 hour')
  LOOP
    EXECUTE format(
      'CREATE TABLE walden_partitions.%I PARTITION OF replication_samples FOR VALUES FROM (%L) TO (%L)',
      'replication_samples_p' || to_char(hour AT TIME ZONE 'UTC', 'YYYYMMDDHH24'),
      hour, hour + interval '1 hour');
  END LOOP;
END
$$;

INSERT INTO replication_samples SELECT * FROM replication_samples_unpartitioned;
DROP TABLE replication_samples_unpartitioned;

-- Down Migration
CREATE TABLE replication_samples_unpartitioned (
  id bigint NOT NULL DEFAULT nextval('replication_samples_id_seq') PRIMARY KEY,
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
INSERT INTO replication_samples_unpartitioned SELECT * FROM replication_samples;
ALTER SEQUENCE replication_samples_id_seq OWNED BY replication_samples_unpartitioned.id;
DROP TABLE replication_samples;
DROP SCHEMA walden_partitions CASCADE;
ALTER TABLE replication_samples_unpartitioned RENAME TO replication_samples;
ALTER INDEX replication_samples_unpartitioned_pkey RENAME TO replication_samples_pkey;
ALTER TABLE replication_samples
  RENAME CONSTRAINT replication_samples_unpartitioned_cluster_id_fkey TO replication_samples_cluster_id_fkey;
CREATE INDEX replication_samples_cluster_id_standby_at_idx ON replication_samples (cluster_id, standby, at);
CREATE INDEX replication_samples_at_idx ON replication_samples (at);
