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
}));
