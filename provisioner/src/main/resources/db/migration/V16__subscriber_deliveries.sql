-- What each destination last made of each subscriber (issue 29, "one subscriber's story"): one row per tenant,
-- destination and subscriber (its state-topic key, SubscriberKey.ofState), folded from the dispatchers' records on
-- subsets.subscriber-deliveries.v1 by the provisioner in batched upserts. Bounded: one row per subscriber and
-- destination, each of bounded size (identifiers of at most 256 and 254 characters, five values the contract bounds,
-- reasons of at most 64 and the vendor's words of at most 1,000 characters); a destination's rows go with it.
--   delivered_*:   the values the vendor last accepted, and when;
--   answer*:       the vendor's last answer for the subscriber (accepted, skipped, dead_lettered), with its words;
--   dead_letter_*: the last dead letter, its reason, the vendor's words and the values it carried.
CREATE TABLE subscriber_delivery (
    tenant_id          text        NOT NULL,
    kind               text        NOT NULL,
    state_key          text        NOT NULL,
    user_id            text,
    email              text,
    delivered_at       timestamptz,
    delivered_values   jsonb,
    answered_at        timestamptz NOT NULL,
    answer             text        NOT NULL,
    answer_reason      text,
    answer_detail      text,
    dead_letter_at     timestamptz,
    dead_letter_reason text,
    dead_letter_detail text,
    dead_letter_values jsonb,
    PRIMARY KEY (tenant_id, kind, state_key),
    FOREIGN KEY (tenant_id, kind) REFERENCES destination ON DELETE CASCADE
);
-- A subscriber asked for by e-mail may be keyed by its userId (state keys use the userId once one is linked).
CREATE INDEX subscriber_delivery_email ON subscriber_delivery (tenant_id, email) WHERE email IS NOT NULL;
