import { builder } from "../builder.js";
import { answeredWithoutQuery } from "../ids.js";
import { PartnerNode } from "./partner.js";
import { StaffUserNode } from "./staff.js";
import type { Viewer } from "../../auth/viewer.js";

const ViewerRole = builder.enumType("ViewerRole", {
  values: ["PUBLIC", "PARTNER_MEMBER", "PARTNER_ADMIN", "INTEGRATION_MANAGER", "PROGRAM_STAFF"] as const,
});

export const ViewerType = builder.objectRef<Viewer>("Viewer").implement({
  description: "Who is asking, as the server sees the request's token.",
  fields: (t) => ({
    role: t.field({
      type: ViewerRole,
      resolve: (v) =>
        v.kind === "public" ? "PUBLIC" : v.kind === "partner" ? (v.role === "ADMIN" ? "PARTNER_ADMIN" : "PARTNER_MEMBER") : v.role,
    }),
    fedrampCleared: t.boolean({ resolve: (v) => v.fedrampCleared }),
    partner: t.prismaField({
      type: PartnerNode,
      nullable: true,
      resolve: (query, v, _args, ctx) =>
        v.kind === "partner" ? ctx.prisma.partner.findUnique({ ...query, where: { id: v.partnerId } }) : answeredWithoutQuery(query, null),
    }),
    staffUser: t.prismaField({
      type: StaffUserNode,
      nullable: true,
      resolve: (query, v, _args, ctx) =>
        v.kind === "staff" ? ctx.prisma.staffUser.findUnique({ ...query, where: { id: v.staffId } }) : answeredWithoutQuery(query, null),
    }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({ type: ViewerType, resolve: (_root, _args, ctx) => ctx.viewer }),
  programNow: t.field({
    type: "DateTime",
    description: "The program's clock now (R-TIME-1): every rule's today and every recorded time come from it. With PROGRAM_TODAY set it runs from 00:00 of that day, so a client counting down to a deadline (a listing's `atRiskDeadline`) counts from this, not from its own clock.",
    resolve: (_root, _args, ctx) => ctx.program.now(),
  }),
}));
