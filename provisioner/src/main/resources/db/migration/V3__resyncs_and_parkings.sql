-- Whether a destination's first READY starts a backfill of every subscriber (opt out at registration), and
-- whether this registration's backfill was asked for already. Destinations READY before this migration count
-- as backfilled: they have been delivered to all along.
ALTER TABLE destination ADD COLUMN backfill_on_ready boolean NOT NULL DEFAULT true;
ALTER TABLE destination ADD COLUMN backfill_requested boolean NOT NULL DEFAULT false;
UPDATE destination SET backfill_requested = true;

-- Resyncs: a tenant's subscribers sent again to one destination from the state topic, by the dispatcher that
-- owns the tenant. reason: requested (an operator), ready (a first READY), recovered (a parked lane's vendor
-- answers again: its changes since from_offset), replay (the subscribers named, from the dead-letter topic).
-- One runs at a time per destination: the oldest not DONE. The dispatcher reports end_offset, total, position
-- (where it resumes after a restart) and sent.
CREATE TABLE destination_resync (
    id            bigserial   PRIMARY KEY,
    tenant_id     text        NOT NULL,
    kind          text        NOT NULL,
    reason        text        NOT NULL,
    detail        text,
    from_offset   bigint      NOT NULL DEFAULT 0,
    subscribers   text[],
    status        text        NOT NULL DEFAULT 'PENDING',
    requested_at  timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    end_offset    bigint,
    total         bigint,
    position      bigint,
    sent          bigint      NOT NULL DEFAULT 0,
    last_error    text,
    last_error_at timestamptz,
    FOREIGN KEY (tenant_id, kind) REFERENCES destination ON DELETE CASCADE
);
CREATE INDEX destination_resync_active ON destination_resync (kind, tenant_id, id) WHERE status <> 'DONE';
-- An operator's resync or replay waits for no other: one of them at a time per destination.
CREATE UNIQUE INDEX destination_resync_one_requested ON destination_resync (tenant_id, kind)
    WHERE status <> 'DONE' AND reason IN ('requested', 'replay');

-- A destination whose dispatcher lane parked after failing too long: DEGRADED until its vendor answers again.
CREATE TABLE destination_parking (
    tenant_id   text        NOT NULL,
    kind        text        NOT NULL,
    partition   integer     NOT NULL,
    from_offset bigint      NOT NULL,
    reason      text        NOT NULL,
    parked_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, kind),
    FOREIGN KEY (tenant_id, kind) REFERENCES destination ON DELETE CASCADE
);
