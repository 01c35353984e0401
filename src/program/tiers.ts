// Tiers (R-TIER-1..9) as use cases: the annual assessment in pages of partners, Premier invitations,
// program policies, and the read-only answers (current tier, progress, what-if). Every decision is
// made by src/domain/tiers.ts; this file reads facts, calls it, and writes what it decided.
import { randomUUID } from "node:crypto";
import type { Viewer } from "../auth/viewer.js";
import type { Marketplace } from "../domain/listings/marketplaces.js";
import { entryTierKey } from "../domain/partners.js";
import {
  adjustFigures, assess, defaultLadder, assessmentPeriod, canRecordAssessment, canRunAssessment, computeFigures, freezeAssessment, progress,
  canWithdrawInvitation, refuseMidYearChange, validateLadder, validatePremierInvitation, whatIf, yearToDatePeriod,
  type AssessmentPeriod, type AssessmentResult, type FrozenAssessment, type Ladder, type PartnerYearFigures, type PremierGrounds,
  type PremierInvitationFacts, type Tier, type TierProgress, type WhatIfAdjustments,
} from "../domain/tiers.js";
import { DEFAULT_LOW_USAGE_POLICY } from "../domain/usage.js";
import { isoDate, startOfDay } from "../domain/dates.js";
import { actorOf, type NewEvent, type Tx } from "../events/log.js";
import { Conflict, InvalidInput, rejectFieldErrors, RuleViolation } from "./refusals.js";
import { appendEvents, changeInBatch } from "./event-batch.js";
import { decide, found, requireStaff, requireStaffOrPartnerOf } from "./guard.js";
import { checkText, type FieldError } from "../domain/fields.js";
import type { Program } from "./program.js";
import { invitationsFor, loadYearFacts, policyLadder, tiersHeld, type PartnerYearBundle, type Reader, type TierSource } from "./tier-facts.js";

const NO_FACTS: Omit<PartnerYearBundle, "firstLaunch"> = { apps: [], leads: [], inquiries: [] };

/** A tier key the ladder knows; a key from another year's ladder falls back to the entry tier. */
const onLadder = (ladder: Ladder, key: string) => (ladder.some((t) => t.key === key) ? key : entryTierKey(ladder));

/**
 * The figures of one partner over `period` (R-TIER-2). Before its first app launched nothing has
 * accrued: the figures are those of a partner with no apps, leads or inquiries, over the whole span.
 */
function figuresOver(bundle: PartnerYearBundle, period: AssessmentPeriod | null, fallback: AssessmentPeriod): PartnerYearFigures {
  return computeFigures(period ? { period, ...bundle } : { period: fallback, ...NO_FACTS });
}

const calendarYear = (year: number): AssessmentPeriod => ({ year, start: new Date(Date.UTC(year, 0, 1)), end: new Date(Date.UTC(year, 11, 31)) });

function notAfterToday(program: Program, asOf: Date, rule: string, what: string) {
  const today = program.today();
  if (startOfDay(asOf).getTime() > startOfDay(today).getTime()) {
    throw new InvalidInput([{ field: "asOf", message: `must not be after the program's today (${isoDate(today)}): ${what}` }], rule);
  }
}

// ---------------------------------------------------------------------------------------------
// The annual assessment (R-TIER-2, R-TIER-5..8), in pages of partners
// ---------------------------------------------------------------------------------------------

export interface AssessmentRunInput {
  readonly year: number;
  readonly supersede?: boolean | null;
  readonly reason?: string | null;
  /** Only this partner (an audited correction); default every partner in the program during the year. */
  readonly partnerId?: string | null;
  /** Default: the program's today; never after it. */
  readonly asOf?: Date | null;
  readonly pageSize?: number;
  readonly onProgress?: (p: { done: number; total: number }) => void;
}

export interface AssessmentRunReport {
  readonly year: number;
  readonly effectiveYear: number;
  readonly policyId: string;
  readonly policyVersion: number;
  /** Partners in the program during the year (joined by its end). */
  readonly partners: number;
  readonly assessed: number;
  /** Of `assessed`, those that replaced an earlier assessment (supersede). */
  readonly superseded: number;
  /** Already assessed for the year and not superseded: left as they are (R-TIER-8). */
  readonly alreadyAssessed: number;
  /** Supersede asked, but the partner had no assessment of the year to supersede. */
  readonly nothingToSupersede: number;
  readonly promoted: number;
  readonly demoted: number;
  readonly unchanged: number;
  readonly premierApplied: number;
  readonly premierLapsed: number;
  readonly byTier: readonly { readonly tierKey: string; readonly partners: number }[];
}

interface PartnerRow { id: string; tierKey: string }
interface Existing { id: string; previousTierKey: string; resultTierKey: string }

interface Decided {
  partnerId: string;
  assessmentId: string;
  previousTierKey: string;
  frozen: FrozenAssessment;
  result: AssessmentResult;
  supersedes: Existing | null;
  reason: string | null;
  invitationId: string | null;
}

/**
 * R-TIER-2 / R-TIER-8: assesses `year` for every partner (or one), on the year's latest policy
 * version, which it locks. A partner already assessed is left alone unless staff supersede with a
 * reason (the old assessment stays, no longer current). Refused outright when there is nothing to
 * assess. One transaction per page: each partner's TierAssessment, PartnerTierYear and event commit together.
 */
export async function runTierAssessment(program: Program, viewer: Viewer, input: AssessmentRunInput): Promise<AssessmentRunReport> {
  requireStaff(viewer);
  const asOf = input.asOf ?? program.today();
  notAfterToday(program, asOf, "R-TIER-2", "an assessment is run on a year that has ended");
  const { year } = input;
  const { effectiveYear } = decide(canRunAssessment(year, asOf));
  const supersede = input.supersede === true;
  const reason = input.reason?.trim() || null;
  if (supersede) decide(canRecordAssessment({ year, existingForYear: true, supersede, reason }));
  const db = program.prisma;
  const policy = await policyLadder(db, year);
  const ladder = decide(validateLadder(policy.ladder));
  const yearEnd = new Date(Date.UTC(year + 1, 0, 1));
  const scope = input.partnerId ? `AND p."id" = $3::uuid` : "";
  const scopeArgs = input.partnerId ? [input.partnerId] : [];

  const [counts] = (await db.$queryRawUnsafe<{ partners: number; assessed: number }[]>(
    `SELECT count(*)::int AS partners, count(a."id")::int AS assessed FROM "Partner" p
     LEFT JOIN "TierAssessment" a ON a."partnerId" = p."id" AND a."year" = $1 AND a."currentSlot" = 'cur'
     WHERE p."createdAt" < $2::timestamptz ${scope}`,
    year, yearEnd.toISOString(), ...scopeArgs,
  )) as [{ partners: number; assessed: number }];
  if (input.partnerId && counts.partners === 0) {
    found(await db.partner.findUnique({ where: { id: input.partnerId }, select: { id: true } }), "partner");
    throw new RuleViolation({
      rule: "R-TIER-2",
      message: `The partner joined after ${year} ended; it holds the entry tier and has no ${year} to assess.`,
      missing: [`membership of the program during ${year}`],
      toSatisfy: `Assess ${year + 1} at the start of ${year + 2}.`,
    });
  }
  // R-TIER-8: running again for an assessed year is refused (nothing changes) unless staff supersede.
  if (!supersede && counts.partners > 0 && counts.assessed === counts.partners) {
    decide(canRecordAssessment({ year, existingForYear: true, supersede: false, reason }));
  }

  const actor = actorOf(viewer);
  const pageSize = input.pageSize ?? 500;
  const tally = { assessed: 0, superseded: 0, alreadyAssessed: 0, nothingToSupersede: 0, promoted: 0, demoted: 0, unchanged: 0, premierApplied: 0, premierLapsed: 0 };
  const byTier = new Map<string, number>();
  let done = 0;
  const readPage = async (after: string) => {
    const page = await db.$queryRawUnsafe<PartnerRow[]>(
      `SELECT p."id"::text AS id, p."tierKey" FROM "Partner" p
       WHERE p."createdAt" < $2::timestamptz AND p."id" > $1::uuid ${scope.replace("$3", "$4")}
       ORDER BY p."id" LIMIT $3`,
      after, yearEnd.toISOString(), pageSize, ...scopeArgs,
    );
    if (page.length === 0) return null;
    const partnerIds = page.map((p) => p.id);
    const [existing, held, invitations, facts] = await Promise.all([
      db.$queryRawUnsafe<(Existing & { partnerId: string })[]>(
        `SELECT "id"::text AS id, "partnerId"::text AS "partnerId", "previousTierKey", "resultTierKey" FROM "TierAssessment"
         WHERE "partnerId" = ANY(ARRAY(SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))) AND "year" = $2 AND "currentSlot" = 'cur'`,
        JSON.stringify(partnerIds), year,
      ).then((rows) => new Map(rows.map((r) => [r.partnerId, r]))),
      tiersHeld(db, partnerIds, year),
      invitationsFor(db, partnerIds, effectiveYear),
      loadYearFacts(db, partnerIds, year, new Date(Date.UTC(year, 11, 31))),
    ]);
    return { page, existing, held, invitations, facts };
  };
  let next = readPage("00000000-0000-0000-0000-000000000000");
  for (;;) {
    const current = await next;
    if (!current) break;
    const { page, existing, held, invitations, facts } = current;
    // The next page is read while this one is judged and written: at most two pages in memory.
    next = readPage(page[page.length - 1]!.id);
    next.catch(() => undefined);
    const decided: Decided[] = [];
    for (const p of page) {
      const old = existing.get(p.id) ?? null;
      const may = canRecordAssessment({ year, existingForYear: old !== null, supersede, reason });
      if (!may.ok) {
        if (input.partnerId) throw new RuleViolation(may.refusal);
        if (old) tally.alreadyAssessed += 1;
        else tally.nothingToSupersede += 1;
        continue;
      }
      const bundle = facts.get(p.id)!;
      const previousTierKey = onLadder(ladder, old?.previousTierKey ?? held.get(p.id)?.tierKey ?? entryTierKey(ladder));
      const invitation = invitations.get(p.id) ?? null;
      const figures = figuresOver(bundle, assessmentPeriod(year, bundle.firstLaunch), calendarYear(year));
      const result = assess({ ladder, figures, currentTierKey: previousTierKey, premierInvitation: invitation });
      const frozen = freezeAssessment({ policyVersion: policy.version, figures, result });
      decided.push({ partnerId: p.id, assessmentId: randomUUID(), previousTierKey, frozen, result, supersedes: old, reason: may.value.reason, invitationId: invitation?.id ?? null });
    }
    if (decided.length) {
      await changeInBatch(program, async (tx) => ({ result: null, lastPosition: await writeAssessments(tx, decided, { year, effectiveYear, policyId: policy.id, asOf, at: program.now(), actor, assessedById: viewer.kind === "staff" && !viewer.system ? viewer.staffId : null }) }));
    }
    for (const d of decided) {
      tally.assessed += 1;
      if (d.supersedes) tally.superseded += 1;
      tally[d.result.change === "PROMOTED" ? "promoted" : d.result.change === "DEMOTED" ? "demoted" : "unchanged"] += 1;
      if (d.result.invitation === "APPLIED") tally.premierApplied += 1;
      if (d.result.invitation === "LAPSED") tally.premierLapsed += 1;
      byTier.set(d.result.resultTierKey, (byTier.get(d.result.resultTierKey) ?? 0) + 1);
    }
    done += page.length;
    input.onProgress?.({ done, total: counts.partners });
  }
  return {
    year, effectiveYear, policyId: policy.id, policyVersion: policy.version, partners: counts.partners, ...tally,
    byTier: ladder.map((t) => ({ tierKey: t.key, partners: byTier.get(t.key) ?? 0 })),
  };
}

/** One page of decided assessments, set-based: supersede, insert, tier of the year, partner tier, invitations, policy lock, events. */
async function writeAssessments(
  tx: Tx,
  decided: readonly Decided[],
  ctx: { year: number; effectiveYear: number; policyId: string; asOf: Date; at: Date; actor: NewEvent["actor"]; assessedById: string | null },
): Promise<bigint | null> {
  const superseded = decided.filter((d) => d.supersedes).map((d) => d.supersedes!.id);
  if (superseded.length) {
    const n = await tx.$executeRawUnsafe(
      `UPDATE "TierAssessment" SET "currentSlot" = NULL
       WHERE "id" = ANY(ARRAY(SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))) AND "currentSlot" = 'cur'`,
      JSON.stringify(superseded),
    );
    if (n !== superseded.length) throw new Conflict("another assessment run superseded some of these assessments at the same time; run it again");
  }
  // One statement for the page: the frozen records travel as one JSON document.
  await tx.$executeRawUnsafe(
    `INSERT INTO "TierAssessment" ("id", "partnerId", "year", "policyId", "previousTierKey", "resultTierKey", "periodStart", "periodEnd", "inputs",
       "requirements", "explanation", "currentSlot", "supersedesId", "supersedeReason", "assessedById", "assessedAt")
     SELECT r."id", r."partnerId", $2, $3::uuid, r."previousTierKey", r."resultTierKey", r."periodStart", r."periodEnd", r."inputs", r."requirements",
       r."explanation", 'cur', r."supersedesId", r."supersedeReason", $4::uuid, $5::timestamptz
     FROM jsonb_to_recordset($1::jsonb) AS r("id" uuid, "partnerId" uuid, "previousTierKey" text, "resultTierKey" text, "periodStart" date, "periodEnd" date,
       "inputs" jsonb, "requirements" jsonb, "explanation" text, "supersedesId" uuid, "supersedeReason" text)`,
    JSON.stringify(decided.map((d) => ({
      id: d.assessmentId, partnerId: d.partnerId, previousTierKey: d.previousTierKey, resultTierKey: d.frozen.resultTierKey,
      periodStart: d.frozen.periodStart, periodEnd: d.frozen.periodEnd, inputs: d.frozen.inputs, requirements: d.frozen.requirements,
      explanation: d.frozen.explanation, supersedesId: d.supersedes?.id ?? null, supersedeReason: d.supersedes ? d.reason : null,
    }))),
    ctx.year, ctx.policyId, ctx.assessedById, ctx.at.toISOString(),
  );
  // R-TIER-2: the assessment of `year` sets the tier of `year + 1` only; the years before stay as they were.
  const rows = JSON.stringify(decided.map((d) => ({
    partnerId: d.partnerId, tierKey: d.frozen.resultTierKey, assessmentId: d.assessmentId,
    source: (d.result.invitation === "APPLIED" ? "INVITATION" : "ASSESSMENT") satisfies TierSource,
  })));
  await tx.$executeRawUnsafe(
    `INSERT INTO "PartnerTierYear" ("partnerId", "year", "tierKey", "assessmentId", "source", "setAt")
     SELECT r."partnerId", $2, r."tierKey", r."assessmentId", r."source"::"TierSource", $3::timestamptz
     FROM jsonb_to_recordset($1::jsonb) AS r("partnerId" uuid, "tierKey" text, "assessmentId" uuid, "source" text)
     ON CONFLICT ("partnerId", "year") DO UPDATE SET "tierKey" = EXCLUDED."tierKey", "assessmentId" = EXCLUDED."assessmentId", "source" = EXCLUDED."source", "setAt" = EXCLUDED."setAt"`,
    rows, ctx.effectiveYear, ctx.at.toISOString(),
  );
  // The partner record shows the tier of the program's current year (the storefront's badge): the latest
  // tier year at or before it. R-TIER-3/4: it changes here and nowhere else.
  await tx.$executeRawUnsafe(
    `UPDATE "Partner" p SET "tierKey" = h."tierKey"
     FROM (SELECT DISTINCT ON (y."partnerId") y."partnerId", y."tierKey" FROM "PartnerTierYear" y
           WHERE y."partnerId" IN (SELECT r."partnerId" FROM jsonb_to_recordset($1::jsonb) AS r("partnerId" uuid)) AND y."year" <= $2
           ORDER BY y."partnerId", y."year" DESC) h
     WHERE p."id" = h."partnerId" AND p."tierKey" IS DISTINCT FROM h."tierKey"`,
    rows, ctx.at.getUTCFullYear(),
  );
  const invited = decided.filter((d) => d.invitationId).map((d) => ({ id: d.invitationId, status: d.result.invitation === "APPLIED" ? "APPLIED" : "LAPSED" }));
  if (invited.length) {
    await tx.$executeRawUnsafe(
      `UPDATE "PremierInvitation" i SET "status" = r."status"::"InvitationStatus" FROM jsonb_to_recordset($1::jsonb) AS r("id" uuid, "status" text)
       WHERE i."id" = r."id"`,
      JSON.stringify(invited),
    );
  }
  await tx.$executeRawUnsafe(`UPDATE "ProgramPolicy" SET "lockedAt" = $2::timestamptz WHERE "id" = $1::uuid AND "lockedAt" IS NULL`, ctx.policyId, ctx.at.toISOString());
  return appendEvents(tx, decided.map((d) => ({
    type: d.supersedes ? "tier.reassessed" : "tier.assessed",
    actor: ctx.actor, subjectId: d.assessmentId, partnerId: d.partnerId,
    before: { tier: d.previousTierKey, ...(d.supersedes ? { assessmentId: d.supersedes.id, resultTier: d.supersedes.resultTierKey } : {}) },
    after: {
      year: ctx.year, effectiveYear: ctx.effectiveYear, tier: d.frozen.resultTierKey, change: d.result.change, invitation: d.result.invitation,
      policyVersion: d.frozen.policyVersion, explanation: d.frozen.explanation,
    },
    reason: d.supersedes ? d.reason : null,
  })), ctx.at);
}

// ---------------------------------------------------------------------------------------------
// Reading a partner's tier: current tier, progress (R-TIER-9), what-if
// ---------------------------------------------------------------------------------------------

export interface CurrentTier {
  readonly year: number;
  readonly tierKey: string;
  readonly tierName: string;
  /** Where it came from (R-TIER-2): the entry tier on joining, an assessment, an invitation it applied, or recorded. */
  readonly source: TierSource;
  /** The year it was set for; the years after it carry it until the next assessment. */
  readonly sinceYear: number;
  readonly assessmentId: string | null;
  readonly partnerId: string;
}

/**
 * R-TIER-2: the tier the partner held in `year`, as it was: set on joining or by the assessment of an
 * earlier year, never rewritten by a later one. A year before the partner joined, or one that has not
 * started, has no tier to read.
 */
export async function currentTier(db: Reader, partnerId: string, year: number, today: Date): Promise<CurrentTier> {
  const thisYear = today.getUTCFullYear();
  if (year > thisYear) {
    throw new RuleViolation({
      rule: "R-TIER-2",
      message: `${year} has not started (today is ${isoDate(today)}); its tier is set by the assessment of ${year - 1}, at the start of ${year}.`,
      missing: [`the assessment of ${year - 1}`],
      toSatisfy: `Ask for ${thisYear} or an earlier year; see the progress toward the next tier for ${year}.`,
    });
  }
  const held = (await tiersHeld(db, [partnerId], year)).get(partnerId);
  if (!held) {
    throw new RuleViolation({
      rule: "R-TIER-2",
      message: `The partner was not in the program in ${year}, so it held no tier that year.`,
      missing: [`membership of the program in ${year}`],
      toSatisfy: "Ask for a year from the one the partner joined in.",
    });
  }
  const { ladder } = await policyLadder(db, year, { exact: false });
  return {
    year, tierKey: held.tierKey, tierName: ladder.find((t) => t.key === held.tierKey)?.name ?? held.tierKey,
    source: held.source, sinceYear: held.sinceYear, assessmentId: held.assessmentId, partnerId,
  };
}

export interface TierProgressAnswer {
  readonly asOf: Date;
  readonly progress: TierProgress;
  readonly figures: PartnerYearFigures;
}

/**
 * R-TIER-9: the next tier's requirements against the year-to-date figures, as the viewer may see them
 * (`marketplaces`, R-LIST-6). Informational; writes nothing.
 */
export async function tierProgress(db: Reader, partnerId: string, asOf: Date, marketplaces?: readonly Marketplace[]): Promise<TierProgressAnswer> {
  const year = asOf.getUTCFullYear();
  const { ladder } = await policyLadder(db, year, { exact: false });
  const today = startOfDay(asOf);
  const [held, invitations, facts] = await Promise.all([
    tiersHeld(db, [partnerId], year), invitationsFor(db, [partnerId], year + 1), loadYearFacts(db, [partnerId], year, today, marketplaces),
  ]);
  const bundle = facts.get(partnerId)!;
  const figures = figuresOver(bundle, yearToDatePeriod(asOf, bundle.firstLaunch), { year, start: new Date(Date.UTC(year, 0, 1)), end: today });
  const currentTierKey = onLadder(ladder, held.get(partnerId)?.tierKey ?? entryTierKey(ladder));
  return { asOf, progress: progress({ ladder, currentTierKey, ytdFigures: figures, premierInvitation: invitations.get(partnerId) ?? null }), figures };
}

export interface WhatIfAnswer {
  readonly asOf: Date;
  /** YEAR_TO_DATE: the year so far as if it ended on asOf; FULL_YEAR: a year that has ended. */
  readonly basis: "YEAR_TO_DATE" | "FULL_YEAR";
  readonly baseline: AssessmentResult;
  readonly result: AssessmentResult & { readonly figures: PartnerYearFigures };
  readonly figures: PartnerYearFigures;
}

/**
 * What the assessment of `year` would say with adjusted figures: assess() over adjustFigures(), next
 * to the unadjusted baseline. For the running year, the figures so far stand in for the whole year.
 * Changes nothing.
 */
export async function tierWhatIf(db: Reader, partnerId: string, adjustments: WhatIfAdjustments, opts: { year?: number | null; asOf: Date; marketplaces?: readonly Marketplace[] }): Promise<WhatIfAnswer> {
  const { asOf } = opts;
  const year = opts.year ?? asOf.getUTCFullYear();
  if (year > asOf.getUTCFullYear()) throw new InvalidInput([{ field: "year", message: `${year} has not started (as of ${isoDate(asOf)})` }], "R-TIER-2");
  const basis = year < asOf.getUTCFullYear() ? "FULL_YEAR" : "YEAR_TO_DATE";
  const end = basis === "FULL_YEAR" ? new Date(Date.UTC(year, 11, 31)) : startOfDay(asOf);
  const { ladder } = await policyLadder(db, year, { exact: false });
  const [held, invitations, facts] = await Promise.all([
    tiersHeld(db, [partnerId], year), invitationsFor(db, [partnerId], year + 1), loadYearFacts(db, [partnerId], year, end, opts.marketplaces),
  ]);
  const bundle = facts.get(partnerId)!;
  const period = basis === "FULL_YEAR" ? assessmentPeriod(year, bundle.firstLaunch) : yearToDatePeriod(asOf, bundle.firstLaunch);
  const figures = figuresOver(bundle, period, { year, start: new Date(Date.UTC(year, 0, 1)), end });
  if (adjustments.makeAppBidirectional !== undefined && !figures.apps.some((a) => a.appId === adjustments.makeAppBidirectional)) {
    throw new InvalidInput([{ field: "adjustments.makeAppBidirectional", message: "is not one of the partner's apps (or no app has launched yet)" }]);
  }
  const input = { ladder, figures, currentTierKey: onLadder(ladder, held.get(partnerId)?.tierKey ?? entryTierKey(ladder)), premierInvitation: invitations.get(partnerId) ?? null };
  return { asOf, basis, baseline: assess(input), result: whatIf({ ...input, adjustments }), figures: adjustFigures(figures, adjustments) };
}

// ---------------------------------------------------------------------------------------------
// Mid-year tier changes are refused (R-TIER-3, R-TIER-4)
// ---------------------------------------------------------------------------------------------

/**
 * Staff asking to set a partner's tier outside the assessment: refused as a mid-year promotion
 * (R-TIER-3) or demotion (R-TIER-4). Asking for the tier it already has changes nothing.
 */
export async function changePartnerTier(program: Program, viewer: Viewer, input: { partnerId: string; tierKey: string }) {
  requireStaff(viewer);
  const db = program.prisma;
  const partner = found(await db.partner.findUnique({ where: { id: input.partnerId } }), "partner");
  const asOf = program.today();
  const { ladder } = await policyLadder(db, asOf.getUTCFullYear(), { exact: false });
  const held = await currentTier(db, partner.id, asOf.getUTCFullYear(), asOf);
  decide(refuseMidYearChange({ ladder, currentTierKey: onLadder(ladder, held.tierKey), requestedTierKey: input.tierKey.trim(), asOf }));
  return partner;
}

// ---------------------------------------------------------------------------------------------
// R-TIER-5: Premier invitations
// ---------------------------------------------------------------------------------------------

/**
 * R-TIER-5: staff invite a partner to Premier for the year the invitation takes effect (default: the
 * year the partner's next assessment sets). It applies there if Premier's requirements are met.
 */
export async function invitePremier(program: Program, viewer: Viewer, input: { partnerId: string; grounds: PremierGrounds; effectiveYear?: number | null }) {
  const staff = requireStaff(viewer);
  return program.change(async (tx, record) => {
    const now = program.now();
    const partner = found(await tx.partner.findUnique({ where: { id: input.partnerId } }), "partner");
    const previousYearAssessed = (await tx.tierAssessment.count({ where: { partnerId: partner.id, year: now.getUTCFullYear() - 1, currentSlot: "cur" } })) > 0;
    const ok = decide(validatePremierInvitation({ grounds: input.grounds, asOf: now, joinedAt: partner.createdAt, previousYearAssessed, effectiveYear: input.effectiveYear }));
    const clash = await tx.premierInvitation.findFirst({ where: { partnerId: partner.id, effectiveYear: ok.effectiveYear, status: { not: "WITHDRAWN" } } });
    if (clash) throw new Conflict(`${partner.name} already has an invitation for ${ok.effectiveYear} (${clash.status}); withdraw it first to record another`);
    const invitation = await tx.premierInvitation.create({
      data: { partnerId: partner.id, ...ok.grounds, effectiveYear: ok.effectiveYear, invitedById: staff.staffId, invitedAt: now },
    });
    await record({
      type: "tier.premier-invited", actor: actorOf(viewer), subjectId: partner.id, partnerId: partner.id,
      after: { invitationId: invitation.id, effectiveYear: ok.effectiveYear, decidedBy: `the assessment of ${ok.effectiveYear - 1}`, grounds: ok.grounds },
      reason: "Premier is by invitation only (R-TIER-5); it applies if the partner meets Premier's requirements at that assessment.",
    });
    return invitation;
  });
}

/** R-TIER-5: staff withdraw a pending invitation before its assessment; the withdrawn one stays on record. */
export async function withdrawPremierInvitation(program: Program, viewer: Viewer, input: { invitationId: string; reason: string }) {
  const staff = requireStaff(viewer);
  return program.change(async (tx, record) => {
    const invitation = found(await tx.premierInvitation.findUnique({ where: { id: input.invitationId } }), "invitation");
    const ok = decide(canWithdrawInvitation(invitation, input.reason));
    const { count } = await tx.premierInvitation.updateMany({
      where: { id: invitation.id, status: "PENDING" },
      data: { status: "WITHDRAWN", withdrawnAt: program.now(), withdrawnById: staff.system ? null : staff.staffId, withdrawReason: ok.reason },
    });
    if (count !== 1) throw new Conflict("the invitation was decided or withdrawn at the same time; re-read it");
    await record({
      type: "tier.premier-invitation-withdrawn", actor: actorOf(viewer), subjectId: invitation.partnerId, partnerId: invitation.partnerId,
      before: { invitationId: invitation.id, effectiveYear: invitation.effectiveYear, status: "PENDING" },
      after: { status: "WITHDRAWN" }, reason: ok.reason,
    });
    return tx.premierInvitation.findUniqueOrThrow({ where: { id: invitation.id } });
  });
}

// ---------------------------------------------------------------------------------------------
// R-TIER-1 / R-TIER-7: program policies; a version used by an assessment is frozen
// ---------------------------------------------------------------------------------------------

export interface PolicyInput {
  readonly feePolicy?: string | null;
  readonly lowUsageMinActiveCustomers?: number | null;
  readonly lowUsageWindowMonths?: number | null;
  readonly atRiskNoticeDays?: number | null;
  /** The whole ladder; default: the one it succeeds (or the program's default ladder). */
  readonly tiers?: readonly Tier[] | null;
}

function checkedPolicy(input: PolicyInput, base: { feePolicy: string; lowUsageMinActiveCustomers: number; lowUsageWindowMonths: number; atRiskNoticeDays: number; tiers: readonly Tier[] }) {
  const problems: FieldError[] = [];
  const feePolicy = input.feePolicy === undefined || input.feePolicy === null ? base.feePolicy : (checkText(problems, "feePolicy", input.feePolicy, { min: 1, max: 500 }) ?? "");
  const whole = (field: "lowUsageMinActiveCustomers" | "lowUsageWindowMonths" | "atRiskNoticeDays", min: number, max: number) => {
    const v = input[field] ?? base[field];
    if (!Number.isInteger(v) || v < min || v > max) problems.push({ field, message: `must be a whole number from ${min} to ${max} (got ${v})` });
    return v;
  };
  const settings = {
    feePolicy,
    lowUsageMinActiveCustomers: whole("lowUsageMinActiveCustomers", 0, 1_000_000),
    lowUsageWindowMonths: whole("lowUsageWindowMonths", 1, 60),
    atRiskNoticeDays: whole("atRiskNoticeDays", 1, 365),
  };
  rejectFieldErrors(problems, "R-TIER-1");
  const tiers = decide(validateLadder((input.tiers ?? base.tiers).map((t) => ({ ...t, key: t.key.trim(), name: t.name.trim() }))));
  return { settings, tiers };
}

async function policyBase(tx: Tx, year: number) {
  const latest = await tx.programPolicy.findFirst({
    where: { year: { lte: year } }, orderBy: [{ year: "desc" }, { version: "desc" }], include: { tiers: { orderBy: { rank: "asc" } } },
  });
  if (latest) return { ...latest, tiers: latest.tiers.map(({ id: _id, policyId: _p, ...t }) => t) };
  return { feePolicy: "No fee to join the program.", ...DEFAULT_LOW_USAGE_POLICY, tiers: defaultLadder() };
}

/** Staff create a policy version for a year: the next version number, starting from the latest policy. */
export async function createProgramPolicy(program: Program, viewer: Viewer, input: PolicyInput & { year: number }) {
  const staff = requireStaff(viewer);
  const thisYear = program.today().getUTCFullYear();
  if (!Number.isInteger(input.year) || input.year < thisYear - 1 || input.year > thisYear + 5) {
    throw new InvalidInput([{ field: "year", message: `must be from ${thisYear - 1} to ${thisYear + 5}` }], "R-TIER-1");
  }
  return program.change(async (tx, record) => {
    const { settings, tiers } = checkedPolicy(input, await policyBase(tx, input.year));
    const last = await tx.programPolicy.findFirst({ where: { year: input.year }, orderBy: { version: "desc" }, select: { id: true, version: true } });
    const policy = await tx.programPolicy.create({
      data: { year: input.year, version: (last?.version ?? 0) + 1, ...settings, createdById: staff.system ? null : staff.staffId, createdAt: program.now(), tiers: { create: tiers.map((t) => ({ ...t })) } },
    });
    await record({
      type: "policy.created", actor: actorOf(viewer), subjectId: policy.id,
      before: last ? { policyId: last.id, version: last.version } : null,
      after: { year: policy.year, version: policy.version, ...settings, tiers },
    });
    return policy;
  });
}

/** Staff change a policy version no assessment has used yet; a locked one is refused (create a new version instead). */
export async function updateProgramPolicy(program: Program, viewer: Viewer, input: PolicyInput & { policyId: string }) {
  requireStaff(viewer);
  return program.change(async (tx, record) => {
    const policy = found(await tx.programPolicy.findUnique({ where: { id: input.policyId }, include: { tiers: { orderBy: { rank: "asc" } } } }), "program policy");
    if (policy.lockedAt) {
      throw new RuleViolation({
        rule: "R-TIER-8",
        message: `Policy ${policy.year} version ${policy.version} was used by an assessment on ${isoDate(policy.lockedAt)}; it is frozen and cannot be changed.`,
        missing: ["a policy version no assessment has used"],
        toSatisfy: `Create a new version of the ${policy.year} policy (createProgramPolicy); it succeeds this one, which stays on record.`,
      });
    }
    const base = { ...policy, tiers: policy.tiers.map(({ id: _id, policyId: _p, ...t }) => t) };
    const { settings, tiers } = checkedPolicy(input, base);
    // Locked between the read and this write (an assessment started): the row count tells.
    const { count } = await tx.programPolicy.updateMany({ where: { id: policy.id, lockedAt: null }, data: settings });
    if (count !== 1) throw new Conflict("an assessment locked this policy at the same time; create a new version instead");
    if (input.tiers) {
      await tx.policyTier.deleteMany({ where: { policyId: policy.id } });
      await tx.policyTier.createMany({ data: tiers.map((t) => ({ ...t, policyId: policy.id })) });
    }
    await record({
      type: "policy.updated", actor: actorOf(viewer), subjectId: policy.id,
      before: { ...base, id: undefined, createdAt: undefined }, after: { year: policy.year, version: policy.version, ...settings, tiers },
    });
    return policy;
  });
}

/** Whether the viewer may read this partner's tier answers (staff, or its own members). */
export function requireTierReader(viewer: Viewer, partnerId: string) {
  return requireStaffOrPartnerOf(viewer, partnerId, "partner");
}

export type { WhatIfAdjustments };
