-- The public status page reads bounded lists: the feed's newest public notes walk this index rather than
-- every note, and the incidents published later than now (rare) are found without a scan, so the
-- scope x service grid can come from page_count minus them.
CREATE INDEX "page_note_public" ON "page_note" ("is_public", "id");
CREATE INDEX "page_incident_published_at" ON "page_incident" ("published_at");
