-- Unique subscribers updated (issue 28): an UltraLogLog sketch (hash4j, precision 12, 4096 bytes) per day and one
-- for all time, merged from the dispatchers' version 2 reports; and each day's last five subscribers updated,
-- newest first, as [{"userId", "email", "at"}]. Days counted before this migration have no sketch (null).
ALTER TABLE delivery_day ADD COLUMN unique_sketch bytea;
ALTER TABLE delivery_day ADD COLUMN last_updated jsonb NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE delivery_summary ADD COLUMN unique_sketch bytea;
