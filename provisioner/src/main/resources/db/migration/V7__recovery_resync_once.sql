-- A dispatcher repeats a recovery until the provisioner acknowledges it, and a recovery queues its resync whether or
-- not the parking was ever recorded (the provisioner may have been away when the lane parked): one unfinished
-- recovery resync per destination and offset, however many times it is told.
CREATE UNIQUE INDEX destination_resync_one_recovery ON destination_resync (tenant_id, kind, from_offset)
    WHERE status <> 'DONE' AND reason = 'recovered';
