-- Notifications (issue 28 part 3), what V9 left out: dead letters above a threshold in an hour, and the daily summary;
-- and the test subscribers saved on a destination (issue 28 part 2).

-- The threshold per destination (deadLettersPerHour); null for settings saved before this migration: the provisioner's
-- PROVISIONER_NOTIFY_DEAD_LETTERS_PER_HOUR then applies.
ALTER TABLE destination_notification ADD COLUMN dead_letters_per_hour integer CHECK (dead_letters_per_hour > 0);

-- Whether the destination's dead letters were last told to be at or above its threshold: a notice goes out when
-- they reach it, and again only after they fell below it and reached it again.
CREATE TABLE dead_letter_alarm (
    tenant_id  text        NOT NULL,
    kind       text        NOT NULL,
    above      boolean     NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, kind),
    FOREIGN KEY (tenant_id, kind) REFERENCES destination ON DELETE CASCADE
);

-- Dead letters per registered destination and minute of the reports' window ends, from the dispatchers' delivery
-- reports: the count in the hour before a report is the sum of its 60 minutes. Minutes older than two hours are deleted
-- as reports come; all of them with the destination.
CREATE TABLE dead_letter_minute (
    tenant_id     text        NOT NULL,
    kind          text        NOT NULL,
    minute        timestamptz NOT NULL,
    dead_lettered bigint      NOT NULL,
    PRIMARY KEY (tenant_id, kind, minute),
    FOREIGN KEY (tenant_id, kind) REFERENCES dead_letter_alarm ON DELETE CASCADE
);

-- The daily summaries queued (notify_on every_run): one per destination and day, whichever replica queues it first
-- (the others' inserts conflict and queue nothing), in the transaction that queues its notice.
CREATE TABLE notification_daily (
    tenant_id text        NOT NULL,
    kind      text        NOT NULL,
    day       date        NOT NULL,
    queued_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, kind, day)
);

-- The test subscribers saved on a destination ([{userId?, email?}], at most 25): what POST .../test sends when its body
-- names none. Apart from the settings: changing them provisions nothing again and reaches no dispatcher.
ALTER TABLE destination ADD COLUMN test_subscribers jsonb NOT NULL DEFAULT '[]'::jsonb;
