-- Up Migration
-- High availability (issue 15): the registered role of a node is a preference; what the node
-- is now comes from the node itself (pg_is_in_recovery(), its timeline), written by the cluster's
-- sampler at each tick. lib/clusters/current-primary.ts reads these to name the writable node.

ALTER TABLE nodes
  ADD COLUMN observed_role text CHECK (observed_role IN ('primary', 'standby', 'unreachable')),
  ADD COLUMN observed_timeline integer,
  ADD COLUMN observed_error text,
  ADD COLUMN observed_at timestamptz(3),
  -- Since when the node has had its observed role (a split brain "lasts" from the later one).
  ADD COLUMN observed_since timestamptz(3);

-- Where a scheduled physical backup is taken: the primary, a named standby ("standby:<name>"),
-- or a streaming standby when there is one, else the primary ("prefer-standby").
ALTER TABLE backup_schedules
  ADD COLUMN backup_from text NOT NULL DEFAULT 'primary'
    CHECK (backup_from IN ('primary', 'prefer-standby') OR backup_from LIKE 'standby:_%');

-- Down Migration
ALTER TABLE backup_schedules DROP COLUMN backup_from;
ALTER TABLE nodes
  DROP COLUMN observed_since,
  DROP COLUMN observed_at,
  DROP COLUMN observed_error,
  DROP COLUMN observed_timeline,
  DROP COLUMN observed_role;
