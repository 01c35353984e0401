// Appending to the event log (R-EVT-1). Always called inside the transaction that makes the change,
// as its last write, so the event commits with the change or not at all. The table's trigger
// serialises appends so positions follow commit order (R-EVT-2).
import type { Prisma } from "../generated/prisma/client.js";
import type { Viewer } from "../auth/viewer.js";
import { EVENT_CATALOGUE, type EventPayloads, type EventType } from "../domain/events.js";
import type { Marketplace } from "../domain/listings/marketplaces.js";

export type Tx = Prisma.TransactionClient;

export interface Actor {
  readonly kind: "SYSTEM" | "PUBLIC" | "STAFF" | "PARTNER_MEMBER" | "API_TOKEN";
  readonly id: string | null;
}

export const systemActor: Actor = { kind: "SYSTEM", id: null };

export function actorOf(viewer: Viewer): Actor {
  switch (viewer.kind) {
    case "staff":
      return viewer.system ? systemActor : { kind: "STAFF", id: viewer.staffId };
    case "partner":
      return viewer.apiTokenId ? { kind: "API_TOKEN", id: viewer.apiTokenId } : { kind: "PARTNER_MEMBER", id: viewer.memberId };
    default:
      return { kind: "PUBLIC", id: null };
  }
}

/**
 * An event to append, typed by the catalogue (src/domain/events.ts): its payload must have the
 * shape the catalogue gives its type. The subject type comes from the catalogue too.
 */
export type NewEvent = { [T in EventType]: NewEventOf<T> }[EventType];

export interface NewEventOf<T extends EventType> {
  readonly type: T;
  readonly actor: Actor;
  readonly subjectId: string;
  /** Set on every event whose audience includes the partner (its history and partnerEvents). */
  readonly partnerId?: string | null;
  readonly appId?: string | null;
  readonly listingId?: string | null;
  readonly marketplace?: Marketplace | null;
  /** The change alters what the storefront shows (R-LIST-6); only for events with a `listing` storefront effect. */
  readonly publicChange?: boolean;
  readonly before?: EventPayloads[T]["before"] | null;
  readonly after?: EventPayloads[T]["after"] | null;
  readonly reason?: string | null;
  readonly requestId?: string | null;
}

/** JSON-safe copy: dates as ISO strings, bigints as strings. */
export function jsonSafe(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
  ) as Prisma.InputJsonValue;
}

export interface AppendedEvent {
  readonly position: bigint;
  readonly type: string;
  readonly partnerId: string | null;
  readonly marketplace: Marketplace | null;
  readonly publicChange: boolean;
}

/** The stored columns of an event (JSON-safe before/after), for appendEvent and the batch writer. */
export function eventRow(e: NewEvent) {
  const spec = EVENT_CATALOGUE[e.type];
  // Programming errors, caught by any test that writes the event: the catalogue's promises hold for every row.
  if (e.publicChange && spec.storefront !== "listing") throw new Error(`${e.type} cannot be a storefront change: its storefront effect is ${spec.storefront}`);
  if (spec.audiences.includes("partner") && !e.partnerId) throw new Error(`${e.type} is read by its partner, so it must name the partner`);
  const subjectType = spec.subject;
  return {
    type: e.type,
    actorKind: e.actor.kind,
    actorId: e.actor.id,
    subjectType,
    subjectId: e.subjectId,
    partnerId: e.partnerId ?? null,
    appId: e.appId ?? (subjectType === "App" ? e.subjectId : null),
    listingId: e.listingId ?? (subjectType === "Listing" ? e.subjectId : null),
    marketplace: e.marketplace ?? null,
    publicChange: e.publicChange ?? false,
    before: e.before ? jsonSafe(e.before) : null,
    after: e.after ? jsonSafe(e.after) : null,
    reason: e.reason ?? null,
    requestId: e.requestId ?? null,
  };
}

/** Appends one event, stamped with the program clock's `occurredAt` (R-TIME-1). */
export async function appendEvent(tx: Tx, e: NewEvent, occurredAt: Date): Promise<AppendedEvent> {
  const { before, after, ...row } = eventRow(e);
  return tx.event.create({
    // Prisma takes "no JSON" as undefined, not null.
    data: { ...row, occurredAt, before: before ?? undefined, after: after ?? undefined },
    select: { position: true, type: true, partnerId: true, marketplace: true, publicChange: true },
  });
}
