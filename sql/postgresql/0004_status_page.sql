-- FACE-4, FACE-5: incidents published to a status page through a face (ProdManager, Cachet) carry a row of
-- their own beside the incident; what they affect (ProdManager scopes and services) are rows with unique
-- names; the notes a status page shows (creation, changes, comments) keep their visibility (FACE-7).
CREATE TABLE "page_scope" (
    "id" BIGSERIAL PRIMARY KEY,
    "name" VARCHAR(255) NOT NULL UNIQUE,
    "description" TEXT
);

CREATE TABLE "page_service" (
    "id" BIGSERIAL PRIMARY KEY,
    "name" VARCHAR(255) NOT NULL UNIQUE,
    "description" TEXT
);

-- phase: reported, investigating, identified, monitoring, resolved (FACE-4); start_time and level are the
-- incident's, repeated so that a face's page walks one table's indexes; visibility 0 internal, 1 public,
-- 2 hidden.
CREATE TABLE "page_incident" (
    "incident_id" BIGINT NOT NULL PRIMARY KEY REFERENCES "incident" ("id"),
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
    "level" SMALLINT NOT NULL DEFAULT 5,
    "scope_id" BIGINT REFERENCES "page_scope" ("id"),
    "service_id" BIGINT REFERENCES "page_service" ("id")
);
-- visibility is in the indexes that totals count over (impact dates, external_reference), so that they
-- count index entries without reading rows.
CREATE INDEX "page_incident_start_time" ON "page_incident" ("start_time", "visibility");
CREATE INDEX "page_incident_phase" ON "page_incident" ("phase", "start_time");
CREATE INDEX "page_incident_scope" ON "page_incident" ("scope_id", "start_time");
CREATE INDEX "page_incident_service" ON "page_incident" ("service_id", "start_time");
CREATE INDEX "page_incident_external_reference" ON "page_incident" ("external_reference", "visibility");
CREATE INDEX "page_incident_level" ON "page_incident" ("level", "start_time");

-- FACE-13: how many published incidents each combination of the list filters holds (scope and service 0:
-- none), kept by the triggers below in the transaction that changes them, so that a face's total is a sum
-- over this small table instead of a count over the published incidents.
CREATE TABLE "page_count" (
    "phase" VARCHAR(16) NOT NULL,
    "level" SMALLINT NOT NULL,
    "scope_id" BIGINT NOT NULL,
    "service_id" BIGINT NOT NULL,
    "visibility" SMALLINT NOT NULL,
    "total" BIGINT NOT NULL,
    PRIMARY KEY ("phase", "level", "scope_id", "service_id", "visibility")
);

-- kind: created and changed (content: JSON of the fields, old and new), comment (content: its text).
CREATE TABLE "page_note" (
    "id" BIGSERIAL PRIMARY KEY,
    "incident_id" BIGINT NOT NULL REFERENCES "incident" ("id"),
    "event_id" BIGINT REFERENCES "event" ("id"),
    "kind" VARCHAR(16) NOT NULL CHECK ("kind" IN ('created', 'changed', 'comment')),
    "is_public" BOOLEAN NOT NULL DEFAULT FALSE,
    "content" TEXT NOT NULL,
    "created" BIGINT NOT NULL
);
CREATE INDEX "page_note_incident" ON "page_note" ("incident_id", "id");

-- The old combination loses one, the new one gains one, in key order: two writers moving incidents between
-- the same two combinations in opposite directions then lock the rows in the same order (no deadlock).
CREATE FUNCTION "page_count_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "page_count" AS "c" ("phase", "level", "scope_id", "service_id", "visibility", "total")
    SELECT * FROM (
        SELECT OLD."phase", OLD."level", COALESCE(OLD."scope_id", 0), COALESCE(OLD."service_id", 0),
               OLD."visibility", -1 WHERE TG_OP <> 'INSERT'
        UNION ALL
        SELECT NEW."phase", NEW."level", COALESCE(NEW."scope_id", 0), COALESCE(NEW."service_id", 0),
               NEW."visibility", 1 WHERE TG_OP <> 'DELETE'
    ) AS "v" ("phase", "level", "scope_id", "service_id", "visibility", "total")
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("phase", "level", "scope_id", "service_id", "visibility")
        DO UPDATE SET "total" = "c"."total" + EXCLUDED."total";
    RETURN NULL;
END
$$;
CREATE TRIGGER "page_count_insert_delete" AFTER INSERT OR DELETE ON "page_incident"
    FOR EACH ROW EXECUTE FUNCTION "page_count_change"();
CREATE TRIGGER "page_count_update" AFTER UPDATE OF "phase", "level", "scope_id", "service_id", "visibility"
    ON "page_incident" FOR EACH ROW EXECUTE FUNCTION "page_count_change"();
-- The Argus API changes an incident's level (INC-7): its page row follows.
CREATE FUNCTION "page_incident_level"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "page_incident" SET "level" = NEW."level" WHERE "incident_id" = NEW."id" AND "level" <> NEW."level";
    RETURN NULL;
END
$$;
CREATE TRIGGER "page_incident_level" AFTER UPDATE OF "level" ON "incident"
    FOR EACH ROW EXECUTE FUNCTION "page_incident_level"();
