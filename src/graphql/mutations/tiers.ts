// Staff run the annual assessment, invite to Premier, and manage program policies (R-TIER-1..8).
// There is deliberately no mutation for a partner to ask for Premier or for a tier (R-TIER-5).
import {
  changePartnerTier, createProgramPolicy, invitePremier, runTierAssessment, updateProgramPolicy, withdrawPremierInvitation,
  type AssessmentRunReport, type PolicyInput,
} from "../../program/tiers.js";
import { programStaffOnly } from "../access.js";
import { builder } from "../builder.js";
import { uuidOrNil, idOf } from "../ids.js";
import { PartnerNode } from "../nodes/partner.js";

const TierCountType = builder.objectRef<{ tierKey: string; partners: number }>("TierCount").implement({
  fields: (t) => ({ tier: t.exposeString("tierKey"), partners: t.exposeInt("partners") }),
});

const AssessmentRunType = builder.objectRef<AssessmentRunReport>("TierAssessmentRun").implement({
  description: "What an assessment run did: each assessed partner has a frozen TierAssessment and an event.",
  fields: (t) => ({
    year: t.exposeInt("year"),
    effectiveYear: t.exposeInt("effectiveYear"),
    policyVersion: t.exposeInt("policyVersion"),
    partners: t.exposeInt("partners", { description: "Partners in the program during the year." }),
    assessed: t.exposeInt("assessed"),
    superseded: t.exposeInt("superseded"),
    alreadyAssessed: t.exposeInt("alreadyAssessed", { description: "Left as they were: assessed before and not superseded (R-TIER-8)." }),
    nothingToSupersede: t.exposeInt("nothingToSupersede"),
    promoted: t.exposeInt("promoted"),
    demoted: t.exposeInt("demoted"),
    unchanged: t.exposeInt("unchanged"),
    premierApplied: t.exposeInt("premierApplied"),
    premierLapsed: t.exposeInt("premierLapsed"),
    byTier: t.field({ type: [TierCountType], resolve: (r) => [...r.byTier] }),
  }),
});

const PolicyTierInput = builder.inputType("PolicyTierInput", {
  description: "One rung of the ladder (R-TIER-1) with its thresholds over the assessed year (R-TIER-7); 0 or null is no requirement.",
  fields: (t) => ({
    key: t.string({ required: true }),
    name: t.string({ required: true }),
    rank: t.int({ required: true }),
    invitationOnly: t.boolean({ required: false }),
    requiresBidirectional: t.boolean({ required: false }),
    minActiveCustomers: t.int({ required: false }),
    minLiveApps: t.int({ required: false }),
    minLeadsSent: t.int({ required: false }),
    minWinRate: t.float({ required: false }),
    minRetention: t.float({ required: false }),
    maxResponseHours: t.float({ required: false }),
  }),
});

const ProgramPolicyInput = builder.inputType("ProgramPolicyInput", {
  description: "A policy version for a year; fields left out are taken from the latest policy.",
  fields: (t) => ({
    year: t.int({ required: true }),
    feePolicy: t.string({ required: false }),
    lowUsageMinActiveCustomers: t.int({ required: false }),
    lowUsageWindowMonths: t.int({ required: false }),
    atRiskNoticeDays: t.int({ required: false }),
    tiers: t.field({ type: [PolicyTierInput], required: false, description: "The whole ladder; default: the one it succeeds." }),
  }),
});
const ProgramPolicyChanges = builder.inputType("ProgramPolicyChanges", {
  fields: (t) => ({
    feePolicy: t.string({ required: false }),
    lowUsageMinActiveCustomers: t.int({ required: false }),
    lowUsageWindowMonths: t.int({ required: false }),
    atRiskNoticeDays: t.int({ required: false }),
    tiers: t.field({ type: [PolicyTierInput], required: false, description: "The whole ladder, replacing the current one." }),
  }),
});

type PolicyArgs = {
  feePolicy?: string | null; lowUsageMinActiveCustomers?: number | null; lowUsageWindowMonths?: number | null; atRiskNoticeDays?: number | null;
  tiers?: { key: string; name: string; rank: number; invitationOnly?: boolean | null; requiresBidirectional?: boolean | null; minActiveCustomers?: number | null;
    minLiveApps?: number | null; minLeadsSent?: number | null; minWinRate?: number | null; minRetention?: number | null; maxResponseHours?: number | null }[] | null;
};

function policyInput(a: PolicyArgs): PolicyInput {
  return {
    feePolicy: a.feePolicy ?? null,
    lowUsageMinActiveCustomers: a.lowUsageMinActiveCustomers ?? null,
    lowUsageWindowMonths: a.lowUsageWindowMonths ?? null,
    atRiskNoticeDays: a.atRiskNoticeDays ?? null,
    tiers: a.tiers?.map((t) => ({
      key: t.key, name: t.name, rank: t.rank, invitationOnly: t.invitationOnly ?? false, requiresBidirectional: t.requiresBidirectional ?? false,
      minActiveCustomers: t.minActiveCustomers ?? 0, minLiveApps: t.minLiveApps ?? 0, minLeadsSent: t.minLeadsSent ?? 0, minWinRate: t.minWinRate ?? 0,
      minRetention: t.minRetention ?? 0, maxResponseHours: t.maxResponseHours ?? null,
    })) ?? null,
  };
}

const PremierGroundsInput = builder.inputType("PremierGroundsInput", {
  description: "Why staff invite this partner to Premier (R-TIER-5).",
  fields: (t) => ({
    customerCentricity: t.string({ required: true }),
    strategicAlignment: t.string({ required: true }),
    executiveSponsorship: t.string({ required: true }),
  }),
});

builder.mutationFields((t) => ({
  runTierAssessment: t.field({
    type: AssessmentRunType,
    ...programStaffOnly("the annual tier assessment is the program's, run once a year on the year before (R-TIER-2)."),
    errors: {},
    description:
      "The annual assessment (R-TIER-2): every partner on the year's results, frozen with every figure and requirement (R-TIER-8); the result is the tier for the next year. " +
      "Refused for a year already assessed unless staff supersede it with a reason (the old assessments stay).",
    args: {
      year: t.arg.int({ required: true, description: "The calendar year to assess (it must have ended)." }),
      supersede: t.arg.boolean({ required: false }),
      reason: t.arg.string({ required: false, description: "Why the assessment is superseded (required with supersede)." }),
      partnerId: t.arg.globalID({ required: false, for: PartnerNode, description: "Only this partner." }),
      asOf: t.arg({ type: "Date", required: false, description: "Default: the program's today; never after it." }),
    },
    resolve: (_root, args, ctx) =>
      runTierAssessment(ctx.program, ctx.viewer, {
        year: args.year, supersede: args.supersede, reason: args.reason, asOf: args.asOf,
        partnerId: args.partnerId ? uuidOrNil(args.partnerId.id) : null,
      }),
  }),
  changePartnerTier: t.prismaField({
    type: PartnerNode,
    ...programStaffOnly("tiers change only at the annual assessment, never mid-year (R-TIER-3, R-TIER-4); see the progress toward the next tier."),
    errors: {},
    description:
      "Tiers change only at the annual assessment: a mid-year promotion is refused (R-TIER-3) and so is a mid-year demotion (R-TIER-4). " +
      "Correct a wrong assessment by superseding it (runTierAssessment with supersede).",
    args: { partnerId: t.arg.globalID({ required: true, for: PartnerNode }), tier: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const p = await changePartnerTier(ctx.program, ctx.viewer, { partnerId: uuidOrNil(args.partnerId.id), tierKey: args.tier });
      return ctx.prisma.partner.findUniqueOrThrow({ ...query, where: { id: p.id } });
    },
  }),
  invitePremier: t.prismaField({
    type: "PremierInvitation",
    ...programStaffOnly("Premier is by invitation only, at the program's discretion, and cannot be requested (R-TIER-5)."),
    errors: {},
    description: "Staff invite a partner to Premier with the grounds, for the year it takes effect (R-TIER-5); it applies at that year's assessment if the partner meets Premier's requirements.",
    args: {
      partnerId: t.arg.globalID({ required: true, for: PartnerNode }),
      grounds: t.arg({ type: PremierGroundsInput, required: true }),
      effectiveYear: t.arg.int({ required: false, description: "The year Premier would apply from. Default: the year the partner's next assessment sets (the assessment of last year while it is still to come, else next year)." }),
    },
    resolve: async (query, _root, args, ctx) => {
      const inv = await invitePremier(ctx.program, ctx.viewer, { partnerId: uuidOrNil(args.partnerId.id), grounds: args.grounds, effectiveYear: args.effectiveYear });
      return ctx.prisma.premierInvitation.findUniqueOrThrow({ ...query, where: { id: inv.id } });
    },
  }),
  withdrawPremierInvitation: t.prismaField({
    type: "PremierInvitation",
    ...programStaffOnly("Premier is by invitation only, at the program's discretion (R-TIER-5)."),
    errors: {},
    description: "Staff withdraw a pending Premier invitation before its assessment decides it, with the reason; the withdrawn invitation stays on record (R-TIER-5).",
    args: { invitationId: t.arg.id({ required: true, ...idOf("PremierInvitation") }), reason: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const inv = await withdrawPremierInvitation(ctx.program, ctx.viewer, { invitationId: uuidOrNil(String(args.invitationId)), reason: args.reason });
      return ctx.prisma.premierInvitation.findUniqueOrThrow({ ...query, where: { id: inv.id } });
    },
  }),
  createProgramPolicy: t.prismaField({
    type: "ProgramPolicy",
    ...programStaffOnly("the program policy (tiers, thresholds, settings) is set by the program (R-TIER-1, R-TIER-7)."),
    errors: {},
    description: "A new policy version for a year (next year's, or one succeeding a locked version), starting from the latest policy.",
    args: { input: t.arg({ type: ProgramPolicyInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const p = await createProgramPolicy(ctx.program, ctx.viewer, { year: input.year, ...policyInput(input) });
      return ctx.prisma.programPolicy.findUniqueOrThrow({ ...query, where: { id: p.id } });
    },
  }),
  updateProgramPolicy: t.prismaField({
    type: "ProgramPolicy",
    ...programStaffOnly("the program policy (tiers, thresholds, settings) is set by the program (R-TIER-1, R-TIER-7)."),
    errors: {},
    description: "Change a policy version no assessment has used; a locked one is refused (R-TIER-8): create a new version instead.",
    args: { policyId: t.arg.id({ required: true, ...idOf("ProgramPolicy") }), changes: t.arg({ type: ProgramPolicyChanges, required: true }) },
    resolve: async (query, _root, { policyId, changes }, ctx) => {
      const p = await updateProgramPolicy(ctx.program, ctx.viewer, { policyId: uuidOrNil(String(policyId)), ...policyInput(changes) });
      return ctx.prisma.programPolicy.findUniqueOrThrow({ ...query, where: { id: p.id } });
    },
  }),
}));
