// Appending to the event log (R-EVT-1). Always called inside the transaction that makes the change,
// as its last write, so the event commits with the change or not at all. The table's trigger
// serialises appends so positions follow commit order (R-EVT-2).
import type { Prisma } from "../generated/prisma/client.js";
import type { Viewer } from "../auth/viewer.js";
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

export interface NewEvent {
  readonly type: string;
  readonly actor: Actor;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly partnerId?: string | null;
  readonly appId?: string | null;
  readonly listingId?: string | null;
  readonly marketplace?: Marketplace | null;
  /** The change alters what the public marketplace shows (R-LIST-6). */
  readonly publicChange?: boolean;
  readonly before?: object | null;
  readonly after?: object | null;
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
  return {
    type: e.type,
    actorKind: e.actor.kind,
    actorId: e.actor.id,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    partnerId: e.partnerId ?? null,
    appId: e.appId ?? (e.subjectType === "App" ? e.subjectId : null),
    listingId: e.listingId ?? (e.subjectType === "Listing" ? e.subjectId : null),
    marketplace: e.marketplace ?? null,
    publicChange: e.publicChange ?? false,
    before: e.before ? jsonSafe(e.before) : null,
    after: e.after ? jsonSafe(e.after) : null,
    reason: e.reason ?? null,
    requestId: e.requestId ?? null,
  };
}

export async function appendEvent(tx: Tx, e: NewEvent): Promise<AppendedEvent> {
  const { before, after, ...row } = eventRow(e);
  return tx.event.create({
    // Prisma takes "no JSON" as undefined, not null.
    data: { ...row, before: before ?? undefined, after: after ?? undefined },
    select: { position: true, type: true, partnerId: true, marketplace: true, publicChange: true },
  });
}
