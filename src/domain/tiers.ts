// Tiers (R-TIER-1..9): the ladder, the yearly figures, the annual assessment, Premier invitations,
// what is frozen, and progress during the year. Facts in, results out; `asOf` is passed, never read.
import { allow, refuse, type Decision, type RuleId } from "./decision.js";
import { DEFAULT_TIER_LADDER, entryTierKey } from "./partners.js";
import type { DataFlow } from "./apps.js";
import { medianResponseHours } from "./inquiries.js";
import type { LeadStatus } from "./leads.js";
import { textLength } from "./fields.js";
import { addDays, isoDate, monthFromIndex, monthIndex, monthKey, startOfDay } from "./dates.js";

const TIER_KEY_MAX = 40;
const TIER_NAME_MAX = 80;
/** Premier grounds and supersede reasons are stored in VarChar(2000). */
const TEXT_MAX = 2000;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** Drops binary floating-point noise (0.30000000000000004) so frozen figures read as decimals. */
const tidy = (x: number) => (Number.isInteger(x) ? x : Number(x.toPrecision(12)));
const shown = (x: number) => String(Number(x.toFixed(2)));
const percent = (x: number) => `${Number((x * 100).toFixed(1))}%`;

// ---------------------------------------------------------------------------------------------
// R-TIER-1: the ladder
// ---------------------------------------------------------------------------------------------

/** One tier of the policy (PolicyTier). A threshold of 0 (or a null maximum) is no requirement. */
export interface Tier {
  readonly key: string;
  readonly name: string;
  /** Higher rank, higher tier; the lowest rank is the entry tier (R-PART-1). */
  readonly rank: number;
  readonly invitationOnly: boolean;
  readonly requiresBidirectional: boolean;
  readonly minActiveCustomers: number;
  readonly minLiveApps: number;
  readonly minLeadsSent: number;
  /** Fraction 0..1. */
  readonly minWinRate: number;
  /** Fraction 0..1. */
  readonly minRetention: number;
  /** Median contact-form response time must be at most this many hours; null: no requirement. */
  readonly maxResponseHours: number | null;
}

export type Ladder = readonly Tier[];

type Thresholds = Omit<Tier, "key" | "name" | "rank">;

const NO_REQUIREMENTS: Thresholds = {
  invitationOnly: false,
  requiresBidirectional: false,
  minActiveCustomers: 0,
  minLiveApps: 0,
  minLeadsSent: 0,
  minWinRate: 0,
  minRetention: 0,
  maxResponseHours: null,
};

/**
 * Default thresholds for the seed policy (staff change them per program year):
 *   Foundation  none: every partner starts here (R-PART-1)
 *   Select      10 avg monthly active customers, 1 live app, 2 leads, 70% retention, replies within 72 h
 *   Elite       50 customers, 1 live app, 6 leads, 20% win rate, 80% retention, 48 h, bi-directional app
 *   Premier     150 customers, 2 live apps, 12 leads, 25% win rate, 85% retention, 24 h, bi-directional
 *               app, and by invitation only (R-TIER-5)
 */
const DEFAULT_THRESHOLDS: Readonly<Record<string, Thresholds>> = {
  SELECT: { ...NO_REQUIREMENTS, minActiveCustomers: 10, minLiveApps: 1, minLeadsSent: 2, minRetention: 0.7, maxResponseHours: 72 },
  ELITE: {
    ...NO_REQUIREMENTS,
    requiresBidirectional: true,
    minActiveCustomers: 50,
    minLiveApps: 1,
    minLeadsSent: 6,
    minWinRate: 0.2,
    minRetention: 0.8,
    maxResponseHours: 48,
  },
  PREMIER: {
    invitationOnly: true,
    requiresBidirectional: true,
    minActiveCustomers: 150,
    minLiveApps: 2,
    minLeadsSent: 12,
    minWinRate: 0.25,
    minRetention: 0.85,
    maxResponseHours: 24,
  },
};

/** R-TIER-1: Foundation < Select < Elite < Premier (keys and ranks from partners.ts), with the default thresholds. */
export function defaultLadder(): Tier[] {
  return DEFAULT_TIER_LADDER.map((rung) => ({ key: rung.key, name: rung.name ?? rung.key, rank: rung.rank, ...(DEFAULT_THRESHOLDS[rung.key] ?? NO_REQUIREMENTS) }));
}

const byRank = (ladder: Ladder): Tier[] => [...ladder].sort((a, b) => a.rank - b.rank);

const hasThresholds = (t: Tier) =>
  t.invitationOnly || t.requiresBidirectional || t.minActiveCustomers > 0 || t.minLiveApps > 0 || t.minLeadsSent > 0 ||
  t.minWinRate > 0 || t.minRetention > 0 || t.maxResponseHours !== null;

/** R-TIER-6: the top two tiers above the entry tier need a bi-directional app, whatever the flag says. */
const needsBidirectional = (sorted: readonly Tier[], i: number) => sorted[i]!.requiresBidirectional || (i > 0 && i >= sorted.length - 2);

/**
 * R-TIER-1: a ladder staff can publish: unique keys and ranks, sane thresholds, one entry tier (the
 * lowest rank) that has no requirements, and the top two tiers requiring a bi-directional app
 * (R-TIER-6). Returns the tiers sorted by rank.
 */
export function validateLadder(tiers: readonly Tier[]): Decision<Tier[]> {
  const problems: string[] = [];
  if (tiers.length === 0) problems.push("at least one tier: the entry tier every partner starts at");
  const keys = new Set<string>();
  const ranks = new Set<number>();
  for (const t of tiers) {
    const key = t.key.trim();
    const who = `tier ${key || "(no key)"}`;
    if (key === "" || key.length > TIER_KEY_MAX) problems.push(`${who}: a key of 1–${TIER_KEY_MAX} characters`);
    if (keys.has(key)) problems.push(`${who}: the key is used twice; keys must be unique`);
    keys.add(key);
    if (t.name.trim() === "" || textLength(t.name.trim()) > TIER_NAME_MAX) problems.push(`${who}: a name of 1–${TIER_NAME_MAX} characters`);
    if (!Number.isInteger(t.rank) || t.rank < 0) problems.push(`${who}: a rank that is a whole number ≥ 0 (got ${t.rank})`);
    if (ranks.has(t.rank)) problems.push(`${who}: rank ${t.rank} is used twice; ranks must be unique`);
    ranks.add(t.rank);
    for (const field of ["minActiveCustomers", "minLiveApps", "minLeadsSent"] as const) {
      if (!Number.isInteger(t[field]) || t[field] < 0) problems.push(`${who}: ${field} must be a whole number ≥ 0 (got ${t[field]})`);
    }
    for (const field of ["minWinRate", "minRetention"] as const) {
      if (!(t[field] >= 0 && t[field] <= 1)) problems.push(`${who}: ${field} must be a fraction from 0 to 1 (got ${t[field]})`);
    }
    if (t.maxResponseHours !== null && !(t.maxResponseHours > 0 && Number.isFinite(t.maxResponseHours))) {
      problems.push(`${who}: maxResponseHours must be more than 0 hours, or null for no requirement (got ${t.maxResponseHours})`);
    }
  }
  const sorted = byRank(tiers);
  const entry = sorted[0];
  if (entry && hasThresholds(entry)) {
    problems.push(`entry tier ${entry.key}: no requirements and no invitation, since every partner starts there (R-PART-1)`);
  }
  sorted.forEach((t, i) => {
    if (i > 0 && i >= sorted.length - 2 && !t.requiresBidirectional) problems.push(`tier ${t.key}: one of the top two tiers, so it must require a bi-directional app (R-TIER-6)`);
  });
  if (problems.length > 0) {
    return refuse({
      rule: "R-TIER-1",
      message: "The tier ladder cannot be used as it stands.",
      missing: problems,
      toSatisfy: "Give each tier a unique key and rank, whole-number counts, fractions from 0 to 1 for rates, and leave the lowest-ranked (entry) tier without requirements.",
    });
  }
  return allow(sorted);
}

function tierOn(ladder: Ladder, key: string): Tier {
  const tier = ladder.find((t) => t.key === key);
  // Tier keys come from the policy and the partner row, not from a request: a mismatch is a data bug.
  if (!tier) throw new RangeError(`Tier ${key} is not on the ladder (${ladder.map((t) => t.key).join(", ")}).`);
  return tier;
}

// ---------------------------------------------------------------------------------------------
// R-TIER-2: the calendar year, assessed at the start of the next one
// ---------------------------------------------------------------------------------------------

/** The days over which tier attainment accrues: both ends inclusive, 00:00 UTC (TierAssessment.periodStart/End). */
export interface AssessmentPeriod {
  readonly year: number;
  readonly start: Date;
  readonly end: Date;
}

function periodFrom(year: number, firstLaunchDate: Date | null, end: Date): AssessmentPeriod | null {
  if (firstLaunchDate === null) return null;
  const launched = startOfDay(firstLaunchDate);
  if (launched.getTime() > end.getTime()) return null;
  const jan1 = new Date(Date.UTC(year, 0, 1));
  return { year, start: launched.getTime() > jan1.getTime() ? launched : jan1, end };
}

/**
 * R-TIER-2: Jan 1..Dec 31 of `year`, or from the partner's first app launch if later. Null when no
 * app had launched by the end of the year: nothing accrued, so the partner is at the entry tier.
 */
export function assessmentPeriod(year: number, firstLaunchDate: Date | null): AssessmentPeriod | null {
  return periodFrom(year, firstLaunchDate, new Date(Date.UTC(year, 11, 31)));
}

/** R-TIER-9: the year so far, to `asOf`'s day (from the first launch if later); null before any launch. */
export function yearToDatePeriod(asOf: Date, firstLaunchDate: Date | null): AssessmentPeriod | null {
  return periodFrom(asOf.getUTCFullYear(), firstLaunchDate, startOfDay(asOf));
}

/** R-TIER-2: assessments run at the start of a year on the previous year. */
export const assessmentYearFor = (asOf: Date): number => asOf.getUTCFullYear() - 1;

/** R-TIER-2: a year can be assessed once it has ended; the result applies to the whole next year. */
export function canRunAssessment(year: number, asOf: Date): Decision<{ readonly year: number; readonly effectiveYear: number }> {
  const opens = new Date(Date.UTC(year + 1, 0, 1));
  if (asOf.getTime() < opens.getTime()) {
    return refuse({
      rule: "R-TIER-2",
      message: `${year} has not ended yet (as of ${isoDate(asOf)}); it is assessed at the start of ${year + 1}.`,
      missing: [`the end of ${year}: its assessment can run from ${isoDate(opens)}`],
      toSatisfy: `Run the assessment of ${year} on or after ${isoDate(opens)}; until then partners see their progress (R-TIER-9).`,
    });
  }
  return allow({ year, effectiveYear: year + 1 });
}

// ---------------------------------------------------------------------------------------------
// Figures over the period (the inputs of R-TIER-6 / R-TIER-7)
// ---------------------------------------------------------------------------------------------

/** One month of one app's usage (UsageRow and Prisma's UsageMonth fit). */
export interface UsageMonthFigures {
  readonly month: Date;
  readonly activeCustomers: number;
  readonly installs: number;
  readonly uninstalls: number;
  readonly pushCalls: bigint | number;
  readonly pullCalls: bigint | number;
}

export interface AppYearFacts {
  readonly appId: string;
  readonly name: string;
  readonly declaredFlow: DataFlow;
  /** The app had a LIVE or AT_RISK listing (on either marketplace) on the period's last day. */
  readonly liveAtPeriodEnd: boolean;
  /** One row per month (at most): the period's months and the month before (opening customers). Others are ignored. */
  readonly usage: readonly UsageMonthFigures[];
}

export interface LeadFacts {
  readonly createdAt: Date;
  readonly status: LeadStatus;
  readonly statusChangedAt: Date;
}

export interface InquiryFacts {
  readonly createdAt: Date;
  /** Null while unanswered. */
  readonly respondedAt: Date | null;
}

/** Everything computeFigures needs about one partner; pass leads/inquiries from the period (others are ignored). */
export interface PartnerYearFacts {
  readonly period: AssessmentPeriod;
  readonly apps: readonly AppYearFacts[];
  readonly leads: readonly LeadFacts[];
  readonly inquiries: readonly InquiryFacts[];
}

/** R-TIER-6 evidence per app. */
export interface AppYearFigures {
  readonly appId: string;
  readonly name: string;
  readonly declaredFlow: DataFlow;
  readonly live: boolean;
  /** API calls over the period's complete months. */
  readonly pushCalls: bigint;
  readonly pullCalls: bigint;
}

/** The figures a partner is judged on. Each definition is in computeFigures' comment. */
export interface PartnerYearFigures {
  readonly period: AssessmentPeriod;
  readonly usageMonths: number;
  readonly activeCustomers: number;
  readonly peakActiveCustomers: number;
  readonly liveApps: number;
  readonly leadsSent: number;
  readonly leadsWon: number;
  readonly leadsLost: number;
  readonly winRate: number | null;
  readonly openingCustomers: number;
  readonly installs: number;
  readonly uninstalls: number;
  readonly retention: number | null;
  readonly inquiries: number;
  readonly unansweredInquiries: number;
  readonly medianResponseHours: number | null;
  readonly apps: readonly AppYearFigures[];
}

const within = (d: Date, from: number, toExclusive: number) => d.getTime() >= from && d.getTime() < toExclusive;
/** R-LEAD-1: won / (won + lost), null when no lead was decided (leads.ts winRate, from counts). */
const winRateOf = (won: number, lost: number) => (won + lost === 0 ? null : tidy(won / (won + lost)));

/**
 * The partner's figures over the period, in O(apps × months + leads + inquiries log inquiries).
 * - usageMonths: calendar months from the period's first month to its last complete month (a
 *   year-to-date period leaves the current, partial month out).
 * - activeCustomers: the average over those months of the monthly active customers summed over the
 *   partner's apps (a month without a row counts 0). The average rewards sustained usage where a peak
 *   would reward one good month; a customer of two apps counts twice, as usage is recorded per app.
 * - liveApps: apps with a LIVE or AT_RISK listing on the period's last day.
 * - leadsSent: leads created in the period, except REJECTED ones. leadsWon / leadsLost: leads whose
 *   outcome (statusChangedAt) fell in the period, so each outcome counts in exactly one year.
 *   winRate = won / (won + lost), null when none was decided.
 * - retention = 1 − uninstalls / (openingCustomers + installs), within 0..1, null when that base is 0;
 *   openingCustomers are the active customers (summed over apps) in the month before the period.
 * - medianResponseHours: median hours to answer the period's contact-form inquiries; an unanswered one
 *   counts the hours from its arrival to the end of the period (so ignoring inquiries never helps);
 *   null when there were none.
 */
export function computeFigures(facts: PartnerYearFacts): PartnerYearFigures {
  const { period } = facts;
  const from = period.start.getTime();
  const toExclusive = addDays(period.end, 1).getTime();
  const firstMonth = monthIndex(period.start);
  const lastMonth = monthIndex(new Date(toExclusive)) - 1;
  const usageMonths = Math.max(0, lastMonth - firstMonth + 1);
  const monthly = new Array<number>(usageMonths).fill(0);
  let openingCustomers = 0;
  let installs = 0;
  let uninstalls = 0;
  const apps: AppYearFigures[] = [];
  for (const app of facts.apps) {
    let pushCalls = 0n;
    let pullCalls = 0n;
    for (const row of app.usage) {
      const i = monthIndex(row.month);
      if (i === firstMonth - 1) openingCustomers += row.activeCustomers;
      if (i < firstMonth || i > lastMonth) continue;
      monthly[i - firstMonth]! += row.activeCustomers;
      installs += row.installs;
      uninstalls += row.uninstalls;
      pushCalls += BigInt(row.pushCalls);
      pullCalls += BigInt(row.pullCalls);
    }
    apps.push({ appId: app.appId, name: app.name, declaredFlow: app.declaredFlow, live: app.liveAtPeriodEnd, pushCalls, pullCalls });
  }
  let total = 0;
  let peak = 0;
  for (const m of monthly) {
    total += m;
    if (m > peak) peak = m;
  }

  let leadsSent = 0;
  let leadsWon = 0;
  let leadsLost = 0;
  for (const lead of facts.leads) {
    if (lead.status !== "REJECTED" && within(lead.createdAt, from, toExclusive)) leadsSent += 1;
    if (lead.status === "WON" && within(lead.statusChangedAt, from, toExclusive)) leadsWon += 1;
    if (lead.status === "LOST" && within(lead.statusChangedAt, from, toExclusive)) leadsLost += 1;
  }

  const inquiries = facts.inquiries.filter((inquiry) => within(inquiry.createdAt, from, toExclusive));
  const unansweredInquiries = inquiries.filter((inquiry) => inquiry.respondedAt === null).length;
  const median = medianResponseHours(inquiries, new Date(toExclusive));

  const base = openingCustomers + installs;
  return {
    period,
    usageMonths,
    activeCustomers: usageMonths === 0 ? 0 : tidy(total / usageMonths),
    peakActiveCustomers: peak,
    liveApps: apps.filter((a) => a.live).length,
    leadsSent,
    leadsWon,
    leadsLost,
    winRate: winRateOf(leadsWon, leadsLost),
    openingCustomers,
    installs,
    uninstalls,
    retention: base === 0 ? null : tidy(Math.min(1, Math.max(0, 1 - uninstalls / base))),
    inquiries: inquiries.length,
    unansweredInquiries,
    medianResponseHours: median === null ? null : tidy(median),
    apps,
  };
}

// ---------------------------------------------------------------------------------------------
// R-TIER-5 / R-TIER-6 / R-TIER-7: each requirement of each tier, with evidence and exact shortfall
// ---------------------------------------------------------------------------------------------

export type ThresholdKey = "minActiveCustomers" | "minLiveApps" | "minLeadsSent" | "minWinRate" | "minRetention" | "maxResponseHours";
export type RequirementKey = ThresholdKey | "bidirectionalApp" | "invitation";

export interface RequirementResult {
  readonly tierKey: string;
  readonly requirement: RequirementKey;
  /** R-TIER-7 for thresholds, R-TIER-6 for the bi-directional app, R-TIER-5 for the invitation. */
  readonly rule: RuleId;
  readonly label: string;
  readonly met: boolean;
  /** The partner's figure; null when there is nothing to measure (no decided lead, no customer, no inquiry). */
  readonly actual: number | null;
  readonly required: number;
  /** 0 when met; else required − actual for a minimum (a null actual counts 0), actual − required for a maximum. */
  readonly shortfall: number;
  readonly evidence: string;
}

interface Threshold {
  readonly requirement: ThresholdKey;
  readonly label: string;
  readonly bound: "min" | "max";
  readonly actual: (f: PartnerYearFigures) => number | null;
  readonly evidence: (f: PartnerYearFigures) => string;
}

const span = (p: AssessmentPeriod) => `${isoDate(p.start)} to ${isoDate(p.end)}`;

const THRESHOLDS: readonly Threshold[] = [
  {
    requirement: "minActiveCustomers",
    label: "Monthly active customers (average)",
    bound: "min",
    actual: (f) => f.activeCustomers,
    evidence: (f) =>
      f.usageMonths === 0
        ? "no complete month of usage in the period yet"
        : `average ${shown(f.activeCustomers)} monthly active customers across ${plural(f.apps.length, "app")} over ${plural(f.usageMonths, "month")} ` +
          `(${monthKey(f.period.start)} to ${monthKey(monthFromIndex(monthIndex(f.period.start) + f.usageMonths - 1))}), peak month ${f.peakActiveCustomers}`,
  },
  {
    requirement: "minLiveApps",
    label: "Live apps",
    bound: "min",
    actual: (f) => f.liveApps,
    evidence: (f) => {
      const names = f.apps.filter((a) => a.live).map((a) => a.name);
      return f.liveApps === 0 ? `no app live on ${isoDate(f.period.end)}` : `${plural(f.liveApps, "app")} live on ${isoDate(f.period.end)}${names.length ? `: ${names.join(", ")}` : ""}`;
    },
  },
  {
    requirement: "minLeadsSent",
    label: "Leads sent",
    bound: "min",
    actual: (f) => f.leadsSent,
    evidence: (f) => `${plural(f.leadsSent, "lead")} sent from ${span(f.period)} (rejected leads do not count)`,
  },
  {
    requirement: "minWinRate",
    label: "Lead win rate",
    bound: "min",
    actual: (f) => f.winRate,
    evidence: (f) => (f.winRate === null ? "no lead won or lost in the period" : `${f.leadsWon} won, ${f.leadsLost} lost: ${percent(f.winRate)} won`),
  },
  {
    requirement: "minRetention",
    label: "Customer retention",
    bound: "min",
    actual: (f) => f.retention,
    evidence: (f) =>
      f.retention === null
        ? "no customers to retain in the period"
        : `${plural(f.uninstalls, "uninstall")} against ${plural(f.openingCustomers, "customer")} at the start and ${plural(f.installs, "install")}: ${percent(f.retention)} retained`,
  },
  {
    requirement: "maxResponseHours",
    label: "Median contact-form response time (hours)",
    bound: "max",
    actual: (f) => f.medianResponseHours,
    evidence: (f) =>
      f.medianResponseHours === null
        ? "no contact-form inquiries in the period"
        : `median ${shown(f.medianResponseHours)} h over ${plural(f.inquiries, "inquiry", "inquiries")}` +
          (f.unansweredInquiries > 0 ? `, ${f.unansweredInquiries} unanswered (counted until the period end)` : ""),
  },
];

const thresholdOf = (tier: Tier, key: ThresholdKey): number | null => {
  const value = tier[key];
  return value === null || value === 0 ? null : value;
};

function judge(
  tierKey: string,
  requirement: RequirementKey,
  rule: RuleId,
  label: string,
  bound: "min" | "max",
  actual: number | null,
  required: number,
  evidence: string,
): RequirementResult {
  const met = bound === "min" ? (actual ?? 0) >= required : actual === null || actual <= required;
  const shortfall = met ? 0 : tidy(bound === "min" ? required - (actual ?? 0) : (actual as number) - required);
  return { tierKey, requirement, rule, label, met, actual, required, shortfall, evidence };
}

/** The R-TIER-6 proof: a live app declared BIDIRECTIONAL with both push and pull calls in the period. */
const provesBidirectional = (a: AppYearFigures) => a.live && a.declaredFlow === "BIDIRECTIONAL" && a.pushCalls > 0n && a.pullCalls > 0n;

function bidirectionalEvidence(f: PartnerYearFigures): string {
  const proven = f.apps.filter(provesBidirectional);
  if (proven.length > 0) return proven.map((a) => `${a.name}: BIDIRECTIONAL, live, ${a.pushCalls} push and ${a.pullCalls} pull calls`).join("; ");
  if (f.apps.length === 0) return "no apps";
  const why = f.apps.map((a) => {
    const gaps: string[] = [];
    if (a.declaredFlow !== "BIDIRECTIONAL") gaps.push(`declared ${a.declaredFlow}`);
    if (!a.live) gaps.push("not live");
    if (a.pushCalls === 0n) gaps.push("no push calls");
    if (a.pullCalls === 0n) gaps.push("no pull calls");
    return `${a.name}: ${gaps.join(", ")}`;
  });
  return `no live app declared BIDIRECTIONAL with both push and pull calls in ${f.period.year}: ${why.join("; ")}`;
}

/** A staff invitation to an invitation-only tier (PremierInvitation). */
export interface PremierInvitationFacts {
  /** The year Premier would apply from: the assessment of effectiveYear − 1 decides it. */
  readonly effectiveYear: number;
  readonly grounds?: PremierGrounds;
  /** When staff recorded it, so the assessment's explanation can name it. */
  readonly invitedAt?: Date;
}

/** The invitation as an explanation names it. */
const invitationName = (i: PremierInvitationFacts) => `the staff invitation${i.invitedAt ? ` of ${isoDate(i.invitedAt)}` : ""} for ${i.effectiveYear}`;

/** Judged once per partner and shared by every tier: the figures' measures and evidence. */
interface Measured {
  readonly figures: PartnerYearFigures;
  readonly thresholds: readonly { readonly def: Threshold; readonly actual: number | null; readonly evidence: string }[];
  readonly bidirectionalApps: number;
  readonly bidirectionalEvidence: string;
  readonly invited: boolean;
  readonly invitationEvidence: string;
}

function measure(figures: PartnerYearFigures, invitation: PremierInvitationFacts | null): Measured {
  const effectiveYear = figures.period.year + 1;
  const invited = invitation !== null && invitation.effectiveYear === effectiveYear;
  return {
    figures,
    thresholds: THRESHOLDS.map((def) => ({ def, actual: def.actual(figures), evidence: def.evidence(figures) })),
    bidirectionalApps: figures.apps.filter(provesBidirectional).length,
    bidirectionalEvidence: bidirectionalEvidence(figures),
    invited,
    invitationEvidence: invited
      ? `${invitationName(invitation!)} was found`
      : invitation !== null
        ? `${invitationName(invitation)} does not count for ${effectiveYear}`
        : `no staff invitation for ${effectiveYear} was found (none recorded, or withdrawn): this tier is by invitation only and cannot be requested`,
  };
}

function judgeTier(tier: Tier, bidirectional: boolean, m: Measured): RequirementResult[] {
  const results: RequirementResult[] = [];
  for (const t of m.thresholds) {
    const required = thresholdOf(tier, t.def.requirement);
    if (required !== null) results.push(judge(tier.key, t.def.requirement, "R-TIER-7", t.def.label, t.def.bound, t.actual, required, t.evidence));
  }
  if (bidirectional) results.push(judge(tier.key, "bidirectionalApp", "R-TIER-6", "Live bi-directional app", "min", m.bidirectionalApps, 1, m.bidirectionalEvidence));
  if (tier.invitationOnly) results.push(judge(tier.key, "invitation", "R-TIER-5", "Staff invitation", "min", m.invited ? 1 : 0, 1, m.invitationEvidence));
  return results;
}

function unmetText(r: RequirementResult): string {
  if (r.requirement === "invitation" || r.requirement === "bidirectionalApp") return r.evidence;
  const actual = r.actual === null ? "none" : shown(r.actual);
  return `${r.label} ${actual}, needs ${r.requirement === "maxResponseHours" ? "at most" : "at least"} ${shown(r.required)} (short by ${shown(r.shortfall)})`;
}

// ---------------------------------------------------------------------------------------------
// The assessment (R-TIER-2, R-TIER-5, R-TIER-6, R-TIER-7)
// ---------------------------------------------------------------------------------------------

export interface AssessInput {
  readonly ladder: Ladder;
  readonly figures: PartnerYearFigures;
  /** The partner's tier during the assessed year. */
  readonly currentTierKey: string;
  /** The partner's invitation, if any; it counts only when its effectiveYear is the assessed year + 1. */
  readonly premierInvitation: PremierInvitationFacts | null;
}

export interface TierEligibility {
  readonly tierKey: string;
  readonly name: string;
  readonly rank: number;
  readonly eligible: boolean;
  readonly requirements: readonly RequirementResult[];
}

/** APPLIED: the invitation made the partner Premier; LAPSED: invited but requirements unmet; NONE: no invitation for this year. */
export type InvitationOutcome = "APPLIED" | "LAPSED" | "NONE";

export interface AssessmentResult {
  readonly year: number;
  readonly effectiveYear: number;
  readonly previousTierKey: string;
  readonly resultTierKey: string;
  readonly change: "PROMOTED" | "DEMOTED" | "UNCHANGED";
  readonly invitation: InvitationOutcome;
  /** Every tier, lowest rank first. */
  readonly perTier: readonly TierEligibility[];
  readonly explanation: string;
}

/**
 * R-TIER-2 / R-TIER-5 / R-TIER-6 / R-TIER-7: the result is the highest tier all of whose own
 * requirements are met (tiers below it need not be, so a ladder whose tiers weigh figures differently
 * still rewards the partner); the entry tier is the floor. An invitation-only tier needs a staff
 * invitation for the next year on top of its requirements, so an assessment never yields it alone
 * (and a Premier partner needs a new invitation every year).
 */
export function assess(input: AssessInput): AssessmentResult {
  const ladder = byRank(input.ladder);
  const previous = tierOn(ladder, input.currentTierKey);
  const m = measure(input.figures, input.premierInvitation);
  const perTier: TierEligibility[] = ladder.map((tier, i) => {
    const requirements = judgeTier(tier, needsBidirectional(ladder, i), m);
    return { tierKey: tier.key, name: tier.name, rank: tier.rank, eligible: requirements.every((r) => r.met), requirements };
  });
  const entry = tierOn(ladder, entryTierKey(ladder));
  let result = entry;
  perTier.forEach((t, i) => {
    if (t.eligible) result = ladder[i]!;
  });
  const { year } = input.figures.period;
  const change = result.rank > previous.rank ? "PROMOTED" : result.rank < previous.rank ? "DEMOTED" : "UNCHANGED";
  const invitation: InvitationOutcome = !m.invited ? "NONE" : result.invitationOnly ? "APPLIED" : "LAPSED";

  const lines = [
    `Assessment of ${year}, effective ${year + 1}: ${result.name}` +
      (change === "PROMOTED" ? `, promoted from ${previous.name}.` : change === "DEMOTED" ? `, down from ${previous.name}.` : ", unchanged."),
    result.key === entry.key && !perTier[0]!.eligible
      ? `${entry.name} is the entry tier every partner holds (R-PART-1).`
      : `It is the highest tier whose requirements were all met from ${span(input.figures.period)}.`,
  ];
  if (invitation === "APPLIED") lines.push(`${result.name} applies ${invitationName(input.premierInvitation!)} (R-TIER-5).`);
  for (const t of perTier) {
    if (t.rank <= result.rank) continue;
    lines.push(`${t.name} not reached: ${t.requirements.filter((r) => !r.met).map(unmetText).join("; ")}.`);
  }
  return { year, effectiveYear: year + 1, previousTierKey: previous.key, resultTierKey: result.key, change, invitation, perTier, explanation: lines.join(" ") };
}

// ---------------------------------------------------------------------------------------------
// What-if: the same assessment over adjusted figures
// ---------------------------------------------------------------------------------------------

export interface WhatIfAdjustments {
  /** Added to every month's active customers (so to the average and the peak). */
  readonly activeCustomersDelta?: number;
  readonly liveAppsDelta?: number;
  readonly leadsSentDelta?: number;
  readonly leadsWonDelta?: number;
  readonly leadsLostDelta?: number;
  /** Replace retention (0..1). */
  readonly retention?: number;
  /** Replace the median response time (hours). */
  readonly medianResponseHours?: number;
  /** This app, made live, declared BIDIRECTIONAL and shown calling both ways. */
  readonly makeAppBidirectional?: string;
}

const plus = (value: number, delta: number | undefined) => Math.max(0, value + (delta ?? 0));

/** The figures after the adjustments (counts never drop below 0; win rate follows won/lost). */
export function adjustFigures(figures: PartnerYearFigures, adj: WhatIfAdjustments): PartnerYearFigures {
  let { apps, liveApps } = figures;
  if (adj.makeAppBidirectional !== undefined) {
    const target = apps.find((a) => a.appId === adj.makeAppBidirectional);
    if (!target) throw new RangeError(`What-if names app ${adj.makeAppBidirectional}, which is not one of the partner's apps.`);
    if (!target.live) liveApps += 1;
    apps = apps.map((a) =>
      a === target
        ? { ...a, live: true, declaredFlow: "BIDIRECTIONAL" as const, pushCalls: a.pushCalls > 0n ? a.pushCalls : 1n, pullCalls: a.pullCalls > 0n ? a.pullCalls : 1n }
        : a,
    );
  }
  const leadsWon = plus(figures.leadsWon, adj.leadsWonDelta);
  const leadsLost = plus(figures.leadsLost, adj.leadsLostDelta);
  return {
    ...figures,
    activeCustomers: tidy(plus(figures.activeCustomers, adj.activeCustomersDelta)),
    peakActiveCustomers: plus(figures.peakActiveCustomers, adj.activeCustomersDelta),
    liveApps: plus(liveApps, adj.liveAppsDelta),
    leadsSent: plus(figures.leadsSent, adj.leadsSentDelta),
    leadsWon,
    leadsLost,
    winRate: winRateOf(leadsWon, leadsLost),
    retention: adj.retention ?? figures.retention,
    medianResponseHours: adj.medianResponseHours ?? figures.medianResponseHours,
    apps,
  };
}

/** What the assessment would say with adjusted figures: assess() itself, plus the figures it used. Changes nothing. */
export function whatIf(input: AssessInput & { readonly adjustments: WhatIfAdjustments }): AssessmentResult & { readonly figures: PartnerYearFigures } {
  const figures = adjustFigures(input.figures, input.adjustments);
  return { ...assess({ ...input, figures }), figures };
}

// ---------------------------------------------------------------------------------------------
// R-TIER-3 / R-TIER-4: only the annual assessment (or an audited supersede) changes a tier
// ---------------------------------------------------------------------------------------------

export interface MidYearChangeFacts {
  readonly ladder: Ladder;
  readonly currentTierKey: string;
  readonly requestedTierKey: string;
  readonly asOf: Date;
}

/**
 * R-TIER-3 / R-TIER-4: a tier change outside the annual assessment is refused: R-TIER-3 for a
 * promotion (even with the next tier's requirements met), R-TIER-4 for a demotion (even with the
 * current ones no longer met). Asking for the tier the partner already has changes nothing: allowed.
 */
export function refuseMidYearChange(facts: MidYearChangeFacts): Decision {
  const { ladder, asOf } = facts;
  const current = tierOn(ladder, facts.currentTierKey);
  const requested = ladder.find((t) => t.key === facts.requestedTierKey);
  if (!requested) {
    return refuse({
      rule: "R-TIER-1",
      message: `There is no tier ${facts.requestedTierKey} on the program's ladder.`,
      missing: [`a tier key from the ladder: ${byRank(ladder).map((t) => t.key).join(", ")}`],
      toSatisfy: "Name a tier from the program policy's ladder.",
    });
  }
  if (requested.key === current.key) return allow();
  const year = asOf.getUTCFullYear();
  const nextRun = `the assessment of ${year}, which runs from ${year + 1}-01-01`;
  if (requested.rank > current.rank) {
    return refuse({
      rule: "R-TIER-3",
      message: `${current.name} → ${requested.name} would be a mid-year promotion (${isoDate(asOf)}); tiers change only at the annual assessment.`,
      missing: [nextRun],
      toSatisfy:
        `Meet ${requested.name}'s requirements over ${year} (see the progress toward the next tier); the assessment at the start of ${year + 1} decides the tier for ${year + 1}.` +
        (requested.invitationOnly ? ` ${requested.name} also needs a staff invitation (R-TIER-5).` : ""),
    });
  }
  return refuse({
    rule: "R-TIER-4",
    message: `${current.name} → ${requested.name} would be a mid-year demotion (${isoDate(asOf)}); a partner keeps its tier for the whole year.`,
    missing: [nextRun],
    toSatisfy: `Wait for the assessment of ${year} at the start of ${year + 1}; a wrong assessment is corrected by staff superseding it with a reason (R-TIER-8).`,
  });
}


// ---------------------------------------------------------------------------------------------
// R-TIER-5: Premier by invitation only
// ---------------------------------------------------------------------------------------------

export interface PremierGrounds {
  readonly customerCentricity: string;
  readonly strategicAlignment: string;
  readonly executiveSponsorship: string;
}

/** When the partner joined and whether its assessment of last year is recorded: what decides an invitation's year. */
export interface InvitationTiming {
  readonly asOf: Date;
  readonly joinedAt: Date;
  /** The partner has a (current) assessment of asOf's previous year. */
  readonly previousYearAssessed: boolean;
}

/**
 * R-TIER-5: the year the partner's next assessment sets, the default year for an invitation made at
 * `asOf`. A partner that was in the program last year and whose assessment of it is still to come
 * (January) is next assessed on last year, which sets this year; otherwise the next assessment is of
 * this year, which sets next year.
 */
export function premierEffectiveYear(timing: InvitationTiming): number {
  const year = timing.asOf.getUTCFullYear();
  const inProgramLastYear = timing.joinedAt.getUTCFullYear() < year;
  return inProgramLastYear && !timing.previousYearAssessed ? year : year + 1;
}

export interface PremierInvitationRequest extends InvitationTiming {
  readonly grounds: PremierGrounds;
  /** The year it takes effect; default premierEffectiveYear. */
  readonly effectiveYear?: number | null;
}

/**
 * R-TIER-5: staff record an invitation with all three grounds (1–2,000 characters each, trimmed), for
 * a year whose deciding assessment is still to come: the default year, or the year after it at most.
 */
export function validatePremierInvitation(request: PremierInvitationRequest): Decision<{ readonly grounds: PremierGrounds; readonly effectiveYear: number }> {
  const grounds = {
    customerCentricity: request.grounds.customerCentricity.trim(),
    strategicAlignment: request.grounds.strategicAlignment.trim(),
    executiveSponsorship: request.grounds.executiveSponsorship.trim(),
  };
  const missing: string[] = [];
  for (const [field, text] of Object.entries(grounds)) {
    if (text === "") missing.push(`${field}: the grounds are required`);
    else if (textLength(text) > TEXT_MAX) missing.push(`${field}: at most ${TEXT_MAX} characters (has ${textLength(text)})`);
  }
  if (missing.length > 0) {
    return refuse({
      rule: "R-TIER-5",
      message: "A Premier invitation is recorded with its grounds: customer centricity, strategic alignment and executive sponsorship.",
      missing,
      toSatisfy: `Write each of the three grounds in 1–${TEXT_MAX} characters.`,
    });
  }
  const next = premierEffectiveYear(request);
  const latest = request.asOf.getUTCFullYear() + 1;
  const effectiveYear = request.effectiveYear ?? next;
  if (!Number.isInteger(effectiveYear) || effectiveYear < next || effectiveYear > latest) {
    const years = next === latest ? `${next}` : `${next} or ${latest}`;
    return refuse({
      rule: "R-TIER-5",
      message: `An invitation for ${effectiveYear} cannot be recorded on ${isoDate(request.asOf)}: it takes effect in a year whose assessment is still to come.`,
      missing: [`an effective year of ${years} (the next assessment, of ${next - 1}, sets ${next})`],
      toSatisfy: `Invite for ${years}.`,
    });
  }
  return allow({ grounds, effectiveYear });
}

/** R-TIER-5: staff may withdraw an invitation before its assessment applies it, with a reason. */
export function canWithdrawInvitation(invitation: { readonly status: "PENDING" | "APPLIED" | "LAPSED" | "WITHDRAWN"; readonly effectiveYear: number }, reason: string): Decision<{ readonly reason: string }> {
  const why = reason.trim();
  if (invitation.status !== "PENDING") {
    return refuse({
      rule: "R-TIER-5",
      message: invitation.status === "WITHDRAWN"
        ? `The invitation for ${invitation.effectiveYear} is already withdrawn.`
        : `The invitation for ${invitation.effectiveYear} was ${invitation.status} by the assessment of ${invitation.effectiveYear - 1}; it can no longer be withdrawn.`,
      missing: ["a pending invitation (not yet decided by its assessment)"],
      toSatisfy: invitation.status === "APPLIED"
        ? `Nothing to withdraw: the tier of ${invitation.effectiveYear} is set. Correct an assessment by superseding it with a reason (R-TIER-8).`
        : "Nothing to withdraw.",
      currentState: invitation.status,
      allowed: [],
    });
  }
  if (why === "" || textLength(why) > TEXT_MAX) {
    return refuse({
      rule: "R-TIER-5",
      message: "Withdrawing an invitation is recorded with its reason.",
      missing: [why === "" ? "a reason" : `a reason of at most ${TEXT_MAX} characters (has ${textLength(why)})`],
      toSatisfy: `Give the reason in 1–${TEXT_MAX} characters.`,
    });
  }
  return allow({ reason: why });
}

// ---------------------------------------------------------------------------------------------
// R-TIER-8: stored, frozen, superseded only on purpose
// ---------------------------------------------------------------------------------------------

export interface RecordAssessmentFacts {
  readonly year: number;
  /** The partner already has a current assessment of this year. */
  readonly existingForYear: boolean;
  readonly supersede: boolean;
  readonly reason?: string | null;
}

/** R-TIER-8: one assessment per partner and year; another only as an explicit supersede with a reason (the old one stays). */
export function canRecordAssessment(facts: RecordAssessmentFacts): Decision<{ readonly supersedes: boolean; readonly reason: string | null }> {
  const reason = facts.reason?.trim() ?? "";
  if (!facts.existingForYear) {
    if (facts.supersede) {
      return refuse({
        rule: "R-TIER-8",
        message: `There is no assessment of ${facts.year} to supersede.`,
        missing: [`an existing assessment of ${facts.year}`],
        toSatisfy: `Run the assessment of ${facts.year} without superseding.`,
      });
    }
    return allow({ supersedes: false, reason: null });
  }
  if (!facts.supersede || reason === "" || textLength(reason) > TEXT_MAX) {
    return refuse({
      rule: "R-TIER-8",
      message: `The partner already has an assessment of ${facts.year}; it is frozen and is only replaced by an explicit supersede.`,
      missing: [
        ...(facts.supersede ? [] : ["supersede: true, chosen by program staff"]),
        ...(reason === "" ? [`a reason for superseding (1–${TEXT_MAX} characters)`] : textLength(reason) > TEXT_MAX ? [`a reason of at most ${TEXT_MAX} characters`] : []),
      ],
      toSatisfy: `Program staff supersede the assessment of ${facts.year} with a reason; the old assessment stays on record.`,
    });
  }
  return allow({ supersedes: true, reason });
}

export interface FrozenFigures extends Omit<PartnerYearFigures, "period" | "apps"> {
  readonly period: { readonly year: number; readonly start: string; readonly end: string };
  readonly apps: readonly (Omit<AppYearFigures, "pushCalls" | "pullCalls"> & { readonly pushCalls: string; readonly pullCalls: string })[];
}

/** What TierAssessment stores: JSON-safe (dates "YYYY-MM-DD", call counts as digit strings). */
export interface FrozenAssessment {
  readonly year: number;
  readonly effectiveYear: number;
  readonly policyVersion: number;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly previousTierKey: string;
  readonly resultTierKey: string;
  readonly invitation: InvitationOutcome;
  readonly inputs: FrozenFigures;
  /** Every requirement of every tier, lowest tier first. */
  readonly requirements: readonly RequirementResult[];
  readonly explanation: string;
}

/** R-TIER-8: the record to store for an assessment: every input figure and every requirement's verdict. */
export function freezeAssessment(input: { readonly policyVersion: number; readonly figures: PartnerYearFigures; readonly result: AssessmentResult }): FrozenAssessment {
  const { figures, result } = input;
  if (figures.period.year !== result.year) throw new RangeError(`The figures are for ${figures.period.year} but the assessment is of ${result.year}.`);
  const period = { year: figures.period.year, start: isoDate(figures.period.start), end: isoDate(figures.period.end) };
  return {
    year: result.year,
    effectiveYear: result.effectiveYear,
    policyVersion: input.policyVersion,
    periodStart: period.start,
    periodEnd: period.end,
    previousTierKey: result.previousTierKey,
    resultTierKey: result.resultTierKey,
    invitation: result.invitation,
    inputs: { ...figures, period, apps: figures.apps.map((a) => ({ ...a, pushCalls: a.pushCalls.toString(), pullCalls: a.pullCalls.toString() })) },
    requirements: result.perTier.flatMap((t) => t.requirements),
    explanation: result.explanation,
  };
}

// ---------------------------------------------------------------------------------------------
// R-TIER-9: progress toward the next tier, informational only
// ---------------------------------------------------------------------------------------------

export interface ProgressFacts {
  readonly ladder: Ladder;
  readonly currentTierKey: string;
  /** computeFigures over yearToDatePeriod(asOf, firstLaunch). */
  readonly ytdFigures: PartnerYearFigures;
  readonly premierInvitation?: PremierInvitationFacts | null;
}

export interface TierProgress {
  readonly year: number;
  readonly currentTierKey: string;
  /** Null at the top of the ladder. */
  readonly nextTierKey: string | null;
  readonly requirements: readonly RequirementResult[];
  readonly met: number;
  readonly total: number;
  readonly note: string;
}

/** R-TIER-9: the next tier's requirements against year-to-date figures, judged as assess() judges them. Never changes a tier (R-TIER-3). */
export function progress(facts: ProgressFacts): TierProgress {
  const ladder = byRank(facts.ladder);
  const current = tierOn(ladder, facts.currentTierKey);
  const i = ladder.findIndex((t) => t.rank > current.rank);
  const { year } = facts.ytdFigures.period;
  const informational = `Informational: figures from ${span(facts.ytdFigures.period)}; tiers change only at the assessment of ${year} at the start of ${year + 1} (R-TIER-3).`;
  if (i < 0) return { year, currentTierKey: current.key, nextTierKey: null, requirements: [], met: 0, total: 0, note: `${current.name} is the top tier. ${informational}` };
  const next = ladder[i]!;
  const requirements = judgeTier(next, needsBidirectional(ladder, i), measure(facts.ytdFigures, facts.premierInvitation ?? null));
  const met = requirements.filter((r) => r.met).length;
  return {
    year,
    currentTierKey: current.key,
    nextTierKey: next.key,
    requirements,
    met,
    total: requirements.length,
    note: `${met} of ${requirements.length} requirements of ${next.name} met so far.${next.invitationOnly ? ` ${next.name} is by invitation only (R-TIER-5).` : ""} ${informational}`,
  };
}
