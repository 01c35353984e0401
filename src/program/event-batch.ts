// Many events in one statement, for the batch jobs (usage import, low-usage sweep, annual assessment):
// the same rows appendEvent writes, inserted set-based so a page of 500 changes costs one round trip.
// Like appendEvent, it must run inside the transaction that makes the changes (R-EVT-1); the caller
// tells the bus the returned position only after that transaction committed (R-EVT-2).
import { eventRow, type NewEvent, type Tx } from "../events/log.js";
import type { Program } from "./program.js";

/** Appends the events in order, stamped `occurredAt` (the program clock, R-TIME-1); returns the highest position written (null when there were none). */
export async function appendEvents(tx: Tx, events: readonly NewEvent[], occurredAt: Date): Promise<bigint | null> {
  if (events.length === 0) return null;
  const rows = events.map(eventRow);
  // WITH ORDINALITY keeps the caller's order in the positions.
  const [row] = await tx.$queryRawUnsafe<{ last: bigint | null }[]>(
    `WITH input AS (
       SELECT r.*, o.n FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS o(doc, n),
         LATERAL jsonb_to_record(o.doc) AS r("type" text, "actorKind" text, "actorId" uuid, "subjectType" text, "subjectId" uuid,
           "partnerId" uuid, "appId" uuid, "listingId" uuid, "marketplace" text, "publicChange" boolean, "before" jsonb, "after" jsonb,
           "reason" text, "requestId" text)
     ), inserted AS (
       INSERT INTO "Event" ("type", "actorKind", "actorId", "subjectType", "subjectId", "partnerId", "appId", "listingId", "marketplace",
         "publicChange", "before", "after", "reason", "requestId", "occurredAt")
       SELECT "type", "actorKind"::"ActorKind", "actorId", "subjectType", "subjectId", "partnerId", "appId", "listingId",
         "marketplace"::"Marketplace", "publicChange", "before", "after", "reason", "requestId", $2::timestamptz
       FROM input ORDER BY n
       RETURNING "position"
     )
     SELECT max("position") AS last FROM inserted`,
    JSON.stringify(rows), occurredAt.toISOString(),
  );
  return row?.last ?? null;
}

/**
 * program.change for work that appends its events with appendEvents: one transaction, and the bus
 * hears the last position only after it committed.
 */
export async function changeInBatch<T>(program: Program, work: (tx: Tx) => Promise<{ result: T; lastPosition: bigint | null }>): Promise<T> {
  const { result, lastPosition } = await program.change((tx) => work(tx));
  if (lastPosition !== null) program.bus.notifyCommitted(lastPosition);
  return result;
}
