import { builder } from "../builder.js";
import { InvitationStatusEnum } from "../enums.js";

export const TierAssessmentNode = builder.prismaObject("TierAssessment", {
  description: "A frozen annual tier assessment (R-TIER-8).",
  fields: (t) => ({
    id: t.exposeID("id"),
    year: t.exposeInt("year", { description: "The calendar year assessed; the result applies to the next year." }),
    previousTier: t.exposeString("previousTierKey"),
    resultTier: t.exposeString("resultTierKey"),
    periodStart: t.expose("periodStart", { type: "Date" }),
    periodEnd: t.expose("periodEnd", { type: "Date" }),
    inputs: t.expose("inputs", { type: "JSON" }),
    requirements: t.expose("requirements", { type: "JSON" }),
    current: t.boolean({ resolve: (a) => a.currentSlot !== null }),
    supersedeReason: t.exposeString("supersedeReason", { nullable: true }),
    assessedAt: t.expose("assessedAt", { type: "DateTime" }),
    policy: t.relation("policy"),
  }),
});

export const PremierInvitationNode = builder.prismaObject("PremierInvitation", {
  description: "Premier is by invitation only, with recorded grounds (R-TIER-5).",
  fields: (t) => ({
    id: t.exposeID("id"),
    customerCentricity: t.exposeString("customerCentricity"),
    strategicAlignment: t.exposeString("strategicAlignment"),
    executiveSponsorship: t.exposeString("executiveSponsorship"),
    invitedAt: t.expose("invitedAt", { type: "DateTime" }),
    effectiveYear: t.exposeInt("effectiveYear"),
    status: t.expose("status", { type: InvitationStatusEnum }),
  }),
});
