-- A destination's erasure setting (issue 29): clear (the default, also for destinations registered before) or forget.
-- Kept apart from the settings, as the test subscribers are: changing it provisions nothing again; the dispatchers
-- read it in each destination's directory entry ("erasure").
ALTER TABLE destination ADD COLUMN erasure text NOT NULL DEFAULT 'clear' CHECK (erasure IN ('clear', 'forget'));

-- Erasures (issue 29): one row per subscriber.erased the state service applied (subsets.erasures.v1), and where it
-- stands at each destination the tenant had registered when it arrived. Neither holds an identifier of the subscriber,
-- except forget_identifier: what Iterable's POST /api/users/forget is called with, kept only until the call succeeded
-- (then null) or failed for good (then null too).
-- erased_at: the event's occurredAt; received_at: when the provisioner recorded it.
CREATE TABLE erasure (
    tenant_id   text        NOT NULL,
    erasure_id  text        NOT NULL,
    erased_at   timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, erasure_id)
);

-- One row per destination. A dispatcher's outcome may arrive before the erasure record: its row is written then (no
-- foreign key to erasure), and the endpoint answers 404 until the erasure record is in. A row never goes back to a
-- status of a lower rank (erasure_status_rank): a later pending never overwrites what a destination answered.
--   mode:   the destination's erasure setting when the row was first written (clear, forget)
--   status: pending, cleared, deleted, not_found, no_identifier, failed, forget_queued, forgotten
--   forget_*: the Iterable forget queue (mode forget, after the clear): its identifier, attempts, when it is due next,
--             and the claim of the replica calling it now (others skip it: FOR UPDATE SKIP LOCKED, then the lease).
CREATE TABLE erasure_destination (
    tenant_id            text        NOT NULL,
    erasure_id           text        NOT NULL,
    kind                 text        NOT NULL,
    mode                 text        NOT NULL CHECK (mode IN ('clear', 'forget')),
    status               text        NOT NULL CHECK (status IN ('pending', 'cleared', 'deleted', 'not_found', 'no_identifier',
                                                                 'failed', 'forget_queued', 'forgotten')),
    reason               text,
    detail               text,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    forget_identifier    text,
    forget_attempts      integer     NOT NULL DEFAULT 0,
    forget_next_at       timestamptz,
    forget_claimed_by    text,
    forget_claimed_until timestamptz,
    PRIMARY KEY (tenant_id, erasure_id, kind),
    CHECK (status = 'forget_queued' OR forget_identifier IS NULL)
);
CREATE INDEX erasure_forget_due ON erasure_destination (forget_next_at) WHERE status = 'forget_queued';

-- How far an erasure has come at a destination: a write of a lower rank is no news and changes nothing. A success
-- outranks "nothing there", which outranks a failure: a repeated erase row (a second DELETE answers NOTFOUND, a retry
-- may fail) never takes back what a destination did.
CREATE FUNCTION erasure_status_rank(status text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE status WHEN 'pending' THEN 0 WHEN 'failed' THEN 1 WHEN 'not_found' THEN 2 WHEN 'no_identifier' THEN 2
                       WHEN 'cleared' THEN 3 WHEN 'deleted' THEN 3 WHEN 'forget_queued' THEN 4 WHEN 'forgotten' THEN 5 END
$$;

-- Iterable forget calls per project (Iterable's limits are per project: 3 a second, 1,000 per 24 hours), shared by
-- every provisioner replica: a replica locks the project's row, counts its calls, and records its own before it calls.
-- Calls older than 24 hours are deleted as new ones are recorded.
CREATE TABLE iterable_forget_project (
    project_id text PRIMARY KEY
);
CREATE TABLE iterable_forget_call (
    project_id text        NOT NULL REFERENCES iterable_forget_project ON DELETE CASCADE,
    called_at  timestamptz NOT NULL
);
CREATE INDEX iterable_forget_call_by_project ON iterable_forget_call (project_id, called_at);
