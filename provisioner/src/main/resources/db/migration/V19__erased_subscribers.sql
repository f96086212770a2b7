-- Erased subscribers a segment read must not bring back (issue 29): an HMAC-SHA256 of the tenant and each identifier
-- (keyed by PROVISIONER_ERASURE_SALT, which the database never sees), until expires_at (PROVISIONER_ERASURE_MEMORY after
-- the erasure was recorded). No identifier is kept in clear. Expired rows are deleted as erasures are recorded.
CREATE TABLE erased_subscriber (
    tenant_id  text        NOT NULL,
    hash       bytea       NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, hash)
);
CREATE INDEX erased_subscriber_expiry ON erased_subscriber (expires_at);
