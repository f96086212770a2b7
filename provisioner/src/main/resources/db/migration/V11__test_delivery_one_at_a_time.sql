-- A test delivery (reason test) is an operator's resync too: one of them, a resync or a replay at a time per
-- destination, also when two requests arrive together (the loser is answered 409).
DROP INDEX destination_resync_one_requested;
CREATE UNIQUE INDEX destination_resync_one_requested ON destination_resync (tenant_id, kind)
    WHERE status <> 'DONE' AND reason IN ('requested', 'replay', 'test');
