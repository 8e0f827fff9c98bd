-- Up Migration
-- Grandfather-father-son retention tiers (issue 14): beside the recovery window and minimum
-- redundancy, keep the newest physical backup of each of the last N days, ISO weeks, months
-- and years. 0 turns a tier off, so existing policies keep behaving as before.

ALTER TABLE retention_policies
  ADD COLUMN keep_daily integer NOT NULL DEFAULT 0 CHECK (keep_daily BETWEEN 0 AND 1000),
  ADD COLUMN keep_weekly integer NOT NULL DEFAULT 0 CHECK (keep_weekly BETWEEN 0 AND 1000),
  ADD COLUMN keep_monthly integer NOT NULL DEFAULT 0 CHECK (keep_monthly BETWEEN 0 AND 1000),
  ADD COLUMN keep_yearly integer NOT NULL DEFAULT 0 CHECK (keep_yearly BETWEEN 0 AND 1000);

-- Down Migration
ALTER TABLE retention_policies
  DROP COLUMN keep_yearly,
  DROP COLUMN keep_monthly,
  DROP COLUMN keep_weekly,
  DROP COLUMN keep_daily;
