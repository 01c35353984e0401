// Tiers as partners and staff read them: frozen assessments (R-TIER-8), Premier invitations
// (R-TIER-5), and the shapes of a partner's current tier, progress (R-TIER-9) and what-if (the
// fields themselves are on Partner), each explained requirement by requirement with evidence and shortfall.
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { AppYearFigures, AssessmentResult, PartnerYearFigures, RequirementResult, TierEligibility } from "../../domain/tiers.js";
import type { CurrentTier, TierProgressAnswer, WhatIfAnswer } from "../../program/tiers.js";
import { visibleMarketplaces } from "../../domain/listings/marketplaces.js";
import { tierName } from "../../program/storefront.js";
import { builder } from "../builder.js";
import type { Context } from "../context.js";
import { answeredWithoutQuery } from "../ids.js";
import { DataFlowEnum, InvitationStatusEnum } from "../enums.js";
import { AppNode } from "./app.js";

export const TierRequirementResultType = builder.objectRef<RequirementResult>("TierRequirementResult").implement({
  description: "One requirement of one tier, judged: met or not, the figure, what was required, the exact shortfall and the evidence.",
  fields: (t) => ({
    tier: t.exposeString("tierKey"),
    requirement: t.exposeString("requirement", { description: "minActiveCustomers, minLiveApps, minLeadsSent, minWinRate, minRetention, maxResponseHours, bidirectionalApp or invitation." }),
    rule: t.exposeString("rule", { description: "R-TIER-7 for thresholds, R-TIER-6 for the bi-directional app, R-TIER-5 for the invitation." }),
    label: t.exposeString("label"),
    met: t.exposeBoolean("met"),
    actual: t.exposeFloat("actual", { nullable: true, description: "The partner's figure; null when there was nothing to measure." }),
    required: t.exposeFloat("required"),
    shortfall: t.exposeFloat("shortfall", { description: "0 when met; otherwise how far the figure is from the requirement." }),
    evidence: t.exposeString("evidence"),
  }),
});

const TierEligibilityType = builder.objectRef<TierEligibility>("TierEligibility").implement({
  fields: (t) => ({
    tier: t.exposeString("tierKey"),
    name: t.exposeString("name"),
    rank: t.exposeInt("rank"),
    eligible: t.exposeBoolean("eligible", { description: "Every requirement of this tier was met." }),
    requirements: t.field({ type: [TierRequirementResultType], resolve: (e) => [...e.requirements] }),
  }),
});

const AppYearFiguresType = builder.objectRef<AppYearFigures>("AppYearFigures").implement({
  description: "An app's evidence for the bi-directional requirement (R-TIER-6).",
  fields: (t) => ({
    app: t.id({ description: "The app's global id.", resolve: (a) => encodeGlobalID("App", a.appId) }),
    name: t.exposeString("name"),
    declaredFlow: t.field({ type: DataFlowEnum, resolve: (a) => a.declaredFlow }),
    live: t.exposeBoolean("live", { description: "Live (or at risk) on the period's last day." }),
    pushCalls: t.field({ type: "BigInt", resolve: (a) => a.pushCalls }),
    pullCalls: t.field({ type: "BigInt", resolve: (a) => a.pullCalls }),
  }),
});

export const TierFiguresType = builder.objectRef<PartnerYearFigures>("TierFigures").implement({
  description: "The figures a partner is judged on over a period (R-TIER-7).",
  fields: (t) => ({
    year: t.int({ resolve: (f) => f.period.year }),
    periodStart: t.field({ type: "Date", resolve: (f) => f.period.start }),
    periodEnd: t.field({ type: "Date", resolve: (f) => f.period.end }),
    usageMonths: t.exposeInt("usageMonths", { description: "Complete months of usage counted." }),
    activeCustomers: t.exposeFloat("activeCustomers", { description: "Average monthly active customers, summed over the partner's apps." }),
    peakActiveCustomers: t.exposeInt("peakActiveCustomers"),
    liveApps: t.exposeInt("liveApps"),
    leadsSent: t.exposeInt("leadsSent"),
    leadsWon: t.exposeInt("leadsWon"),
    leadsLost: t.exposeInt("leadsLost"),
    winRate: t.exposeFloat("winRate", { nullable: true }),
    openingCustomers: t.exposeInt("openingCustomers"),
    installs: t.exposeInt("installs"),
    uninstalls: t.exposeInt("uninstalls"),
    retention: t.exposeFloat("retention", { nullable: true }),
    inquiries: t.exposeInt("inquiries"),
    unansweredInquiries: t.exposeInt("unansweredInquiries"),
    medianResponseHours: t.exposeFloat("medianResponseHours", { nullable: true }),
    apps: t.field({ type: [AppYearFiguresType], resolve: (f) => [...f.apps] }),
  }),
});

const TierChangeEnum = builder.enumType("TierChange", { values: ["PROMOTED", "DEMOTED", "UNCHANGED"] as const });
const InvitationOutcomeEnum = builder.enumType("InvitationOutcome", {
  description: "APPLIED: the invitation made the partner Premier; LAPSED: invited, but requirements unmet; NONE: no invitation for that year.",
  values: ["APPLIED", "LAPSED", "NONE"] as const,
});

export const TierOutcomeType = builder.objectRef<AssessmentResult>("TierOutcome").implement({
  description: "What the assessment rules decide for a year: the tier, and every requirement of every tier with evidence and shortfall.",
  fields: (t) => ({
    year: t.exposeInt("year"),
    effectiveYear: t.exposeInt("effectiveYear"),
    previousTier: t.exposeString("previousTierKey"),
    resultTier: t.exposeString("resultTierKey"),
    change: t.field({ type: TierChangeEnum, resolve: (r) => r.change }),
    invitation: t.field({ type: InvitationOutcomeEnum, resolve: (r) => r.invitation }),
    tiers: t.field({ type: [TierEligibilityType], description: "Every tier, lowest first.", resolve: (r) => [...r.perTier] }),
    explanation: t.exposeString("explanation"),
  }),
});

const WITHHELD_NOTE = "Empty for a viewer without FedRAMP clearance when the partner has FedRAMP listings: the frozen figures count them (R-LIST-6).";

/**
 * A frozen assessment's figures count the partner's listings on both marketplaces. A viewer who may
 * not see FedRAMP gets them only when the partner has no FedRAMP listing at all (R-LIST-6): the tier
 * decided stays visible, the figures behind it are withheld. One read per partner and request.
 */
const fedrampPartners = new WeakMap<Context, Map<string, Promise<boolean>>>();
function figuresWithheld(partnerId: string, ctx: Context): Promise<boolean> {
  if (visibleMarketplaces(ctx.viewer).includes("FEDRAMP")) return Promise.resolve(false);
  let known = fedrampPartners.get(ctx);
  if (!known) fedrampPartners.set(ctx, (known = new Map()));
  let answer = known.get(partnerId);
  if (!answer) {
    answer = ctx.prisma.listing.count({ where: { partnerId, marketplace: "FEDRAMP" } }).then((n) => n > 0);
    known.set(partnerId, answer);
  }
  return answer;
}

export const TierAssessmentNode = builder.prismaObject("TierAssessment", {
  description: "A frozen annual tier assessment (R-TIER-8).",
  fields: (t) => ({
    id: t.exposeID("id"),
    year: t.exposeInt("year", { description: "The calendar year assessed; the result applies to the next year." }),
    effectiveYear: t.int({ resolve: (a) => a.year + 1 }),
    previousTier: t.exposeString("previousTierKey"),
    resultTier: t.exposeString("resultTierKey"),
    periodStart: t.expose("periodStart", { type: "Date" }),
    periodEnd: t.expose("periodEnd", { type: "Date" }),
    inputs: t.field({
      type: "JSON",
      description: `Every input figure, frozen as assessed. ${WITHHELD_NOTE}`,
      select: { inputs: true, partnerId: true },
      resolve: async (a, _args, ctx) => ((await figuresWithheld(a.partnerId, ctx)) ? {} : a.inputs),
    }),
    requirements: t.field({
      type: "JSON",
      description: WITHHELD_NOTE,
      select: { requirements: true, partnerId: true },
      resolve: async (a, _args, ctx) => ((await figuresWithheld(a.partnerId, ctx)) ? [] : a.requirements),
    }),
    requirementResults: t.field({
      type: [TierRequirementResultType],
      description: `Every requirement of every tier, lowest tier first, as frozen. ${WITHHELD_NOTE}`,
      select: { requirements: true, partnerId: true },
      resolve: async (a, _args, ctx) =>
        !(await figuresWithheld(a.partnerId, ctx)) && Array.isArray(a.requirements) ? (a.requirements as unknown as RequirementResult[]) : [],
    }),
    explanation: t.string({
      description: WITHHELD_NOTE,
      select: { explanation: true, partnerId: true, year: true, resultTierKey: true },
      resolve: async (a, _args, ctx) =>
        (await figuresWithheld(a.partnerId, ctx))
          ? `Assessment of ${a.year}, effective ${a.year + 1}: ${tierName(a.resultTierKey)}. Its figures include FedRAMP listings; they are shown with FedRAMP clearance (R-LIST-6).`
          : a.explanation,
    }),
    current: t.boolean({ select: { currentSlot: true }, resolve: (a) => a.currentSlot !== null }),
    supersedeReason: t.exposeString("supersedeReason", { nullable: true }),
    supersedes: t.relation("supersedes", { nullable: true, description: "The assessment this one replaced (it stays on record)." }),
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
    effectiveYear: t.exposeInt("effectiveYear", { description: "The year it takes effect: the assessment of the year before decides it." }),
    status: t.expose("status", { type: InvitationStatusEnum }),
    withdrawnAt: t.expose("withdrawnAt", { type: "DateTime", nullable: true }),
    withdrawReason: t.exposeString("withdrawReason", { nullable: true }),
  }),
});

const TierSourceEnum = builder.enumType("TierSource", {
  description: "Where a year's tier came from (R-TIER-2).",
  values: {
    ENTRY: { description: "The entry tier, on joining (R-PART-1)." },
    ASSESSMENT: { description: "The annual assessment of the year before `sinceYear`." },
    INVITATION: { description: "The annual assessment of the year before `sinceYear`, applying a staff invitation (R-TIER-5)." },
    RECORDED: { description: "Recorded as the partner held it when the program moved onto this system." },
  } as const,
});

export const PartnerTierType = builder.objectRef<CurrentTier>("PartnerTier").implement({
  description: "The tier a partner holds for a whole program year (R-TIER-2..4).",
  fields: (t) => ({
    year: t.exposeInt("year"),
    tier: t.exposeString("tierKey"),
    name: t.exposeString("tierName"),
    source: t.field({ type: TierSourceEnum, resolve: (c) => c.source }),
    sinceYear: t.exposeInt("sinceYear", { description: "The year this tier was set for (joining, or the assessment of the year before it); later years carry it until the next assessment." }),
    invitation: t.prismaField({
      type: "PremierInvitation",
      nullable: true,
      description: "The staff invitation the assessment applied (source INVITATION).",
      resolve: (query, c, _args, ctx) =>
        c.source === "INVITATION" ? ctx.prisma.premierInvitation.findFirst({ ...query, where: { partnerId: c.partnerId, effectiveYear: c.sinceYear, status: "APPLIED" } }) : answeredWithoutQuery(query, null),
    }),
    assessment: t.prismaField({
      type: "TierAssessment",
      nullable: true,
      resolve: (query, c, _args, ctx) => (c.assessmentId ? ctx.prisma.tierAssessment.findUnique({ ...query, where: { id: c.assessmentId } }) : null),
    }),
  }),
});

export const TierProgressType = builder.objectRef<TierProgressAnswer>("TierProgress").implement({
  description: "R-TIER-9: the next tier's requirements against the year-to-date figures. Informational: tiers change only at the annual assessment.",
  fields: (t) => ({
    asOf: t.field({ type: "Date", resolve: (p) => p.asOf }),
    year: t.int({ resolve: (p) => p.progress.year }),
    currentTier: t.string({ resolve: (p) => p.progress.currentTierKey }),
    nextTier: t.string({ nullable: true, resolve: (p) => p.progress.nextTierKey }),
    requirements: t.field({ type: [TierRequirementResultType], resolve: (p) => [...p.progress.requirements] }),
    met: t.int({ resolve: (p) => p.progress.met }),
    total: t.int({ resolve: (p) => p.progress.total }),
    note: t.string({ resolve: (p) => p.progress.note }),
    figures: t.field({ type: TierFiguresType, resolve: (p) => p.figures }),
  }),
});

const WhatIfBasisEnum = builder.enumType("WhatIfBasis", {
  description: "YEAR_TO_DATE: the running year's figures so far stand in for the whole year; FULL_YEAR: a year that has ended.",
  values: ["YEAR_TO_DATE", "FULL_YEAR"] as const,
});

export const TierWhatIfType = builder.objectRef<WhatIfAnswer>("TierWhatIf").implement({
  description: "What the assessment would decide with adjusted figures, next to what it decides without them. Changes nothing.",
  fields: (t) => ({
    asOf: t.field({ type: "Date", resolve: (w) => w.asOf }),
    basis: t.field({ type: WhatIfBasisEnum, resolve: (w) => w.basis }),
    baseline: t.field({ type: TierOutcomeType, description: "The figures as they are.", resolve: (w) => w.baseline }),
    outcome: t.field({ type: TierOutcomeType, description: "With the adjustments.", resolve: (w) => w.result }),
    figures: t.field({ type: TierFiguresType, description: "The adjusted figures.", resolve: (w) => w.figures }),
  }),
});

export const TierWhatIfInput = builder.inputType("TierWhatIfInput", {
  description: "Hypothetical changes to a partner's figures.",
  fields: (t) => ({
    activeCustomersDelta: t.float({ required: false, description: "Added to every month's active customers." }),
    liveAppsDelta: t.int({ required: false }),
    leadsSentDelta: t.int({ required: false }),
    leadsWonDelta: t.int({ required: false }),
    leadsLostDelta: t.int({ required: false }),
    retention: t.float({ required: false, description: "Replaces retention (0..1)." }),
    medianResponseHours: t.float({ required: false, description: "Replaces the median contact-form response time." }),
    makeAppBidirectional: t.globalID({ required: false, for: AppNode, description: "This app made live, declared BIDIRECTIONAL and calling both ways." }),
  }),
});
