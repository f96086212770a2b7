-- BlueConic segments a tenant follows, as its last complete reads found them (issue 20). A segment BlueConic no
-- longer has keeps its row, with deleted_at, after its members exited once.
CREATE TABLE segment_followed (
    tenant_id     text        NOT NULL,
    kind          text        NOT NULL DEFAULT 'blueconic' CHECK (kind = 'blueconic'),
    segment_id    text        NOT NULL,
    segment_name  text        NOT NULL,
    members       bigint      NOT NULL DEFAULT 0,
    last_read_at  timestamptz,
    last_error    text,
    last_error_at timestamptz,
    deleted_at    timestamptz,
    PRIMARY KEY (tenant_id, segment_id),
    FOREIGN KEY (tenant_id, kind) REFERENCES destination ON DELETE CASCADE
);

-- Members as of the last complete read, by the tenant's matching identifier (email or the id property).
CREATE TABLE segment_member (
    tenant_id  text NOT NULL,
    segment_id text NOT NULL,
    subscriber text NOT NULL,
    PRIMARY KEY (tenant_id, segment_id, subscriber),
    FOREIGN KEY (tenant_id, segment_id) REFERENCES segment_followed ON DELETE CASCADE
);
CREATE INDEX segment_member_by_subscriber ON segment_member (tenant_id, subscriber);

-- A read under way: its cursor after the last page stored, and the members seen so far. A crash resumes it; it
-- changes segment_member and publishes only once complete, so a read that fails midway reports no exits.
CREATE TABLE segment_read (
    tenant_id  text        NOT NULL,
    segment_id text        NOT NULL,
    read_id    text        NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    cursor     text        NOT NULL DEFAULT '*',
    pages      integer     NOT NULL DEFAULT 0,
    complete   boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, segment_id),
    FOREIGN KEY (tenant_id, segment_id) REFERENCES segment_followed ON DELETE CASCADE
);
CREATE TABLE segment_read_member (
    tenant_id  text NOT NULL,
    segment_id text NOT NULL,
    subscriber text NOT NULL,
    PRIMARY KEY (tenant_id, segment_id, subscriber),
    FOREIGN KEY (tenant_id, segment_id) REFERENCES segment_read ON DELETE CASCADE
);

-- When each tenant's segments are read next: whichever replica holds the tenant's lock reads it when due.
CREATE TABLE segment_schedule (
    tenant_id    text        PRIMARY KEY,
    next_read_at timestamptz NOT NULL
);
