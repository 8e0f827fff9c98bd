-- Up Migration
-- Restores and backups that are safe on real clusters (issue 12): a cluster is retired, never
-- deleted with its evidence; verifications and copies are claimed in the catalog like backups,
-- so a job that outlives its queue expiry runs once.

ALTER TABLE clusters ADD COLUMN retired_at timestamp(3) with time zone;

ALTER TABLE backups ADD COLUMN verify_worker_id text;
ALTER TABLE backups ADD COLUMN verify_started_at timestamp(3) with time zone;
ALTER TABLE backups ADD COLUMN verify_heartbeat_at timestamp(3) with time zone;

ALTER TABLE backup_copies ADD COLUMN worker_id text;
ALTER TABLE backup_copies ADD COLUMN heartbeat_at timestamp(3) with time zone;
-- One running copy per backup and destination: a second attempt of the same job cannot start another.
CREATE UNIQUE INDEX backup_copies_one_running ON backup_copies (backup_id, path) WHERE status = 'running';
