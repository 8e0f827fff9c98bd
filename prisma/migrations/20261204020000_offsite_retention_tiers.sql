-- Up Migration
-- Grandfather-father-son tiers of the offsite repository (issue 14): beside the offsite
-- repository's own days and minimum backups (offsite_repositories), keep offsite the newest
-- physical backup of each of the last N days, ISO weeks, months and years. 0 turns a tier off,
-- so existing policies keep behaving as before.

ALTER TABLE retention_policies
  ADD COLUMN offsite_keep_daily integer NOT NULL DEFAULT 0 CHECK (offsite_keep_daily BETWEEN 0 AND 1000),
  ADD COLUMN offsite_keep_weekly integer NOT NULL DEFAULT 0 CHECK (offsite_keep_weekly BETWEEN 0 AND 1000),
  ADD COLUMN offsite_keep_monthly integer NOT NULL DEFAULT 0 CHECK (offsite_keep_monthly BETWEEN 0 AND 1000),
  ADD COLUMN offsite_keep_yearly integer NOT NULL DEFAULT 0 CHECK (offsite_keep_yearly BETWEEN 0 AND 1000);

-- Down Migration
ALTER TABLE retention_policies
  DROP COLUMN offsite_keep_yearly,
  DROP COLUMN offsite_keep_monthly,
  DROP COLUMN offsite_keep_weekly,
  DROP COLUMN offsite_keep_daily;
