import { describe, it, expect } from "vitest";
import {
  assess,
  assessmentPeriod,
  assessmentYearFor,
  canRecordAssessment,
  canRunAssessment,
  computeFigures,
  defaultLadder,
  freezeAssessment,
  premierEffectiveYear,
  progress,
  refuseMidYearChange,
  canWithdrawInvitation,
  validateLadder,
  validatePremierInvitation,
  whatIf,
  yearToDatePeriod,
  type AppYearFacts,
  type AssessmentPeriod,
  type InquiryFacts,
  type LeadFacts,
  type PartnerYearFigures,
  type RequirementResult,
  type Tier,
} from "../../src/domain/tiers.js";
import type { DataFlow } from "../../src/domain/apps.js";

const utc = (iso: string) => new Date(iso.length === 10 ? `${iso}T00:00:00.000Z` : iso);
const ladder = defaultLadder();
const year2025 = assessmentPeriod(2025, utc("2023-04-01")) as AssessmentPeriod;

interface PerMonth {
  activeCustomers: number;
  installs: number;
  uninstalls: number;
  pushCalls: number;
  pullCalls: number;
}

/** One app with the same usage every month of `year`, and `opening` active customers the December before. */
function app(appId: string, name: string, declaredFlow: DataFlow, liveAtPeriodEnd: boolean, perMonth: PerMonth, opening: number, year = 2025): AppYearFacts {
  const usage = [{ month: new Date(Date.UTC(year - 1, 11, 1)), activeCustomers: opening, installs: 0, uninstalls: 0, pushCalls: 0n, pullCalls: 0n }];
  for (let m = 0; m < 12; m++) usage.push({ month: new Date(Date.UTC(year, m, 1)), ...perMonth, pushCalls: BigInt(perMonth.pushCalls), pullCalls: BigInt(perMonth.pullCalls) });
  return { appId, name, declaredFlow, liveAtPeriodEnd, usage };
}

const syncPro = (over: Partial<AppYearFacts> = {}, calls = { pushCalls: 100, pullCalls: 50 }) => ({
  ...app("sync", "Sync Pro", "BIDIRECTIONAL", true, { activeCustomers: 40, installs: 3, uninstalls: 1, ...calls }, 30),
  ...over,
});
const docsPush = app("docs", "Docs Push", "PUSH", true, { activeCustomers: 20, installs: 1, uninstalls: 0, pushCalls: 10, pullCalls: 0 }, 15);

const lead = (createdAt: string, status: LeadFacts["status"], statusChangedAt = createdAt): LeadFacts => ({ createdAt: utc(createdAt), status, statusChangedAt: utc(statusChangedAt) });
const leads2025: LeadFacts[] = [
  lead("2025-01-10", "WON", "2025-03-01"),
  lead("2025-02-10", "WON", "2025-04-01"),
  lead("2025-03-10", "WON", "2025-05-01"),
  lead("2025-04-10", "LOST", "2025-06-01"),
  lead("2025-05-10", "LOST", "2025-07-01"),
  lead("2025-06-10", "LOST", "2025-08-01"),
  lead("2025-07-10", "LOST", "2025-09-01"),
  lead("2025-12-10", "LOST", "2026-01-05"), // sent in 2025, lost in 2026: counts as sent, not as lost
  lead("2025-08-10", "REJECTED"), // rejected leads are not counted as sent
  lead("2024-11-10", "WON", "2025-02-01"), // sent in 2024, won in 2025
];
const inquiries2025: InquiryFacts[] = [
  { createdAt: utc("2025-02-01T10:00:00Z"), respondedAt: utc("2025-02-01T11:00:00Z") },
  { createdAt: utc("2025-05-01T10:00:00Z"), respondedAt: utc("2025-05-01T12:00:00Z") },
  { createdAt: utc("2025-08-01T10:00:00Z"), respondedAt: utc("2025-08-01T20:00:00Z") },
  { createdAt: utc("2025-12-31T12:00:00Z"), respondedAt: null }, // unanswered: 12 h until the period end
  { createdAt: utc("2024-12-01T10:00:00Z"), respondedAt: utc("2024-12-12T10:00:00Z") }, // outside the period
];

const strong = (apps: AppYearFacts[] = [syncPro(), docsPush]) => computeFigures({ period: year2025, apps, leads: leads2025, inquiries: inquiries2025 });

const req = (results: readonly RequirementResult[], requirement: RequirementResult["requirement"]) => results.find((r) => r.requirement === requirement);
const tierOf = (r: ReturnType<typeof assess>, key: string) => r.perTier.find((t) => t.tierKey === key)!;

describe("R-TIER-1: the ladder", () => {
  it("R-TIER-1: the default ladder is Foundation < Select < Elite < Premier, Foundation the entry tier, Premier invitation only", () => {
    const checked = validateLadder(ladder);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.value.map((t) => t.key)).toEqual(["FOUNDATION", "SELECT", "ELITE", "PREMIER"]);
    const [foundation, select, elite, premier] = checked.value as [Tier, Tier, Tier, Tier];
    expect(foundation).toMatchObject({ minActiveCustomers: 0, minLiveApps: 0, maxResponseHours: null, invitationOnly: false, requiresBidirectional: false });
    expect(select.requiresBidirectional).toBe(false);
    expect(elite).toMatchObject({ requiresBidirectional: true, invitationOnly: false });
    expect(premier).toMatchObject({ requiresBidirectional: true, invitationOnly: true });
  });

  it("R-TIER-1: a broken ladder is refused naming every problem", () => {
    const [foundation, select, elite, premier] = ladder as [Tier, Tier, Tier, Tier];
    const r = validateLadder([
      { ...premier },
      { ...foundation, minLeadsSent: 1 },
      { ...select, key: "ELITE", minWinRate: 1.5 },
      { ...elite, rank: premier.rank, requiresBidirectional: false },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.refusal.rule).toBe("R-TIER-1");
    expect(r.refusal.missing).toEqual([
      "tier ELITE: minWinRate must be a fraction from 0 to 1 (got 1.5)",
      "tier ELITE: the key is used twice; keys must be unique",
      "tier ELITE: rank 4 is used twice; ranks must be unique",
      "entry tier FOUNDATION: no requirements and no invitation, since every partner starts there (R-PART-1)",
      "tier ELITE: one of the top two tiers, so it must require a bi-directional app (R-TIER-6)",
    ]);
    expect(validateLadder([]).ok).toBe(false);
  });
});

describe("R-TIER-2: the assessed year", () => {
  it("R-TIER-2: a calendar year, or from the first launch if later; nothing if launched after it", () => {
    expect(year2025).toEqual({ year: 2025, start: utc("2025-01-01"), end: utc("2025-12-31") });
    expect(assessmentPeriod(2025, utc("2025-07-15T13:45:00Z"))).toEqual({ year: 2025, start: utc("2025-07-15"), end: utc("2025-12-31") });
    expect(assessmentPeriod(2025, utc("2026-02-01"))).toBeNull();
    expect(assessmentPeriod(2025, null)).toBeNull();
  });

  it("R-TIER-2: assessed at the start of the next year, never before the year ends", () => {
    expect(assessmentYearFor(utc("2026-01-02"))).toBe(2025);
    const early = canRunAssessment(2025, utc("2025-12-31T23:59:59Z"));
    expect(early.ok).toBe(false);
    if (!early.ok) expect(early.refusal).toMatchObject({ rule: "R-TIER-2", missing: ["the end of 2025: its assessment can run from 2026-01-01"] });
    expect(canRunAssessment(2025, utc("2026-01-01"))).toEqual({ ok: true, value: { year: 2025, effectiveYear: 2026 } });
  });

  it("R-TIER-2: attainment counts from the first launch: months, leads and inquiries before it are left out", () => {
    const period = assessmentPeriod(2025, utc("2025-07-15")) as AssessmentPeriod;
    const f = computeFigures({ period, apps: [syncPro()], leads: leads2025, inquiries: inquiries2025 });
    expect(f.usageMonths).toBe(6);
    expect(f.activeCustomers).toBe(40);
    expect(f.openingCustomers).toBe(40); // June's customers open the period
    expect(f.installs).toBe(18);
    expect(f.leadsSent).toBe(1); // only the December lead was sent after the launch
    expect(f.inquiries).toBe(2);
  });

  it("R-TIER-2: the figures of a year: average active customers, live apps, leads, win rate, retention, median response", () => {
    const f = strong();
    expect(f).toMatchObject({
      usageMonths: 12,
      activeCustomers: 60,
      peakActiveCustomers: 60,
      liveApps: 2,
      leadsSent: 8,
      leadsWon: 4,
      leadsLost: 4,
      winRate: 0.5,
      openingCustomers: 45,
      installs: 48,
      uninstalls: 12,
      retention: 0.870967741935, // 1 - 12 / (45 + 48)
      inquiries: 4,
      unansweredInquiries: 1,
      medianResponseHours: 6, // 1, 2, 10, 12 h
    });
    expect(f.apps[0]).toEqual({ appId: "sync", name: "Sync Pro", declaredFlow: "BIDIRECTIONAL", live: true, pushCalls: 1200n, pullCalls: 600n });
  });
});

describe("R-TIER-7: numeric requirements with evidence and exact shortfall", () => {
  it("R-TIER-7: a partner meeting Elite's thresholds is assessed Elite, Premier's shortfalls are exact", () => {
    const r = assess({ ladder, figures: strong(), currentTierKey: "FOUNDATION", premierInvitation: null });
    expect(r).toMatchObject({ year: 2025, effectiveYear: 2026, previousTierKey: "FOUNDATION", resultTierKey: "ELITE", change: "PROMOTED", invitation: "NONE" });
    expect(r.perTier.map((t) => [t.tierKey, t.eligible])).toEqual([["FOUNDATION", true], ["SELECT", true], ["ELITE", true], ["PREMIER", false]]);
    const premier = tierOf(r, "PREMIER").requirements;
    expect(req(premier, "minActiveCustomers")).toMatchObject({ met: false, actual: 60, required: 150, shortfall: 90, rule: "R-TIER-7" });
    expect(req(premier, "minLeadsSent")).toMatchObject({ met: false, actual: 8, required: 12, shortfall: 4 });
    expect(req(premier, "minLiveApps")).toMatchObject({ met: true, shortfall: 0, evidence: "2 apps live on 2025-12-31: Sync Pro, Docs Push" });
    expect(r.explanation).toContain("Elite, promoted from Foundation");
    expect(r.explanation).toContain("Premier not reached: Monthly active customers (average) 60, needs at least 150 (short by 90)");
  });

  it("R-TIER-7: shortfall is required − actual for minimums and actual − maximum for the response time", () => {
    const figures: PartnerYearFigures = { ...strong([]), activeCustomers: 8.5, liveApps: 0, leadsSent: 1, retention: 0.65, medianResponseHours: 80, winRate: null };
    const r = assess({ ladder, figures, currentTierKey: "SELECT", premierInvitation: null });
    expect(r).toMatchObject({ resultTierKey: "FOUNDATION", change: "DEMOTED" });
    const select = tierOf(r, "SELECT").requirements;
    expect(select.map((x) => [x.requirement, x.met, x.actual, x.required, x.shortfall])).toEqual([
      ["minActiveCustomers", false, 8.5, 10, 1.5],
      ["minLiveApps", false, 0, 1, 1],
      ["minLeadsSent", false, 1, 2, 1],
      ["minRetention", false, 0.65, 0.7, 0.05],
      ["maxResponseHours", false, 80, 72, 8],
    ]);
    // No decided lead: the win rate counts as 0 against Elite's 20%.
    expect(req(tierOf(r, "ELITE").requirements, "minWinRate")).toMatchObject({ met: false, actual: null, shortfall: 0.2, evidence: "no lead won or lost in the period" });
  });

  it("R-TIER-7: no inquiries meets the response-time requirement; no customers fails retention", () => {
    const f = computeFigures({ period: year2025, apps: [], leads: [], inquiries: [] });
    const r = assess({ ladder, figures: f, currentTierKey: "FOUNDATION", premierInvitation: null });
    const select = tierOf(r, "SELECT").requirements;
    expect(req(select, "maxResponseHours")).toMatchObject({ met: true, actual: null, shortfall: 0, evidence: "no contact-form inquiries in the period" });
    expect(req(select, "minRetention")).toMatchObject({ met: false, actual: null, shortfall: 0.7 });
    expect(r.resultTierKey).toBe("FOUNDATION");
  });
});

describe("R-TIER-6: a live bi-directional app for the top two tiers", () => {
  it("R-TIER-6: declared BIDIRECTIONAL but no pull calls in the year: Elite is not reached", () => {
    const r = assess({ ladder, figures: strong([syncPro({}, { pushCalls: 100, pullCalls: 0 }), docsPush]), currentTierKey: "SELECT", premierInvitation: null });
    expect(r.resultTierKey).toBe("SELECT");
    const bidi = req(tierOf(r, "ELITE").requirements, "bidirectionalApp");
    expect(bidi).toMatchObject({ rule: "R-TIER-6", met: false, actual: 0, required: 1, shortfall: 1 });
    expect(bidi?.evidence).toBe("no live app declared BIDIRECTIONAL with both push and pull calls in 2025: Sync Pro: no pull calls; Docs Push: declared PUSH, no pull calls");
    expect(req(tierOf(r, "SELECT").requirements, "bidirectionalApp")).toBeUndefined();
  });

  it("R-TIER-6: calls both ways from an app declared PUSH, or from an app not live, do not count", () => {
    const pushBoth = app("p", "Push Both", "PUSH", true, { activeCustomers: 60, installs: 4, uninstalls: 1, pushCalls: 5, pullCalls: 5 }, 45);
    expect(assess({ ladder, figures: strong([pushBoth]), currentTierKey: "SELECT", premierInvitation: null }).resultTierKey).toBe("SELECT");
    const notLive = syncPro({ liveAtPeriodEnd: false });
    const r = assess({ ladder, figures: strong([notLive, docsPush]), currentTierKey: "SELECT", premierInvitation: null });
    expect(r.resultTierKey).toBe("SELECT");
    expect(req(tierOf(r, "ELITE").requirements, "bidirectionalApp")?.evidence).toContain("Sync Pro: not live");
  });

  it("R-TIER-6: the top two tiers need it even if the policy forgot the flag", () => {
    const noFlags = ladder.map((t) => ({ ...t, requiresBidirectional: false }));
    const r = assess({ ladder: noFlags, figures: strong([docsPush]), currentTierKey: "FOUNDATION", premierInvitation: null });
    expect(req(tierOf(r, "ELITE").requirements, "bidirectionalApp")?.met).toBe(false);
    expect(req(tierOf(r, "SELECT").requirements, "bidirectionalApp")).toBeUndefined();
  });
});

describe("R-TIER-5: Premier by invitation only", () => {
  const premierFigures = whatIf({ ladder, figures: strong(), currentTierKey: "ELITE", premierInvitation: null, adjustments: { activeCustomersDelta: 90, leadsSentDelta: 4 } });

  it("R-TIER-5: an assessment never yields Premier on its own, even with every other requirement met", () => {
    expect(premierFigures.resultTierKey).toBe("ELITE");
    const premier = tierOf(premierFigures, "PREMIER").requirements;
    expect(premier.filter((r) => !r.met).map((r) => [r.requirement, r.rule])).toEqual([["invitation", "R-TIER-5"]]);
    expect(premierFigures.explanation).toContain("no staff invitation for 2026");
  });

  it("R-TIER-5: an invitation for the next year plus the requirements gives Premier; without the requirements it lapses", () => {
    const invited = assess({ ladder, figures: premierFigures.figures, currentTierKey: "ELITE", premierInvitation: { effectiveYear: 2026 } });
    expect(invited).toMatchObject({ resultTierKey: "PREMIER", invitation: "APPLIED", change: "PROMOTED" });
    const wrongYear = assess({ ladder, figures: premierFigures.figures, currentTierKey: "ELITE", premierInvitation: { effectiveYear: 2027 } });
    expect(wrongYear).toMatchObject({ resultTierKey: "ELITE", invitation: "NONE" });
    const short = assess({ ladder, figures: strong(), currentTierKey: "ELITE", premierInvitation: { effectiveYear: 2026 } });
    expect(short).toMatchObject({ resultTierKey: "ELITE", invitation: "LAPSED" });
  });

  it("R-TIER-5: an invitation is recorded with three grounds and takes effect at the next assessment", () => {
    const grounds = { customerCentricity: " Fast, loved support ", strategicAlignment: "Fills the scheduling gap", executiveSponsorship: "VP Product sponsors it" };
    const joinedAt = utc("2024-03-01");
    const ok = validatePremierInvitation({ grounds, asOf: utc("2026-06-15"), joinedAt, previousYearAssessed: true });
    expect(ok).toEqual({ ok: true, value: { grounds: { ...grounds, customerCentricity: "Fast, loved support" }, effectiveYear: 2027 } });
    // In January, before the assessment of last year: that assessment is next, and it sets this year.
    expect(premierEffectiveYear({ asOf: utc("2026-01-02"), joinedAt, previousYearAssessed: false })).toBe(2026);
    // A partner that joined this year is next assessed on this year, which sets next year.
    expect(premierEffectiveYear({ asOf: utc("2026-11-30"), joinedAt: utc("2026-02-01"), previousYearAssessed: false })).toBe(2027);
    const bad = validatePremierInvitation({ grounds: { ...grounds, strategicAlignment: "  ", executiveSponsorship: "x".repeat(2001) }, asOf: utc("2026-06-15"), joinedAt, previousYearAssessed: true });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.refusal.rule).toBe("R-TIER-5");
      expect(bad.refusal.missing).toEqual(["strategicAlignment: the grounds are required", "executiveSponsorship: at most 2000 characters (has 2001)"]);
    }
  });

  it("R-TIER-5: staff choose the year it takes effect, among those whose assessment is still to come", () => {
    const grounds = { customerCentricity: "a", strategicAlignment: "b", executiveSponsorship: "c" };
    const at = { grounds, asOf: utc("2026-01-10"), joinedAt: utc("2024-03-01"), previousYearAssessed: false };
    expect(validatePremierInvitation({ ...at, effectiveYear: 2027 })).toMatchObject({ ok: true, value: { effectiveYear: 2027 } });
    const past = validatePremierInvitation({ ...at, previousYearAssessed: true, effectiveYear: 2026 });
    expect(past.ok).toBe(false);
    if (!past.ok) expect(past.refusal).toMatchObject({ rule: "R-TIER-5", missing: ["an effective year of 2027 (the next assessment, of 2026, sets 2027)"] });
    expect(validatePremierInvitation({ ...at, effectiveYear: 2028 }).ok).toBe(false);
  });

  it("R-TIER-5: a pending invitation may be withdrawn, with a reason; a decided one may not", () => {
    expect(canWithdrawInvitation({ status: "PENDING", effectiveYear: 2027 }, " Sponsor left ")).toEqual({ ok: true, value: { reason: "Sponsor left" } });
    const noReason = canWithdrawInvitation({ status: "PENDING", effectiveYear: 2027 }, " ");
    expect(noReason.ok).toBe(false);
    const applied = canWithdrawInvitation({ status: "APPLIED", effectiveYear: 2027 }, "late");
    expect(applied.ok).toBe(false);
    if (!applied.ok) expect(applied.refusal).toMatchObject({ rule: "R-TIER-5", currentState: "APPLIED" });
  });

  it("R-TIER-5: the assessment's explanation names the invitation it found, or that it found none", () => {
    const invitedAt = utc("2025-11-30");
    const invited = assess({ ladder, figures: premierFigures.figures, currentTierKey: "ELITE", premierInvitation: { effectiveYear: 2026, invitedAt } });
    expect(invited.explanation).toContain("applies the staff invitation of 2025-11-30 for 2026 (R-TIER-5)");
    const none = assess({ ladder, figures: premierFigures.figures, currentTierKey: "ELITE", premierInvitation: null });
    expect(none.explanation).toContain("no staff invitation for 2026 was found");
  });
});

describe("R-TIER-3 / R-TIER-4: no tier change during the year", () => {
  it("R-TIER-3: no mid-year promotion even when the next tier's requirements are met", () => {
    const sync2026 = app("sync", "Sync Pro", "BIDIRECTIONAL", true, { activeCustomers: 40, installs: 3, uninstalls: 1, pushCalls: 1, pullCalls: 1 }, 30, 2026);
    const period = yearToDatePeriod(utc("2026-07-01"), utc("2023-04-01")) as AssessmentPeriod;
    const ytd = computeFigures({ period, apps: [sync2026], leads: [], inquiries: [] });
    const p = progress({ ladder, currentTierKey: "FOUNDATION", ytdFigures: ytd });
    expect(p.nextTierKey).toBe("SELECT");
    expect(p.met).toBe(p.total - 1); // only the leads are missing
    const withLeads = progress({ ladder, currentTierKey: "FOUNDATION", ytdFigures: { ...ytd, leadsSent: 2 } });
    expect(withLeads.met).toBe(withLeads.total);
    const r = refuseMidYearChange({ ladder, currentTierKey: "FOUNDATION", requestedTierKey: "SELECT", asOf: utc("2026-07-01") });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.refusal).toMatchObject({ rule: "R-TIER-3", missing: ["the assessment of 2026, which runs from 2027-01-01"] });
    expect(r.refusal.toSatisfy).toContain("the assessment at the start of 2027 decides the tier for 2027");
  });

  it("R-TIER-4: no mid-year demotion even when the current tier's requirements are no longer met", () => {
    const r = refuseMidYearChange({ ladder, currentTierKey: "ELITE", requestedTierKey: "SELECT", asOf: utc("2026-09-30") });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.refusal.rule).toBe("R-TIER-4");
    expect(refuseMidYearChange({ ladder, currentTierKey: "ELITE", requestedTierKey: "ELITE", asOf: utc("2026-09-30") }).ok).toBe(true);
    const unknown = refuseMidYearChange({ ladder, currentTierKey: "ELITE", requestedTierKey: "GOLD", asOf: utc("2026-09-30") });
    if (!unknown.ok) expect(unknown.refusal.rule).toBe("R-TIER-1");
    else expect.fail("an unknown tier must be refused");
  });
});

describe("R-TIER-8: stored frozen, superseded only on purpose", () => {
  it("R-TIER-8: a second assessment of a year is refused unless staff supersede it with a reason", () => {
    expect(canRecordAssessment({ year: 2025, existingForYear: false, supersede: false })).toEqual({ ok: true, value: { supersedes: false, reason: null } });
    const again = canRecordAssessment({ year: 2025, existingForYear: true, supersede: false });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.refusal).toMatchObject({ rule: "R-TIER-8", missing: ["supersede: true, chosen by program staff", "a reason for superseding (1–2000 characters)"] });
    const noReason = canRecordAssessment({ year: 2025, existingForYear: true, supersede: true, reason: "  " });
    expect(noReason.ok).toBe(false);
    expect(canRecordAssessment({ year: 2025, existingForYear: true, supersede: true, reason: " Usage import was late " })).toEqual({ ok: true, value: { supersedes: true, reason: "Usage import was late" } });
    const nothing = canRecordAssessment({ year: 2025, existingForYear: false, supersede: true, reason: "x" });
    if (!nothing.ok) expect(nothing.refusal.rule).toBe("R-TIER-8");
    else expect.fail("superseding nothing must be refused");
  });

  it("R-TIER-8: the frozen record is JSON-safe and keeps every input figure and every requirement of every tier", () => {
    const figures = strong();
    const result = assess({ ladder, figures, currentTierKey: "SELECT", premierInvitation: null });
    const frozen = freezeAssessment({ policyVersion: 3, figures, result });
    expect(JSON.parse(JSON.stringify(frozen))).toEqual(frozen);
    expect(frozen).toMatchObject({ year: 2025, effectiveYear: 2026, policyVersion: 3, periodStart: "2025-01-01", periodEnd: "2025-12-31", previousTierKey: "SELECT", resultTierKey: "ELITE" });
    expect(frozen.inputs.period).toEqual({ year: 2025, start: "2025-01-01", end: "2025-12-31" });
    expect(frozen.inputs.apps[0]).toMatchObject({ pushCalls: "1200", pullCalls: "600" });
    expect(frozen.inputs.retention).toBe(0.870967741935);
    expect(frozen.requirements).toHaveLength(result.perTier.reduce((n, t) => n + t.requirements.length, 0));
    expect(frozen.requirements.filter((r) => r.tierKey === "PREMIER" && !r.met).map((r) => [r.requirement, r.shortfall])).toEqual([
      ["minActiveCustomers", 90],
      ["minLeadsSent", 4],
      ["invitation", 1],
    ]);
  });
});

describe("R-TIER-9: progress toward the next tier during the year", () => {
  it("R-TIER-9: walking a Foundation partner through 2026 by moving asOf, then the assessment of 2026", () => {
    const launched = utc("2024-03-01");
    const apps = [app("sync", "Sync Pro", "BIDIRECTIONAL", true, { activeCustomers: 12, installs: 3, uninstalls: 1, pushCalls: 5, pullCalls: 5 }, 10, 2026)];
    const leads = [lead("2026-02-01", "ACCEPTED"), lead("2026-08-01", "WON", "2026-10-01")];
    const at = (iso: string) => {
      const asOf = utc(iso);
      const period = yearToDatePeriod(asOf, launched) as AssessmentPeriod;
      return progress({ ladder, currentTierKey: "FOUNDATION", ytdFigures: computeFigures({ period, apps, leads, inquiries: [] }) });
    };

    const january = at("2026-01-20");
    expect(january.nextTierKey).toBe("SELECT");
    expect(req(january.requirements, "minActiveCustomers")).toMatchObject({ actual: 0, shortfall: 10, evidence: "no complete month of usage in the period yet" });
    expect(january.note).toContain("Informational");

    const april = at("2026-04-15");
    expect(req(april.requirements, "minActiveCustomers")).toMatchObject({ met: true, actual: 12 });
    expect(req(april.requirements, "minLeadsSent")).toMatchObject({ met: false, actual: 1, shortfall: 1 });
    expect(req(april.requirements, "minRetention")).toMatchObject({ met: true, actual: 0.842105263158 }); // 1 - 3 / (10 + 9)
    expect(refuseMidYearChange({ ladder, currentTierKey: "FOUNDATION", requestedTierKey: "SELECT", asOf: utc("2026-04-15") }).ok).toBe(false);

    const december = at("2026-12-31");
    expect(december.met).toBe(december.total);
    expect(canRunAssessment(2026, utc("2026-12-31")).ok).toBe(false);

    expect(canRunAssessment(assessmentYearFor(utc("2027-01-04")), utc("2027-01-04")).ok).toBe(true);
    const figures = computeFigures({ period: assessmentPeriod(2026, launched) as AssessmentPeriod, apps, leads, inquiries: [] });
    expect(assess({ ladder, figures, currentTierKey: "FOUNDATION", premierInvitation: null })).toMatchObject({ resultTierKey: "SELECT", effectiveYear: 2027 });
  });

  it("R-TIER-9: at the top of the ladder there is no next tier; toward Premier the invitation is shown", () => {
    const ytd = strong();
    expect(progress({ ladder, currentTierKey: "PREMIER", ytdFigures: ytd })).toMatchObject({ nextTierKey: null, requirements: [] });
    const p = progress({ ladder, currentTierKey: "ELITE", ytdFigures: ytd });
    expect(p.nextTierKey).toBe("PREMIER");
    expect(req(p.requirements, "invitation")?.met).toBe(false);
    expect(p.note).toContain("by invitation only");
  });
});

describe("what-if", () => {
  it("making a PUSH app bi-directional lifts the same assessment to Elite; the real figures are untouched", () => {
    const pushOnly = syncPro({ declaredFlow: "PUSH" }, { pushCalls: 100, pullCalls: 0 });
    const figures = strong([pushOnly, docsPush]);
    const real = assess({ ladder, figures, currentTierKey: "SELECT", premierInvitation: null });
    expect(real.resultTierKey).toBe("SELECT");
    const r = whatIf({ ladder, figures, currentTierKey: "SELECT", premierInvitation: null, adjustments: { makeAppBidirectional: "sync", leadsWonDelta: 2 } });
    expect(r.resultTierKey).toBe("ELITE");
    expect(Object.keys(r).sort()).toEqual([...Object.keys(real), "figures"].sort());
    expect(r.figures.apps[0]).toMatchObject({ declaredFlow: "BIDIRECTIONAL", pushCalls: 1200n, pullCalls: 1n });
    expect(r.figures.winRate).toBe(0.6); // 6 won, 4 lost
    expect(figures.apps[0]?.declaredFlow).toBe("PUSH");
    expect(() => whatIf({ ladder, figures, currentTierKey: "SELECT", premierInvitation: null, adjustments: { makeAppBidirectional: "nope" } })).toThrow(/nope/);
  });
});
