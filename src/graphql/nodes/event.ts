import { GraphQLError } from "graphql";
import { EVENT_CATALOGUE, EVENT_TYPES, isEventType } from "../../domain/events.js";
import { builder } from "../builder.js";
import { ActorKindEnum, MarketplaceEnum } from "../enums.js";
import { answeredWithoutQuery, uuidOrNil } from "../ids.js";
import { canSeeEvent, canSeePartnerWork, eventWhere, listingWhere } from "../../program/visibility.js";
import { visibleMarketplaces } from "../../domain/listings/marketplaces.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { ProgramEventRow } from "../../events/feed.js";
import type { Viewer } from "../../auth/viewer.js";
import { fanOut } from "../fan-out.js";

/** The event catalogue, as the API documents it. */
const EVENT_TYPE_DESCRIPTION = [
  "What happened, one of the program's event types:",
  ...EVENT_TYPES.map((t) => `- \`${t}\`: ${EVENT_CATALOGUE[t].description}`),
].join("\n");

export const EventNode = builder.prismaObject("Event", {
  description: "One entry of the append-only program history (R-EVT-1). `position` orders events; resume after it (R-EVT-2).",
  fields: (t) => ({
    id: t.exposeID("id"),
    position: t.string({ resolve: (e) => e.position.toString() }),
    occurredAt: t.expose("occurredAt", { type: "DateTime" }),
    type: t.exposeString("type", { description: EVENT_TYPE_DESCRIPTION }),
    actorKind: t.expose("actorKind", { type: ActorKindEnum }),
    actorId: t.exposeID("actorId", { nullable: true }),
    subjectType: t.exposeString("subjectType"),
    subjectId: t.exposeID("subjectId"),
    marketplace: t.expose("marketplace", { type: MarketplaceEnum, nullable: true }),
    before: t.expose("before", { type: "JSON", nullable: true }),
    after: t.expose("after", { type: "JSON", nullable: true }),
    reason: t.exposeString("reason", { nullable: true }),
    listingId: t.field({
      type: "ID",
      nullable: true,
      description: "Global id of the listing concerned, even when it is no longer visible (e.g. delisted).",
      resolve: (e) => (e.listingId ? Buffer.from(`Listing:${e.listingId}`).toString("base64") : null),
    }),
    listing: t.prismaField({
      type: "Listing",
      nullable: true,
      description: "The listing concerned as it is now, re-read fresh; null when the viewer may no longer see it.",
      resolve: (query, e, _args, ctx) => {
        const listingId = e.listingId;
        if (!listingId) return answeredWithoutQuery(query, null);
        // Every subscriber of a change re-reads the same listing: one read per event, visibility
        // and selection, shared by all of them (a thousand subscribers, one query).
        const where = listingWhere(ctx.viewer);
        // Touching the query marks it used for the subscribers whose read is shared.
        return sharedRead(`${e.position}|${JSON.stringify(where)}|${JSON.stringify({ ...query })}`, () =>
          ctx.prisma.listing.findFirst({ ...query, where: { AND: [{ id: listingId }, where] } }));
      },
    }),
  }),
});

const shared = new Map<string, Promise<unknown>>();
/** The same read for the same event, visibility and selection runs once; kept for two seconds. */
function sharedRead<T>(key: string, read: () => Promise<T>): Promise<T> {
  const hit = shared.get(key) as Promise<T> | undefined;
  if (hit) return hit;
  const p = read();
  shared.set(key, p);
  setTimeout(() => shared.delete(key), 2000).unref();
  p.catch(() => shared.delete(key));
  return p;
}

builder.queryFields((t) => ({
  eventPosition: t.string({
    description: [
      "The event position this response was read after (R-EVT-2): what the response shows includes every event up to it.",
      "Read it in the same query as the data, then subscribe (`listingChanges`, `partnerEvents`, `programEvents`) with `after` set to it:",
      "every change committed after the read comes as an event, none is missed between the read and the subscription.",
      "An event just after it may already show in the response too and comes anyway, so applying an event must be repeatable.",
    ].join(" "),
    resolve: (_root, _args, ctx) => ctx.readAfter.toString(),
  }),
}));

// -- Subscriptions: every later event, in order, exactly once; resume with `after` (R-EVT-2). --

function parseAfter(after: string | null | undefined): bigint | null {
  if (after === null || after === undefined || after === "") return null;
  if (!/^\d{1,19}$/.test(after)) throw new GraphQLError("after must be an event position (digits), as received in `position`", { extensions: { code: "BAD_USER_INPUT" } });
  return BigInt(after);
}

/** The events the viewer may read (visibility.ts): FedRAMP ones with clearance (R-LIST-6); an integration manager's, App Validation's. */
function eventFilter(viewer: Viewer): { where: Prisma.EventWhereInput; matches: (e: ProgramEventRow) => boolean } {
  return { where: eventWhere(viewer), matches: (e) => canSeeEvent(viewer, e) };
}

builder.subscriptionType({});
builder.subscriptionFields((t) => ({
  listingChanges: t.field({
    type: EventNode,
    ...fanOut("visibilityClass"),
    description: "Changes to what a marketplace shows: listings going live, revised, put at risk, recovered, delisted (R-LIST-6).",
    args: {
      marketplace: t.arg({ type: MarketplaceEnum, required: false, defaultValue: "COMMERCIAL" }),
      after: t.arg.string({ required: false, description: "Resume after this event position." }),
    },
    subscribe: (_root, args, ctx) => {
      const marketplace = args.marketplace ?? "COMMERCIAL";
      if (!visibleMarketplaces(ctx.viewer).includes(marketplace)) {
        throw new GraphQLError("the FedRAMP marketplace needs FedRAMP clearance", { extensions: { code: "FORBIDDEN" } });
      }
      return ctx.feed.subscribe({
        after: parseAfter(args.after),
        where: { marketplace, publicChange: true },
        matches: (e) => e.marketplace === marketplace && e.publicChange,
      });
    },
    resolve: (e) => e as ProgramEventRow,
  }),
  partnerEvents: t.field({
    type: EventNode,
    ...fanOut("visibilityClass"),
    description: "Every event about one partner (validations, listings, low usage, tiers, leads, inquiries): its members and staff only.",
    args: {
      partnerId: t.arg.globalID({ required: true }),
      after: t.arg.string({ required: false, description: "Resume after this event position." }),
    },
    subscribe: (_root, args, ctx) => {
      const partnerId = uuidOrNil(args.partnerId.id);
      if (args.partnerId.typename !== "Partner" || !canSeePartnerWork(ctx.viewer, partnerId)) {
        throw new GraphQLError("not allowed to follow this partner's events", { extensions: { code: "FORBIDDEN" } });
      }
      const seen = eventFilter(ctx.viewer);
      return ctx.feed.subscribe({
        after: parseAfter(args.after),
        where: { AND: [{ partnerId }, seen.where] },
        matches: (e) => e.partnerId === partnerId && seen.matches(e),
      });
    },
    resolve: (e) => e as ProgramEventRow,
  }),
  programEvents: t.field({
    type: EventNode,
    ...fanOut("visibilityClass"),
    description: "Every program event, for staff.",
    authScopes: { anyStaff: true },
    args: { after: t.arg.string({ required: false, description: "Resume after this event position." }) },
    subscribe: (_root, args, ctx) => {
      if (ctx.viewer.kind !== "staff") throw new GraphQLError("staff only", { extensions: { code: "FORBIDDEN" } });
      const seen = eventFilter(ctx.viewer);
      return ctx.feed.subscribe({ after: parseAfter(args.after), where: seen.where, matches: seen.matches });
    },
    resolve: (e) => e as ProgramEventRow,
  }),
}));

builder.queryFields((t) => ({
  events: t.prismaConnection({
    type: "Event",
    cursor: "position",
    description: "Program history, newest first: program staff read everything, integration managers App Validation's, a partner its own events only.",
    authScopes: { authenticated: true },
    args: { type: t.arg.string({ required: false, description: "Only events of this type, e.g. listing.live (see `Event.type`)." }) },
    resolve: (query, _root, args, ctx) => {
      if (args.type && !isEventType(args.type)) {
        throw new GraphQLError(`type: "${args.type.slice(0, 80)}" is no event type; see Event.type for the list`, { extensions: { code: "BAD_USER_INPUT" } });
      }
      return ctx.prisma.event.findMany({
        ...query,
        where: {
          AND: [
            ctx.viewer.kind === "partner" ? { partnerId: ctx.viewer.partnerId } : {},
            // A partner without clearance reads its own history without the FedRAMP listing's events, as staff do.
            eventWhere(ctx.viewer),
            args.type ? { type: args.type } : {},
          ],
        },
        orderBy: { position: "desc" },
      });
    },
  }),
}));
