-- Issue 27: a segment read writes only what changed. Before, every member seen was staged in segment_read_member,
-- copied into segment_member and deleted again: about three row operations per member per read, whether or not
-- anything changed (15 million for a 5-million-member segment). Now a page stages only the subscribers that are not
-- members (the entries) and, in one row per page, the members it saw; when the last page is in, the members no page
-- saw (the exits) are staged once. Finishing deletes the exits and inserts the entries: an unchanged read writes no
-- member row.
--
-- A read under way staged its pages the old way: it starts over from the first page (no change is published twice,
-- none is lost: members change only when a read finishes).
DELETE FROM segment_read;

COMMENT ON TABLE segment_read_member IS 'a read under way: subscribers seen that are not members (its entries)';

-- The members a page of a read under way saw, one row per page (page = segment_read.pages when it was stored).
CREATE TABLE segment_read_seen (
    tenant_id   text    NOT NULL,
    segment_id  text    NOT NULL,
    page        integer NOT NULL,
    subscribers text[]  NOT NULL,
    PRIMARY KEY (tenant_id, segment_id, page),
    FOREIGN KEY (tenant_id, segment_id) REFERENCES segment_read ON DELETE CASCADE
);

-- A complete read's exits: members no page saw, staged once when the last page is stored.
CREATE TABLE segment_read_exit (
    tenant_id  text NOT NULL,
    segment_id text NOT NULL,
    subscriber text NOT NULL,
    PRIMARY KEY (tenant_id, segment_id, subscriber),
    FOREIGN KEY (tenant_id, segment_id) REFERENCES segment_read ON DELETE CASCADE
);
