-- Cachet lists newest created first, ties in the same direction by pk: one index serves the whole order,
-- so a page reads its rows and not every incident created in the same microsecond (bulk imports).
DROP INDEX "page_incident_created";
CREATE INDEX "page_incident_created" ON "page_incident" ("created", "incident_id");
