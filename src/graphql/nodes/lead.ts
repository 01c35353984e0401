import { builder } from "../builder.js";
import { LeadStatusEnum } from "../enums.js";
import { privatePartnerId } from "../../program/visibility.js";

export const LeadNode = builder.prismaObject("Lead", {
  description: "A deal a partner brought to the program (R-LEAD-1).",
  fields: (t) => ({
    id: t.exposeID("id"),
    company: t.exposeString("company"),
    contactName: t.exposeString("contactName"),
    contactEmail: t.exposeString("contactEmail"),
    details: t.exposeString("details"),
    status: t.expose("status", { type: LeadStatusEnum }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    statusChangedAt: t.expose("statusChangedAt", { type: "DateTime" }),
    triageNote: t.exposeString("triageNote", { nullable: true }),
    partner: t.relation("partner"),
  }),
});

builder.queryFields((t) => ({
  leads: t.prismaConnection({
    type: "Lead",
    cursor: "id",
    description: "Program staff: every lead, for triage (newest first); a partner: its own; integration managers: none.",
    authScopes: { authenticated: true },
    args: { status: t.arg({ type: LeadStatusEnum, required: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.lead.findMany({
        ...query,
        where: { AND: [{ partnerId: privatePartnerId(ctx.viewer) }, args.status ? { status: args.status } : {}] },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      }),
  }),
}));
