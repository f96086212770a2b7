-- How a sealed secret's AES-GCM associated data was formed. 1: tenant and kind only (every row before this
-- migration). 2: tenant, kind and the settings that decide where the secret goes (BlueConic's instanceUrl and
-- clientId, Iterable's region), so a settings row changed by anyone but the API no longer opens its secret.
-- Rows at 1 still open; the provisioner reseals them at 2 at start and in every sweep.
ALTER TABLE destination ADD COLUMN secret_binding smallint NOT NULL DEFAULT 1;
ALTER TABLE destination_ready ADD COLUMN secret_binding smallint NOT NULL DEFAULT 1;
