import { builder } from "../builder.js";
import { uuidOrNil } from "../ids.js";
import { partnerWhere } from "../../program/visibility.js";
import { PartnerRoleEnum } from "../enums.js";

const own = (parent: { id: string }) => ({ ownPartner: parent.id });
const ownOf = (parent: { partnerId: string }) => ({ ownPartner: parent.partnerId });

export const PartnerNode = builder.prismaNode("Partner", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id: uuidOrNil(id), AND: [partnerWhere(ctx.viewer)] }),
  fields: (t) => ({
    name: t.exposeString("name"),
    slug: t.exposeString("slug"),
    website: t.exposeString("website", { nullable: true }),
    tier: t.exposeString("tierKey", { description: "The partner's tier key in the current program policy (R-TIER-1)." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    members: t.relatedConnection("members", {
      cursor: "id",
      authScopes: own,
      query: { where: { removedAt: null }, orderBy: { joinedAt: "asc" } },
    }),
    apps: t.relatedConnection("apps", { cursor: "id", authScopes: own, query: { orderBy: { createdAt: "asc" } } }),
    signatures: t.relation("signatures", { authScopes: own, query: { orderBy: { signedAt: "asc" } } }),
    leads: t.relatedConnection("leads", { cursor: "id", authScopes: own, query: { orderBy: { createdAt: "desc" } } }),
    inquiries: t.relatedConnection("inquiries", { cursor: "id", authScopes: own, query: { orderBy: { createdAt: "desc" } } }),
    assessments: t.relation("assessments", { authScopes: own, query: { orderBy: [{ year: "desc" }, { assessedAt: "desc" }] } }),
    premierInvitations: t.relation("invitations", { authScopes: own, query: { orderBy: { invitedAt: "desc" } } }),
  }),
});

export const PartnerMemberNode = builder.prismaNode("PartnerMember", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id: uuidOrNil(id), partner: partnerWhere(ctx.viewer) }),
  authScopes: (member) => ownOf(member),
  fields: (t) => ({
    name: t.exposeString("name"),
    email: t.exposeString("email"),
    role: t.expose("role", { type: PartnerRoleEnum }),
    joinedAt: t.expose("joinedAt", { type: "DateTime" }),
    partner: t.relation("partner"),
  }),
});

builder.queryFields((t) => ({
  partners: t.prismaConnection({
    type: "Partner",
    cursor: "id",
    description: "Staff see every partner; a partner sees itself; the public sees partners with live listings.",
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.partner.findMany({ ...query, where: partnerWhere(ctx.viewer), orderBy: { id: "asc" } }),
  }),
  partner: t.prismaField({
    type: "Partner",
    nullable: true,
    description: "A partner by global id or by slug; null when it does not exist or is not visible to the viewer.",
    args: {
      id: t.arg.globalID({ required: false, for: PartnerNode }),
      slug: t.arg.string({ required: false }),
    },
    resolve: (query, _root, { id, slug }, ctx) => {
      if (!id && !slug) return null;
      const key = id ? { id: uuidOrNil(id.id) } : { slug: slug ?? "" };
      return ctx.prisma.partner.findFirst({ ...query, where: { AND: [key, partnerWhere(ctx.viewer)] } });
    },
  }),
}));
