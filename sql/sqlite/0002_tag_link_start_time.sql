-- A tag link carries its incident's start_time (which never changes), so a page of incidents with one
-- tag walks that tag's links in list order (F-2, F-3) instead of probing every incident for the tag.
ALTER TABLE "incident_tag" ADD COLUMN "start_time" BIGINT NOT NULL DEFAULT 0;
UPDATE "incident_tag" SET "start_time" = (SELECT "start_time" FROM "incident" WHERE "incident"."id" = "incident_tag"."incident_id");
DROP INDEX "incident_tag_tag_incident";
CREATE INDEX "incident_tag_tag_start_time" ON "incident_tag" ("tag_id", "start_time", "incident_id");
