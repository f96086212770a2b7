-- Issue 26: a deleted BlueConic destination no longer takes its followed segments with it at once. The segment reader
-- publishes every member's exit first, then forgets them (a cascade would have removed the members silently). Each
-- followed segment keeps how its members are named, so their exits can be published once the destination is gone.
ALTER TABLE segment_followed DROP CONSTRAINT segment_followed_tenant_id_kind_fkey;
ALTER TABLE segment_followed ADD COLUMN identifier_name text NOT NULL DEFAULT 'email'
    CHECK (identifier_name IN ('email', 'userId'));
UPDATE segment_followed f SET identifier_name = 'userId' FROM destination_ready r
    WHERE r.tenant_id = f.tenant_id AND r.kind = f.kind AND COALESCE(r.settings->>'matchingProperty', 'email') <> 'email';
