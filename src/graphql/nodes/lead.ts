import { builder } from "../builder.js";
import { LeadStatusEnum } from "../enums.js";

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
