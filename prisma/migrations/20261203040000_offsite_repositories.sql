-- Up Migration
-- Offsite repositories (issue 14): one S3-compatible repository per cluster, its secret
-- encrypted like a server password; backup copies say which kind of repository they went to;
-- the newest WAL segment shipped offsite per cluster and timeline, for continuous shipping
-- and the offsite lag.

CREATE TABLE offsite_repositories (
  cluster_id uuid PRIMARY KEY REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  kind text NOT NULL DEFAULT 's3' CHECK (kind = 's3'),
  endpoint text NOT NULL,
  region text NOT NULL,
  bucket text NOT NULL,
  prefix text,
  force_path_style boolean NOT NULL DEFAULT false,
  access_key_id text NOT NULL,
  secret_access_key_encrypted text NOT NULL,
  encryption_enabled boolean NOT NULL DEFAULT false,
  -- The age public key (age1…) objects are encrypted to; its secret key is never stored here.
  encryption_recipient text,
  retention_days integer,
  retention_min_backups integer,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now(),
  updated_at timestamp(3) with time zone NOT NULL DEFAULT now(),
  CHECK (NOT encryption_enabled OR encryption_recipient IS NOT NULL)
);

-- 'folder' for the second local repository's copies, 's3' for an offsite repository's.
ALTER TABLE backup_copies ADD COLUMN repository text NOT NULL DEFAULT 'folder'
  CHECK (repository IN ('folder', 's3'));
-- When the copy's objects were last checked against the backup's SHA256SUMS.
ALTER TABLE backup_copies ADD COLUMN verified_at timestamp(3) with time zone;

CREATE TABLE offsite_wal_positions (
  cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  timeline integer NOT NULL,
  -- The newest segment of this timeline in the offsite repository (24 hex digits).
  last_segment text NOT NULL,
  -- When that segment was archived (the archive file's time), for the lag in seconds.
  last_segment_archived_at timestamp(3) with time zone NOT NULL,
  history_shipped boolean NOT NULL DEFAULT false,
  shipped_at timestamp(3) with time zone NOT NULL DEFAULT now(),
  PRIMARY KEY (cluster_id, timeline)
);

-- Down Migration
DROP TABLE offsite_wal_positions;
ALTER TABLE backup_copies DROP COLUMN verified_at;
ALTER TABLE backup_copies DROP COLUMN repository;
DROP TABLE offsite_repositories;
