-- A tenant's destination: its settings (no secrets), its sealed credentials and its provisioning status.
CREATE TABLE destination (
    tenant_id          text        NOT NULL,
    kind               text        NOT NULL CHECK (kind IN ('iterable', 'blueconic')),
    settings           jsonb       NOT NULL,
    -- AES-GCM: the key's id (so keys can rotate), the 12-byte nonce, ciphertext with its tag.
    secret_key_id      text        NOT NULL,
    secret_nonce       bytea       NOT NULL,
    secret_sealed      bytea       NOT NULL,
    secret_fingerprint text        NOT NULL,
    -- Bumped by every change of settings or credentials: a provisioning run finishes only its own revision.
    revision           bigint      NOT NULL DEFAULT 1,
    status             text        NOT NULL CHECK (status IN ('PENDING', 'PROVISIONING', 'READY', 'FAILED')),
    status_reason      text,
    retryable          boolean     NOT NULL DEFAULT false,
    failed_runs        integer     NOT NULL DEFAULT 0,
    next_attempt_at    timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, kind)
);

CREATE INDEX destination_due ON destination (status, next_attempt_at) WHERE status <> 'READY';

-- One provisioning run: which replica, for which revision, how it ended.
CREATE TABLE provisioning_attempt (
    id          bigserial   PRIMARY KEY,
    tenant_id   text        NOT NULL,
    kind        text        NOT NULL,
    revision    bigint      NOT NULL,
    replica     text        NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    outcome     text CHECK (outcome IN ('READY', 'FAILED', 'SUPERSEDED')),
    reason      text,
    FOREIGN KEY (tenant_id, kind) REFERENCES destination ON DELETE CASCADE
);

-- The ledger: each of the five fields per destination, as the vendor has it.
CREATE TABLE provisioned_field (
    tenant_id   text        NOT NULL,
    kind        text        NOT NULL,
    field       text        NOT NULL,
    remote_name text        NOT NULL,
    remote_type text        NOT NULL,
    action      text        NOT NULL CHECK (action IN ('CREATED', 'UPDATED', 'VERIFIED')),
    created_at  timestamptz,
    verified_at timestamptz NOT NULL,
    attempt_id  bigint      NOT NULL REFERENCES provisioning_attempt (id),
    PRIMARY KEY (tenant_id, kind, field),
    FOREIGN KEY (tenant_id, kind) REFERENCES destination ON DELETE CASCADE
);

-- Delivery history, from the dispatchers' outcome reports. Kept when a destination is deleted.
CREATE TABLE delivery_day (
    tenant_id     text   NOT NULL,
    kind          text   NOT NULL,
    day           date   NOT NULL,
    updated       bigint NOT NULL DEFAULT 0,
    rejected      bigint NOT NULL DEFAULT 0,
    dead_lettered bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, kind, day)
);

CREATE TABLE delivery_summary (
    tenant_id         text NOT NULL,
    kind              text NOT NULL,
    last_success_at   timestamptz,
    last_error_at     timestamptz,
    last_error_reason text,
    last_error        text,
    PRIMARY KEY (tenant_id, kind)
);

-- Reports applied, so a report redelivered by Kafka is counted once.
CREATE TABLE delivery_report_applied (
    report_id  uuid        PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
