-- FACE-4, the Cachet face: what a Cachet incident holds beside the status-page fields (stickied, the
-- notifications flag, its guid, when it was published), and incident updates as notes with a status (0-4,
-- the phase's index) that can be edited (updated). The page_count trigger counts none of these columns.
ALTER TABLE "page_incident" ADD COLUMN "stickied" BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE "page_incident" ADD COLUMN "notifications" BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE "page_incident" ADD COLUMN "guid" VARCHAR(36);
ALTER TABLE "page_incident" ADD COLUMN "published_at" BIGINT;
-- Cachet lists newest created first.
CREATE INDEX "page_incident_created" ON "page_incident" ("created", "visibility");

ALTER TABLE "page_note" ADD COLUMN "status" SMALLINT CHECK ("status" BETWEEN 0 AND 4);
ALTER TABLE "page_note" ADD COLUMN "updated" BIGINT;

-- A write that saves the whole page row without moving it to another combination (a Cachet update of its
-- name or flags) would propose the same page_count row twice in one INSERT, which PostgreSQL refuses: the
-- trigger now fires only when the combination changes.
DROP TRIGGER "page_count_update" ON "page_incident";
CREATE TRIGGER "page_count_update" AFTER UPDATE OF "phase", "level", "scope_id", "service_id", "visibility"
    ON "page_incident" FOR EACH ROW
    WHEN ((OLD."phase", OLD."level", OLD."scope_id", OLD."service_id", OLD."visibility") IS DISTINCT FROM
          (NEW."phase", NEW."level", NEW."scope_id", NEW."service_id", NEW."visibility"))
    EXECUTE FUNCTION "page_count_change"();
