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
