-- FACE-4, FACE-5: incidents published to a status page through a face (ProdManager, Cachet) carry a row of
-- their own beside the incident; what they affect (ProdManager scopes and services) are rows with unique
-- names; the notes a status page shows (creation, changes, comments) keep their visibility (FACE-7).
CREATE TABLE "page_scope" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" VARCHAR(255) NOT NULL UNIQUE,
    "description" TEXT
);

CREATE TABLE "page_service" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" VARCHAR(255) NOT NULL UNIQUE,
    "description" TEXT
);

-- phase: reported, investigating, identified, monitoring, resolved (FACE-4); start_time is the incident's,
-- repeated so that a face's page and its total walk one index; visibility 0 internal, 1 public, 2 hidden.
CREATE TABLE "page_incident" (
    "incident_id" INTEGER NOT NULL PRIMARY KEY REFERENCES "incident" ("id"),
    "face" VARCHAR(16) NOT NULL,
    "phase" VARCHAR(16) NOT NULL
        CHECK ("phase" IN ('reported', 'investigating', 'identified', 'monitoring', 'resolved')),
    "start_time" BIGINT NOT NULL,
    "body" TEXT,
    "external_reference" VARCHAR(500),
    "external_link" TEXT,
    "investigating_at" BIGINT,
    "monitoring_at" BIGINT,
    "created" BIGINT NOT NULL,
    "updated" BIGINT NOT NULL,
    "visibility" SMALLINT NOT NULL DEFAULT 1 CHECK ("visibility" BETWEEN 0 AND 2),
    "scope_id" INTEGER REFERENCES "page_scope" ("id"),
    "service_id" INTEGER REFERENCES "page_service" ("id")
);
CREATE INDEX "page_incident_start_time" ON "page_incident" ("start_time", "incident_id");
CREATE INDEX "page_incident_phase" ON "page_incident" ("phase", "start_time");
CREATE INDEX "page_incident_scope" ON "page_incident" ("scope_id", "start_time");
CREATE INDEX "page_incident_service" ON "page_incident" ("service_id", "start_time");
CREATE INDEX "page_incident_external_reference" ON "page_incident" ("external_reference");

-- kind: created and changed (content: JSON of the fields, old and new), comment (content: its text).
CREATE TABLE "page_note" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "incident_id" INTEGER NOT NULL REFERENCES "incident" ("id"),
    "event_id" INTEGER REFERENCES "event" ("id"),
    "kind" VARCHAR(16) NOT NULL CHECK ("kind" IN ('created', 'changed', 'comment')),
    "is_public" INTEGER NOT NULL DEFAULT 0,
    "content" TEXT NOT NULL,
    "created" BIGINT NOT NULL
);
CREATE INDEX "page_note_incident" ON "page_note" ("incident_id", "id");
