-- Issue 27: a replay's subscribers in rows of their own. Before, they were one text[] (destination_resync.subscribers),
-- returned in every dispatch directory answer (every 10 s, to every replica) and decoded there; a replay after a revoked
-- key could name millions. Now the directory carries only how many (subscriber_count, null: every subscriber of the
-- tenant), and the replica that runs the resync pages its keys (GET /v1/dispatch/{kind}/resyncs/{id}/subscribers),
-- ordered by key. ordinal keeps the order they were named in (a test delivery reads its subscribers back in it).
-- A resync's keys are deleted when it is DONE, but a test delivery's (at most 25), which its verdict reads back.
ALTER TABLE destination_resync ADD COLUMN subscriber_count bigint;
COMMENT ON COLUMN destination_resync.subscriber_count IS
    'a replay or test delivery: how many subscribers it names (in destination_resync_subscriber); null: every one of the tenant';

CREATE TABLE destination_resync_subscriber (
    resync_id  bigint  NOT NULL REFERENCES destination_resync ON DELETE CASCADE,
    -- Byte order ("C"): the pages' keyset order, served by the primary key, the same whatever the database's locale.
    subscriber text    COLLATE "C" NOT NULL,
    ordinal    integer NOT NULL,
    PRIMARY KEY (resync_id, subscriber)
);
COMMENT ON TABLE destination_resync_subscriber IS 'the state-topic keys a replay or test delivery sends, one row each';

-- Resyncs under way keep what they send (and test deliveries what they read back); a finished replay keeps its count.
INSERT INTO destination_resync_subscriber (resync_id, subscriber, ordinal)
SELECT r.id, k.subscriber, min(k.ordinal)
FROM destination_resync r, unnest(r.subscribers) WITH ORDINALITY AS k(subscriber, ordinal)
WHERE r.subscribers IS NOT NULL AND (r.status <> 'DONE' OR r.reason = 'test')
GROUP BY r.id, k.subscriber;
UPDATE destination_resync r SET subscriber_count = (SELECT count(DISTINCT k) FROM unnest(r.subscribers) AS k)
WHERE r.subscribers IS NOT NULL;

ALTER TABLE destination_resync DROP COLUMN subscribers;
