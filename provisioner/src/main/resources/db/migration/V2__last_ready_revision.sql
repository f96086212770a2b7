-- The last revision of each destination that became READY, with its settings and its sealed credentials:
-- what dispatchers keep delivering with while a changed revision (new settings, a rotated secret) is
-- provisioned, and until it becomes READY in turn. Gone with its destination.
CREATE TABLE destination_ready (
    tenant_id     text   NOT NULL,
    kind          text   NOT NULL,
    revision      bigint NOT NULL,
    settings      jsonb  NOT NULL,
    secret_key_id text   NOT NULL,
    secret_nonce  bytea  NOT NULL,
    secret_sealed bytea  NOT NULL,
    PRIMARY KEY (tenant_id, kind),
    FOREIGN KEY (tenant_id, kind) REFERENCES destination ON DELETE CASCADE
);

INSERT INTO destination_ready (tenant_id, kind, revision, settings, secret_key_id, secret_nonce, secret_sealed)
SELECT tenant_id, kind, revision, settings, secret_key_id, secret_nonce, secret_sealed FROM destination WHERE status = 'READY';

-- Which registration a row is: a destination deleted and registered again starts at revision 1 again, and a
-- run of the deleted one must not write its outcome onto the new one. Runs match revision and registration.
CREATE SEQUENCE destination_registration;
ALTER TABLE destination ADD COLUMN registration bigint NOT NULL DEFAULT nextval('destination_registration');
