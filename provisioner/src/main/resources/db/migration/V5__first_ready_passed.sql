-- backfill_requested now marks a registration's first READY as past even when it opted out of the backfill, so
-- that turning the backfill on later does not make a later revision's READY a first one. Destinations READY
-- before this migration are past their first READY.
UPDATE destination d SET backfill_requested = true
WHERE NOT backfill_requested AND EXISTS (SELECT 1 FROM destination_ready r WHERE r.tenant_id = d.tenant_id AND r.kind = d.kind);
