-- Notifications (issue 28 part 3): who a destination tells about its health, and an outbox so every notice is
-- sent once whichever replica records the change.

-- A destination's notification settings; the webhook secret sealed like the credentials (AES-GCM, its key's id,
-- the associated data binding tenant, kind and webhook URL). Kept apart from the destination row: changing who is
-- told provisions nothing again.
CREATE TABLE destination_notification (
    tenant_id                  text        NOT NULL,
    kind                       text        NOT NULL,
    emails                     text[]      NOT NULL DEFAULT '{}',
    notify_on                  text        NOT NULL CHECK (notify_on IN ('failures', 'every_run')),
    webhook_url                text,
    webhook_secret_key_id      text,
    webhook_secret_nonce       bytea,
    webhook_secret_sealed      bytea,
    webhook_secret_fingerprint text,
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, kind),
    FOREIGN KEY (tenant_id, kind) REFERENCES destination ON DELETE CASCADE,
    CHECK ((webhook_url IS NULL) = (webhook_secret_sealed IS NULL))
);

-- The health last notified per destination (NEW, HEALTHY, FAILED, DEGRADED): a notice goes out when it changes, once.
CREATE TABLE destination_health (
    tenant_id text        NOT NULL,
    kind      text        NOT NULL,
    health    text        NOT NULL CHECK (health IN ('NEW', 'HEALTHY', 'FAILED', 'DEGRADED')),
    reason    text,
    since     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, kind),
    FOREIGN KEY (tenant_id, kind) REFERENCES destination ON DELETE CASCADE
);

-- The outbox: one row per notice, written in the transaction that records the change.
CREATE TABLE notification_event (
    id          bigserial   PRIMARY KEY,
    event_id    uuid        NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    tenant_id   text        NOT NULL,
    kind        text        NOT NULL,
    type        text        NOT NULL,
    status      text,
    reason      text,
    details     jsonb       NOT NULL DEFAULT '{}',
    occurred_at timestamptz NOT NULL DEFAULT now()
);

-- Per notice and channel: what is still to send, claimed by one replica at a time (claimed_until), retried with
-- backoff until it is sent or its time is up.
CREATE TABLE notification_delivery (
    id              bigserial   PRIMARY KEY,
    event_id        bigint      NOT NULL REFERENCES notification_event ON DELETE CASCADE,
    channel         text        NOT NULL CHECK (channel IN ('email', 'webhook')),
    status          text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'DROPPED')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_by      text,
    claimed_until   timestamptz,
    last_error      text,
    sent_at         timestamptz,
    UNIQUE (event_id, channel)
);

CREATE INDEX notification_delivery_due ON notification_delivery (next_attempt_at) WHERE status = 'PENDING';

-- Every attempt to send: which replica, when, how it went (the receiver's status, or the error).
CREATE TABLE notification_attempt (
    id           bigserial   PRIMARY KEY,
    delivery_id  bigint      NOT NULL REFERENCES notification_delivery ON DELETE CASCADE,
    attempt      integer     NOT NULL,
    replica      text        NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    outcome      text        NOT NULL CHECK (outcome IN ('SENT', 'RETRY', 'FAILED')),
    status_code  integer,
    error        text
);
