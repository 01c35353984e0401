import { builder } from "../builder.js";
import { ActorKindEnum, MarketplaceEnum } from "../enums.js";

export const EventNode = builder.prismaObject("Event", {
  description: "One entry of the append-only program history (R-EVT-1). `position` orders events; resume after it (R-EVT-2).",
  fields: (t) => ({
    id: t.exposeID("id"),
    position: t.string({ resolve: (e) => e.position.toString() }),
    occurredAt: t.expose("occurredAt", { type: "DateTime" }),
    type: t.exposeString("type"),
    actorKind: t.expose("actorKind", { type: ActorKindEnum }),
    actorId: t.exposeID("actorId", { nullable: true }),
    subjectType: t.exposeString("subjectType"),
    subjectId: t.exposeID("subjectId"),
    marketplace: t.expose("marketplace", { type: MarketplaceEnum, nullable: true }),
    before: t.expose("before", { type: "JSON", nullable: true }),
    after: t.expose("after", { type: "JSON", nullable: true }),
    reason: t.exposeString("reason", { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  events: t.prismaConnection({
    type: "Event",
    cursor: "position",
    description: "Program history, newest first: staff read everything, a partner its own events only.",
    authScopes: { authenticated: true },
    args: { type: t.arg.string({ required: false, description: "Only events of this type, e.g. listing.live." }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.event.findMany({
        ...query,
        where: {
          ...(ctx.viewer.kind === "partner" ? { partnerId: ctx.viewer.partnerId } : {}),
          ...(ctx.viewer.kind === "staff" && !ctx.viewer.fedrampCleared ? { OR: [{ marketplace: null }, { marketplace: "COMMERCIAL" }] } : {}),
          ...(args.type ? { type: args.type } : {}),
        },
        orderBy: { position: "desc" },
      }),
  }),
}));
