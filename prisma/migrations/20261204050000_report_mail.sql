-- Up Migration
-- The monthly report mailed as a PDF (issue 16): one row of settings (which e-mail channel's
-- SMTP server sends it, to whom), and one row per mailing, so the 1st's run sends a month once
-- however often its job is delivered.

CREATE TABLE report_mail_settings (
  id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  enabled boolean NOT NULL DEFAULT true,
  -- An e-mail channel: its SMTP server and from address send the report.
  channel_id uuid REFERENCES notification_channels (id) ON DELETE SET NULL ON UPDATE CASCADE,
  -- ["cto@example.com", …]
  recipients jsonb NOT NULL DEFAULT '[]',
  updated_at timestamp(3) with time zone NOT NULL DEFAULT now()
);

CREATE TABLE report_mailings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  month text NOT NULL,
  -- scheduled (the 1st's run) | manual (an admin's "send now")
  trigger text NOT NULL,
  -- queued | sending | sent | failed
  status text NOT NULL DEFAULT 'queued',
  recipients jsonb NOT NULL DEFAULT '[]',
  error text,
  requested_by uuid,
  pdf_bytes integer,
  created_at timestamp(3) with time zone NOT NULL DEFAULT now(),
  sent_at timestamp(3) with time zone
);
-- The 1st's run claims its month here: a second delivery of the job finds it taken.
CREATE UNIQUE INDEX report_mailings_scheduled_month_key ON report_mailings (month) WHERE trigger = 'scheduled';
CREATE INDEX report_mailings_created_at_idx ON report_mailings (created_at);

-- Down Migration
DROP TABLE report_mailings;
DROP TABLE report_mail_settings;
