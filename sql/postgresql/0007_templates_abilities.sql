-- FACE-14, the Cachet face: incident templates (reference §2.3), unique by slug; engine twig (blade is
-- refused when saved, FACE-14). Instants in µs as everywhere.
CREATE TABLE "incident_template" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(255) NOT NULL,
    "slug" VARCHAR(255) NOT NULL UNIQUE,
    "template" TEXT NOT NULL,
    "engine" VARCHAR(8) NOT NULL DEFAULT 'twig' CHECK ("engine" IN ('twig', 'blade')),
    "created" BIGINT NOT NULL,
    "updated" BIGINT NOT NULL
);

-- FACE-11: the Cachet 3.x abilities a token is limited to, comma-separated; NULL: every ability ("*").
ALTER TABLE "token" ADD COLUMN "abilities" TEXT;

-- Cachet 3.x incident meta (reference §2.4): a JSON object as text, NULL when none.
ALTER TABLE "page_incident" ADD COLUMN "meta" TEXT;
