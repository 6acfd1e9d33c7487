-- The console's saved filters and display preferences, one set per user (issue 14). A saved filter is the
-- list's query string as the Argus API reads it; a name is unique per user.
CREATE TABLE "saved_filter" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "user_id" INTEGER NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    "name" VARCHAR(100) NOT NULL,
    "query" TEXT NOT NULL
);
CREATE UNIQUE INDEX "saved_filter_user_name" ON "saved_filter" ("user_id", "name");
-- time_zone '' is the server's zone (ARGUS_LITE_TIME_ZONE), page_size 0 the list's default.
CREATE TABLE "preference" (
    "user_id" INTEGER NOT NULL PRIMARY KEY REFERENCES "user" ("id") ON DELETE CASCADE,
    "time_zone" VARCHAR(64) NOT NULL DEFAULT '',
    "date_format" VARCHAR(16) NOT NULL DEFAULT 'iso',
    "page_size" INTEGER NOT NULL DEFAULT 0,
    "theme" VARCHAR(8) NOT NULL DEFAULT 'system',
    "refresh_seconds" INTEGER NOT NULL DEFAULT 30
);
