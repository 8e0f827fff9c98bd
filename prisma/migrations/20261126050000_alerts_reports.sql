-- Up Migration
-- Alert rules and alerts, notification channels and deliveries, report snapshots, RPO/RTO
-- targets per cluster (issue 6).

ALTER TABLE clusters ADD COLUMN rpo_target_seconds integer NOT NULL DEFAULT 93600;
ALTER TABLE clusters ADD COLUMN rto_target_seconds integer NOT NULL DEFAULT 3600;

CREATE TYPE "AlertState" AS ENUM ('pending', 'firing', 'resolved');

CREATE TABLE alert_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  cluster_id uuid REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  kind text NOT NULL,
  threshold double precision,
  for_seconds integer NOT NULL DEFAULT 0,
  severity text NOT NULL DEFAULT 'warning',
  enabled boolean NOT NULL DEFAULT true,
  channel_ids jsonb NOT NULL DEFAULT '[]',
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now(),
  updated_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE INDEX alert_rules_cluster_id_idx ON alert_rules (cluster_id);

CREATE TABLE alerts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  rule_id uuid NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE ON UPDATE CASCADE,
  cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  kind text NOT NULL,
  subject text NOT NULL DEFAULT '',
  state "AlertState" NOT NULL DEFAULT 'pending',
  severity text NOT NULL,
  message text NOT NULL,
  value double precision,
  pending_since timestamp(3) with time zone NOT NULL,
  started_at timestamp(3) with time zone,
  resolved_at timestamp(3) with time zone,
  acknowledged_at timestamp(3) with time zone,
  acknowledged_by text,
  silenced_until timestamp(3) with time zone,
  updated_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE INDEX alerts_state_cluster_id_idx ON alerts (state, cluster_id);
CREATE INDEX alerts_rule_id_subject_state_idx ON alerts (rule_id, subject, state);
CREATE INDEX alerts_started_at_idx ON alerts (started_at);

CREATE TABLE notification_channels (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL,
  name text NOT NULL,
  secret_encrypted text NOT NULL,
  display_target text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now(),
  updated_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX notification_channels_name_key ON notification_channels (name);

CREATE TABLE notification_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  channel_id uuid NOT NULL REFERENCES notification_channels (id) ON DELETE CASCADE ON UPDATE CASCADE,
  alert_id uuid REFERENCES alerts (id) ON DELETE CASCADE ON UPDATE CASCADE,
  event text NOT NULL,
  status text NOT NULL DEFAULT 'pending',
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  response_status integer,
  payload jsonb NOT NULL,
  next_attempt_at timestamp(3) with time zone NOT NULL DEFAULT now(),
  delivered_at timestamp(3) with time zone,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE INDEX notification_deliveries_status_next_attempt_at_idx ON notification_deliveries (status, next_attempt_at);
CREATE INDEX notification_deliveries_channel_id_created_at_idx ON notification_deliveries (channel_id, created_at);

CREATE TABLE report_snapshots (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  month text NOT NULL,
  cluster_id uuid REFERENCES clusters (id) ON DELETE CASCADE ON UPDATE CASCADE,
  report jsonb NOT NULL,
  sha256 text NOT NULL,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now()
);
CREATE INDEX report_snapshots_month_cluster_id_idx ON report_snapshots (month, cluster_id);

-- Down Migration
DROP TABLE report_snapshots;
DROP TABLE notification_deliveries;
DROP TABLE notification_channels;
DROP TABLE alerts;
DROP TABLE alert_rules;
DROP TYPE "AlertState";
ALTER TABLE clusters DROP COLUMN rto_target_seconds;
ALTER TABLE clusters DROP COLUMN rpo_target_seconds;
