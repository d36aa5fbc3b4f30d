-- 003-escalation.sql (postgresql): an unacknowledged alarm escalates step by step to the
-- maintainers of wider regions (town → county → city → province / SAR).
-- Keep in step with ../sqlite/003-escalation.sql.

-- The region path whose maintainers were told last ('' once nobody wider is left), and when.
ALTER TABLE alarm ADD COLUMN notified_path TEXT;
ALTER TABLE alarm ADD COLUMN notified_at BIGINT;
