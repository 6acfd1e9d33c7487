-- FACE-4, the Cachet face: what a Cachet incident holds beside the status-page fields (stickied, the
-- notifications flag, its guid, when it was published), and incident updates as notes with a status (0-4,
-- the phase's index) that can be edited (updated). The page_count triggers count none of these columns.
ALTER TABLE "page_incident" ADD COLUMN "stickied" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "page_incident" ADD COLUMN "notifications" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "page_incident" ADD COLUMN "guid" VARCHAR(36);
ALTER TABLE "page_incident" ADD COLUMN "published_at" BIGINT;
-- Cachet lists newest created first.
CREATE INDEX "page_incident_created" ON "page_incident" ("created", "visibility");

ALTER TABLE "page_note" ADD COLUMN "status" SMALLINT CHECK ("status" BETWEEN 0 AND 4);
ALTER TABLE "page_note" ADD COLUMN "updated" BIGINT;
