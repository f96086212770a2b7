-- Where a resync waits in its dispatcher replica's queue (1: it starts next), as that dispatcher last said; null once
-- it runs. A replica runs a bounded number of resyncs at once (*_RESYNC_MAX_RUNNING, *_RESYNC_MAX_READERS).
ALTER TABLE destination_resync ADD COLUMN queue_position integer;
