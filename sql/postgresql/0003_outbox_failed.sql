-- N-11: a message that cannot be sent is parked as failed, with its last_error: no longer pending, never
-- due again until `argus-lite notifications --retry-failed` requeues it.
ALTER TABLE "outbox" ADD COLUMN "failed" BIGINT;
-- Rows parked before (never due again) failed at a time not kept: their creation stands in for it.
UPDATE "outbox" SET "failed" = "created" WHERE "sent" IS NULL AND "next_attempt" >= 4611686018427387904;
DROP INDEX "outbox_pending";
CREATE INDEX "outbox_pending" ON "outbox" ("next_attempt") WHERE "sent" IS NULL AND "failed" IS NULL;
