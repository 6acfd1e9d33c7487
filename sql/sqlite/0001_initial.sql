-- argus_lite schema, SQLite. Instants are BIGINT microseconds since 1970-01-01 UTC on both backends:
-- the same comparisons and arithmetic (duration__gte, keysets) everywhere, and 4611686018427387904
-- (2^62) stands for end_time "infinity" (INC-3), later than any real instant.

CREATE TABLE "user" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "username" VARCHAR(150) NOT NULL UNIQUE,
    "password" VARCHAR(255) NOT NULL DEFAULT '',
    "first_name" VARCHAR(150) NOT NULL DEFAULT '',
    "last_name" VARCHAR(150) NOT NULL DEFAULT '',
    "email" VARCHAR(254) NOT NULL DEFAULT '',
    "is_active" INTEGER NOT NULL DEFAULT 1,
    "is_staff" INTEGER NOT NULL DEFAULT 0,
    "is_superuser" INTEGER NOT NULL DEFAULT 0
);

-- MOD-2, A-2: one token per user, only the SHA-256 of the key is kept.
CREATE TABLE "token" (
    "user_id" INTEGER NOT NULL PRIMARY KEY REFERENCES "user" ("id") ON DELETE CASCADE,
    "key_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created" BIGINT NOT NULL
);

CREATE TABLE "server_secret" (
    "name" VARCHAR(40) NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL
);

CREATE TABLE "source_system_type" (
    "name" VARCHAR(32) NOT NULL PRIMARY KEY
);

CREATE TABLE "source_system" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" VARCHAR(255) NOT NULL,
    "type_id" VARCHAR(32) NOT NULL REFERENCES "source_system_type" ("name"),
    "user_id" INTEGER NOT NULL UNIQUE REFERENCES "user" ("id"),
    "base_url" TEXT NOT NULL DEFAULT '',
    UNIQUE ("name", "type_id")
);

CREATE TABLE "incident" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "start_time" BIGINT NOT NULL,
    "end_time" BIGINT,
    "source_id" INTEGER NOT NULL REFERENCES "source_system" ("id"),
    "source_incident_id" VARCHAR(255) NOT NULL DEFAULT '',
    "details_url" TEXT NOT NULL DEFAULT '',
    "description" TEXT NOT NULL DEFAULT '',
    "level" SMALLINT NOT NULL DEFAULT 5 CHECK ("level" BETWEEN 1 AND 5),
    "ticket_url" TEXT NOT NULL DEFAULT ''
);
-- F-3: every list is ordered by (start_time, id) descending; the keyset walks this index.
CREATE INDEX "incident_start_time_id" ON "incident" ("start_time", "id");
CREATE INDEX "incident_source_start_time" ON "incident" ("source_id", "start_time", "id");
CREATE INDEX "incident_end_time" ON "incident" ("end_time");
-- INC-4: a non-empty source_incident_id is unique per source, enforced here so racing posts cannot both win.
CREATE UNIQUE INDEX "incident_source_incident_id" ON "incident" ("source_id", "source_incident_id")
    WHERE "source_incident_id" <> '';

CREATE TABLE "tag" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "key" VARCHAR(255) NOT NULL,
    "value" TEXT NOT NULL,
    UNIQUE ("key", "value")
);

CREATE TABLE "incident_tag" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "incident_id" INTEGER NOT NULL REFERENCES "incident" ("id"),
    "tag_id" INTEGER NOT NULL REFERENCES "tag" ("id"),
    "added_by_id" INTEGER NOT NULL REFERENCES "user" ("id"),
    "added_time" BIGINT NOT NULL,
    UNIQUE ("incident_id", "tag_id")
);
CREATE INDEX "incident_tag_tag_incident" ON "incident_tag" ("tag_id", "incident_id");

CREATE TABLE "event" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "incident_id" INTEGER NOT NULL REFERENCES "incident" ("id"),
    "actor_id" INTEGER NOT NULL REFERENCES "user" ("id"),
    "timestamp" BIGINT NOT NULL,
    "received" BIGINT NOT NULL,
    "type" VARCHAR(3) NOT NULL,
    "description" TEXT NOT NULL DEFAULT ''
);
CREATE INDEX "event_incident_timestamp" ON "event" ("incident_id", "timestamp", "id");
CREATE INDEX "event_timestamp_id" ON "event" ("timestamp", "id");

-- MOD-8: an acknowledgement shares its pk with its ACK event; incident_id is repeated so that
-- "acked" (INC-9) is one index probe per incident.
CREATE TABLE "acknowledgement" (
    "event_id" INTEGER NOT NULL PRIMARY KEY REFERENCES "event" ("id"),
    "incident_id" INTEGER NOT NULL REFERENCES "incident" ("id"),
    "expiration" BIGINT
);
CREATE INDEX "acknowledgement_incident_expiration" ON "acknowledgement" ("incident_id", "expiration");

CREATE TABLE "timeslot" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "user_id" INTEGER NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    "name" VARCHAR(40) NOT NULL,
    UNIQUE ("user_id", "name")
);

-- days: bit d-1 set for ISO weekday d; start/end: microseconds since midnight.
CREATE TABLE "time_recurrence" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "timeslot_id" INTEGER NOT NULL REFERENCES "timeslot" ("id") ON DELETE CASCADE,
    "days" SMALLINT NOT NULL,
    "start" BIGINT NOT NULL,
    "end" BIGINT NOT NULL,
    CHECK ("start" < "end")
);
CREATE INDEX "time_recurrence_timeslot" ON "time_recurrence" ("timeslot_id");

CREATE TABLE "filter" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "user_id" INTEGER NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    "name" VARCHAR(40) NOT NULL,
    "filter_string" TEXT NOT NULL DEFAULT '',
    "filter" TEXT NOT NULL DEFAULT '{}',
    UNIQUE ("user_id", "name")
);

CREATE TABLE "media" (
    "slug" VARCHAR(20) NOT NULL PRIMARY KEY,
    "name" VARCHAR(20) NOT NULL
);
INSERT INTO "media" ("slug", "name") VALUES ('email', 'Email'), ('sms', 'SMS');

-- MOD-9: settings are kept as columns; address is the email address or the E.164 number.
CREATE TABLE "destination" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "user_id" INTEGER NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    "media_id" VARCHAR(20) NOT NULL REFERENCES "media" ("slug"),
    "label" VARCHAR(50),
    "address" VARCHAR(254) NOT NULL,
    "is_synced" INTEGER NOT NULL DEFAULT 0,
    UNIQUE ("user_id", "media_id", "label"),
    UNIQUE ("user_id", "media_id", "address")
);
CREATE INDEX "destination_media_address" ON "destination" ("media_id", "address");

CREATE TABLE "notification_profile" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "user_id" INTEGER NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    "name" VARCHAR(40),
    "timeslot_id" INTEGER NOT NULL REFERENCES "timeslot" ("id") ON DELETE CASCADE,
    "active" INTEGER NOT NULL DEFAULT 1,
    UNIQUE ("user_id", "name")
);
CREATE INDEX "notification_profile_timeslot" ON "notification_profile" ("timeslot_id");

CREATE TABLE "profile_filter" (
    "profile_id" INTEGER NOT NULL REFERENCES "notification_profile" ("id") ON DELETE CASCADE,
    "filter_id" INTEGER NOT NULL REFERENCES "filter" ("id"),
    PRIMARY KEY ("profile_id", "filter_id")
);
CREATE INDEX "profile_filter_filter" ON "profile_filter" ("filter_id");

CREATE TABLE "profile_destination" (
    "profile_id" INTEGER NOT NULL REFERENCES "notification_profile" ("id") ON DELETE CASCADE,
    "destination_id" INTEGER NOT NULL REFERENCES "destination" ("id") ON DELETE CASCADE,
    PRIMARY KEY ("profile_id", "destination_id")
);
CREATE INDEX "profile_destination_destination" ON "profile_destination" ("destination_id");

-- N-11: one row per message, written in the event's transaction, sent after commit by the worker.
CREATE TABLE "outbox" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "event_id" INTEGER NOT NULL REFERENCES "event" ("id"),
    "media_id" VARCHAR(20) NOT NULL,
    "recipient" VARCHAR(254) NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "headers" TEXT NOT NULL DEFAULT '{}',
    "created" BIGINT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt" BIGINT NOT NULL,
    "sent" BIGINT,
    "last_error" TEXT NOT NULL DEFAULT ''
);
CREATE INDEX "outbox_pending" ON "outbox" ("next_attempt") WHERE "sent" IS NULL;
