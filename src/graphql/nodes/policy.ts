import { builder } from "../builder.js";

export const ProgramPolicyNode = builder.prismaObject("ProgramPolicy", {
  description: "The program policy for one year: tier ladder, thresholds, low-usage settings, fee policy.",
  fields: (t) => ({
    id: t.exposeID("id"),
    year: t.exposeInt("year"),
    version: t.exposeInt("version"),
    feePolicy: t.exposeString("feePolicy", { description: "R-PART-4: joining costs nothing unless this says otherwise." }),
    lowUsageMinActiveCustomers: t.exposeInt("lowUsageMinActiveCustomers"),
    lowUsageWindowMonths: t.exposeInt("lowUsageWindowMonths"),
    atRiskNoticeDays: t.exposeInt("atRiskNoticeDays"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    locked: t.boolean({ description: "Used by an assessment: frozen, can only be succeeded.", resolve: (p) => p.lockedAt !== null }),
    tiers: t.relation("tiers", { query: { orderBy: { rank: "asc" } } }),
  }),
});

export const PolicyTierNode = builder.prismaObject("PolicyTier", {
  fields: (t) => ({
    key: t.exposeString("key"),
    name: t.exposeString("name"),
    rank: t.exposeInt("rank"),
    invitationOnly: t.exposeBoolean("invitationOnly"),
    requiresBidirectional: t.exposeBoolean("requiresBidirectional"),
    minActiveCustomers: t.exposeInt("minActiveCustomers"),
    minLiveApps: t.exposeInt("minLiveApps"),
    minLeadsSent: t.exposeInt("minLeadsSent"),
    minWinRate: t.exposeFloat("minWinRate"),
    minRetention: t.exposeFloat("minRetention"),
    maxResponseHours: t.exposeFloat("maxResponseHours", { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  programPolicy: t.prismaField({
    type: "ProgramPolicy",
    nullable: true,
    description: "The latest policy version for a year (default: the program's current year).",
    args: { year: t.arg.int({ required: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.programPolicy.findFirst({
        ...query,
        where: { year: args.year ?? ctx.program.today().getUTCFullYear() },
        orderBy: { version: "desc" },
      }),
  }),
  programPolicies: t.prismaField({
    type: ["ProgramPolicy"],
    authScopes: { anyStaff: true },
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.programPolicy.findMany({ ...query, orderBy: [{ year: "desc" }, { version: "desc" }] }),
  }),
}));
