-- Up Migration
-- The first catalog: clusters and their nodes, users, sessions, API tokens, audit, worker heartbeats.
-- Hand-written to match prisma/schema.prisma; lib/db/drift.pg.test.ts fails when they disagree.

CREATE TYPE "Role" AS ENUM ('viewer', 'operator', 'admin');
CREATE TYPE "NodeRole" AS ENUM ('primary', 'standby');
CREATE TYPE "ArchiveMode" AS ENUM ('archive_command', 'stream');

CREATE TABLE clusters (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  archive_mode "ArchiveMode" NOT NULL,
  archive_path text,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now(),
  updated_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX clusters_name_key ON clusters (name);

CREATE TABLE nodes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  name text NOT NULL,
  role "NodeRole" NOT NULL,
  host text NOT NULL,
  port integer NOT NULL,
  username text NOT NULL,
  database text NOT NULL,
  password_encrypted text,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now(),
  updated_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX nodes_cluster_id_name_key ON nodes (cluster_id, name);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  name text,
  password_hash text NOT NULL,
  role "Role" NOT NULL,
  disabled_at timestamp(3) with time zone,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now(),
  updated_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash text NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  expires_at timestamp(3) with time zone NOT NULL,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  prefix text NOT NULL,
  token_hash text NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  role "Role" NOT NULL,
  expires_at timestamp(3) with time zone,
  last_used_at timestamp(3) with time zone,
  revoked_at timestamp(3) with time zone,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX api_tokens_token_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);

CREATE TABLE audit_events (
  id bigserial PRIMARY KEY,
  at timestamp(3) with time zone NOT NULL DEFAULT now(),
  actor_id uuid,
  actor_label text NOT NULL,
  action text NOT NULL,
  target_type text,
  target_id text,
  outcome text NOT NULL,
  details jsonb,
  ip text
);
CREATE INDEX audit_events_at_idx ON audit_events (at);
CREATE INDEX audit_events_actor_id_idx ON audit_events (actor_id);

CREATE TABLE worker_heartbeats (
  worker_id text PRIMARY KEY,
  hostname text NOT NULL,
  pid integer NOT NULL,
  started_at timestamp(3) with time zone NOT NULL,
  beat_at timestamp(3) with time zone NOT NULL
);

-- Down Migration
DROP TABLE worker_heartbeats;
DROP TABLE audit_events;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE nodes;
DROP TABLE clusters;
DROP TYPE "ArchiveMode";
DROP TYPE "NodeRole";
DROP TYPE "Role";
