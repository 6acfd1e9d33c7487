-- FACE-5, the Cachet face: components (status 1-6, ComponentStatusEnum; enabled; meta a JSON object) in
-- optional groups (visible 0 authenticated, 1 guest, 2 hidden; collapsed 0-2), names unique per kind, and
-- the components an incident affects with the status it gives each (null: none).
CREATE TABLE "page_component_group" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" VARCHAR(255) NOT NULL UNIQUE,
    "order" INTEGER NOT NULL DEFAULT 0,
    "order_column" VARCHAR(16),
    "order_direction" VARCHAR(4),
    "collapsed" SMALLINT NOT NULL DEFAULT 0 CHECK ("collapsed" BETWEEN 0 AND 2),
    "visible" SMALLINT NOT NULL DEFAULT 0 CHECK ("visible" BETWEEN 0 AND 2),
    "meta" TEXT,
    "created" BIGINT NOT NULL,
    "updated" BIGINT NOT NULL
);

CREATE TABLE "page_component" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT,
    "name" VARCHAR(255) NOT NULL UNIQUE,
    "description" TEXT,
    "link" TEXT,
    "status" SMALLINT NOT NULL DEFAULT 5 CHECK ("status" BETWEEN 1 AND 6),
    "order" INTEGER NOT NULL DEFAULT 0,
    "enabled" INTEGER NOT NULL DEFAULT 1,
    "group_id" INTEGER REFERENCES "page_component_group" ("id"),
    "meta" TEXT,
    "created" BIGINT NOT NULL,
    "updated" BIGINT NOT NULL
);
CREATE INDEX "page_component_group_id" ON "page_component" ("group_id");

CREATE TABLE "page_incident_component" (
    "incident_id" INTEGER NOT NULL REFERENCES "incident" ("id"),
    "component_id" INTEGER NOT NULL REFERENCES "page_component" ("id"),
    "component_status" SMALLINT CHECK ("component_status" BETWEEN 1 AND 6),
    PRIMARY KEY ("incident_id", "component_id")
);
CREATE INDEX "page_incident_component_component" ON "page_incident_component" ("component_id", "incident_id");
