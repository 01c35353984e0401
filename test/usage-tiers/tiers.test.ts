// R-TIER-1..9 through the API and the database (PGlite or PostgreSQL). The program's today is
// 2027-07-01: 2026 has ended and can be assessed; 2027 is half way, so progress and what-if walk
// through it by their as-of date.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";
import { globalId, loadDemoWorld, type DemoWorld } from "../support/world.js";
import { buildPartner, leads, monthlyUsage } from "./helpers.js";
import { call, ok, refusal } from "../support/mutate.js";

let t: TestService;
let w: DemoWorld;
const prisma = () => t.service.program.prisma;
const gid = globalId;

type Built = Awaited<ReturnType<typeof buildPartner>>;
const p: Record<"select" | "late" | "bidi" | "premier" | "elite", Built> = {} as never;
const tokens = {} as Record<"select" | "late" | "bidi" | "premier" | "elite", string>;

const strongLeads = (year: number) => [
  ...Array.from({ length: 8 }, (_, i) => ({ at: `${year}-0${(i % 9) + 1}-10`, status: "WON" as const, decidedAt: `${year}-10-0${(i % 9) + 1}` })),
  ...Array.from({ length: 2 }, (_, i) => ({ at: `${year}-0${i + 1}-15`, status: "LOST" as const, decidedAt: `${year}-11-0${i + 1}` })),
  ...Array.from({ length: 4 }, (_, i) => ({ at: `${year}-0${i + 2}-20`, status: "ACCEPTED" as const })),
];

beforeAll(async () => {
  t = await startTestService({ env: { PROGRAM_TODAY: "2027-07-01" } });
  w = await loadDemoWorld(t);
  const db = prisma();
  // Select: 20 average customers, one live app, 3 leads; no bi-directional app.
  p.select = await buildPartner(db, "select-co", [{ name: "Select Sync", flow: "PUSH", launchedAt: "2025-03-01" }]);
  await monthlyUsage(db, p.select.apps[0]!.id, "2025-12", "2026-12", { activeCustomers: 20, installs: 2, pushCalls: 100 });
  await leads(db, p.select.partner.id, p.select.member.id, [{ at: "2026-02-01", status: "WON", decidedAt: "2026-03-01" }, { at: "2026-04-01", status: "WON", decidedAt: "2026-05-01" }, { at: "2026-06-01", status: "LOST", decidedAt: "2026-07-01" }]);
  // Launched mid-2026: its year runs from the launch.
  p.late = await buildPartner(db, "late-co", [{ name: "Late Link", flow: "PUSH", launchedAt: "2026-07-01" }]);
  await monthlyUsage(db, p.late.apps[0]!.id, "2026-07", "2026-12", { activeCustomers: 3, pushCalls: 5 });
  // Strong figures, an app declared bi-directional, but no pull calls: R-TIER-6 not proven.
  p.bidi = await buildPartner(db, "bidi-co", [{ name: "Bidi Hub", flow: "BIDIRECTIONAL", launchedAt: "2024-05-01" }, { name: "Bidi Push", flow: "PUSH", launchedAt: "2024-05-01" }]);
  await monthlyUsage(db, p.bidi.apps[0]!.id, "2025-12", "2026-12", { activeCustomers: 200, installs: 10, uninstalls: 1, pushCalls: 1000, pullCalls: 0 });
  await leads(db, p.bidi.partner.id, p.bidi.member.id, strongLeads(2026));
  // Premier's figures, proven both ways; one invited, one not.
  for (const key of ["premier", "elite"] as const) {
    p[key] = await buildPartner(db, `${key}-co`, [{ name: `${key} Hub`, flow: "BIDIRECTIONAL", launchedAt: "2024-05-01" }, { name: `${key} Push`, flow: "PUSH", launchedAt: "2024-05-01" }], { tierKey: "ELITE" });
    await monthlyUsage(db, p[key].apps[0]!.id, "2025-12", "2026-12", { activeCustomers: 200, installs: 10, uninstalls: 1, pushCalls: 1000, pullCalls: 700 });
    await leads(db, p[key].partner.id, p[key].member.id, strongLeads(2026));
  }
  for (const [key, b] of Object.entries(p) as [keyof typeof p, Built][]) tokens[key] = await t.token({ sub: b.member.id, role: "partner-admin", partnerId: b.partner.id });
});
afterAll(() => t?.close());

const ASSESS = "runTierAssessment(year: $year, supersede: $supersede, reason: $reason, partnerId: $partnerId)";
const RUN_FIELDS = "{ year effectiveYear policyVersion partners assessed superseded alreadyAssessed promoted demoted unchanged premierApplied byTier { tier partners } }";
const assessYear = (year: number, extra: { supersede?: boolean; reason?: string; partnerId?: string } = {}, token = w.staffToken) =>
  call(t, token, "mutation", "$year: Int!, $supersede: Boolean, $reason: String, $partnerId: ID", ASSESS, RUN_FIELDS, { year, ...extra });

const partnerField = (partnerId: string, token: string, field: string, selection: string, varDefs = "", vars: Record<string, unknown> = {}) =>
  call(t, token, "query", `$id: ID!${varDefs ? `, ${varDefs}` : ""}`, field, selection, { id: gid("Partner", partnerId), ...vars }, (inner) => `partner(id: $id) { ${inner} }`);

const REQ = "{ tier requirement rule label met actual required shortfall evidence }";

/** A fixture built on first use and shared after: each test asks for what it needs, so any test runs alone. */
const once = <T>(build: () => Promise<T>) => {
  let built: Promise<T> | undefined;
  return () => (built ??= build());
};
const PREMIER_GROUNDS = { customerCentricity: "Top NPS", strategicAlignment: "Core data platform", executiveSponsorship: "CEO sponsor" };
const invite = (grounds: Record<string, string>) =>
  call(t, w.staffToken, "mutation", "$id: ID!, $grounds: PremierGroundsInput!", "invitePremier(partnerId: $id, grounds: $grounds)", "{ effectiveYear status customerCentricity }", { id: gid("Partner", p.premier.partner.id), grounds });
/** R-TIER-5: premier-co invited for 2027 (the year the assessment of 2026 sets). */
const invited = once(async () => ok(await invite(PREMIER_GROUNDS)));
/** The assessment of 2026 (effective 2027), run once with premier-co's invitation in place. */
const assessed2026 = once(async () => {
  await invited();
  return ok(await assessYear(2026));
});
/** Version 2 of the 2026 policy (version 1 is locked by the assessment). */
const policyV2 = once(async () => {
  await assessed2026();
  return ok(await call(t, w.staffToken, "mutation", "", `createProgramPolicy(input: { year: 2026, atRiskNoticeDays: 45 })`, "{ year version locked atRiskNoticeDays }"));
});
const current = (b: Built, token = w.staffToken) => prisma().tierAssessment.findFirstOrThrow({ where: { partnerId: b.partner.id, year: 2026, currentSlot: "cur" } });
const counts = async () => ({
  events: await prisma().event.count(), assessments: await prisma().tierAssessment.count(), tierYears: await prisma().partnerTierYear.count(),
  tiers: (await prisma().partner.findMany({ select: { tierKey: true }, orderBy: { id: "asc" } })).map((x) => x.tierKey).join(","),
});

describe("R-TIER-1: the ladder in the program policy", () => {
  it("R-TIER-1: each year's policy has the ordered ladder Foundation < Select < Elite < Premier from the rules' defaults", async () => {
    const r = await t.gql(`{ programPolicy { year tiers { key rank invitationOnly requiresBidirectional minActiveCustomers minLeadsSent } } }`);
    expect(r.data.programPolicy.year).toBe(2027);
    expect(r.data.programPolicy.tiers.map((x: any) => x.key)).toEqual(["FOUNDATION", "SELECT", "ELITE", "PREMIER"]);
    expect(r.data.programPolicy.tiers[0]).toMatchObject({ minActiveCustomers: 0, invitationOnly: false });
    expect(r.data.programPolicy.tiers[3]).toMatchObject({ invitationOnly: true, requiresBidirectional: true });
  });

  it("R-TIER-1: staff create next year's policy; a broken ladder is refused naming the rule", async () => {
    const ladder = (over: Record<string, unknown> = {}) => [
      { key: "FOUNDATION", name: "Foundation", rank: 1 },
      { key: "SELECT", name: "Select", rank: 2, minActiveCustomers: 12, minLiveApps: 1 },
      { key: "ELITE", name: "Elite", rank: 3, requiresBidirectional: true, minActiveCustomers: 60 },
      { key: "PREMIER", name: "Premier", rank: 4, requiresBidirectional: true, invitationOnly: true, minActiveCustomers: 160, ...over },
    ];
    const create = (tiers: unknown) => call(t, w.staffToken, "mutation", "$input: ProgramPolicyInput!", "createProgramPolicy(input: $input)", "{ year version locked tiers { key minActiveCustomers } }", { input: { year: 2028, tiers } });
    const broken = refusal(await create(ladder({ requiresBidirectional: false })), "R-TIER-1");
    expect(broken.missing!.join(" ")).toMatch(/PREMIER.*bi-directional/);
    const created = ok(await create(ladder()));
    expect(created).toMatchObject({ year: 2028, version: 1, locked: false });
    expect(created.tiers.map((x: any) => x.minActiveCustomers)).toEqual([0, 12, 60, 160]);
    const partnerTry = await t.gql(`mutation { createProgramPolicy(input: { year: 2028 }) { __typename ... on Error { message } } }`, {}, tokens.select);
    expect(partnerTry.data.createProgramPolicy).toEqual({ __typename: "Forbidden", message: expect.stringMatching(/^Only program staff can do this: the program policy .* \(R-TIER-1, R-TIER-7\)/) });
  });
});

describe("R-TIER-5: Premier by invitation only", () => {
  it("R-TIER-5: no operation lets a partner ask for Premier or a tier; the tier mutations are staff-only", async () => {
    const r = await t.gql(`{ __schema { mutationType { fields { name } } } }`);
    const names: string[] = r.data.__schema.mutationType.fields.map((f: any) => f.name);
    expect(names.filter((n) => /premier|tier|assess/i.test(n)).sort()).toEqual(["changePartnerTier", "invitePremier", "runTierAssessment", "withdrawPremierInvitation"]);
    expect(names.filter((n) => /request|apply|ask/i.test(n) && /premier|tier/i.test(n))).toEqual([]);
    // A partner's attempt is a typed Forbidden that says who may do it and why (R-ERR-1), not a bare error.
    const refused = " { __typename ... on Error { message } }";
    for (const [m, why] of [[`invitePremier(partnerId: "${gid("Partner", p.premier.partner.id)}", grounds: { customerCentricity: "a", strategicAlignment: "b", executiveSponsorship: "c" })`, /Premier is by invitation only/],
      [`changePartnerTier(partnerId: "${gid("Partner", p.premier.partner.id)}", tier: "PREMIER")`, /tiers change only at the annual assessment/], [`runTierAssessment(year: 2026)`, /annual tier assessment/]] as const) {
      const res = await t.gql(`mutation { r: ${m}${refused} }`, {}, tokens.premier);
      expect(res.data.r.__typename, m).toBe("Forbidden");
      expect(res.data.r.message, m).toMatch(/^Only program staff can do this/);
      expect(res.data.r.message, m).toMatch(why);
    }
  });

  it("R-TIER-5: staff invite with recorded grounds; an invitation without grounds is refused", async () => {
    const e = refusal(await invite({ ...PREMIER_GROUNDS, strategicAlignment: " " }), "R-TIER-5");
    expect(e.missing).toEqual(["strategicAlignment: the grounds are required"]);
    const inv = await invited();
    expect(inv).toMatchObject({ effectiveYear: 2027, status: "PENDING", customerCentricity: "Top NPS" });
    const ev = await prisma().event.findFirstOrThrow({ where: { type: "tier.premier-invited" } });
    expect(ev.partnerId).toBe(p.premier.partner.id);
  });
});

describe("the annual assessment", () => {
  it("R-TIER-2: a year is assessed only once it has ended", async () => {
    const before = await counts();
    const e = refusal(await assessYear(2027), "R-TIER-2");
    expect(e.toSatisfy).toMatch(/2028-01-01/);
    expect(await counts()).toEqual(before);
  });

  it("R-TIER-2: the assessment of 2026 gives each partner its tier for all of 2027, from the previous year's results", async () => {
    const run = await assessed2026();
    expect(run).toMatchObject({ year: 2026, effectiveYear: 2027, policyVersion: 1, assessed: run.partners, alreadyAssessed: 0, premierApplied: 1 });
    expect(run.partners).toBeGreaterThanOrEqual(9);
    const sel = await current(p.select);
    expect(sel).toMatchObject({ previousTierKey: "FOUNDATION", resultTierKey: "SELECT" });
    expect(sel.periodStart.toISOString().slice(0, 10)).toBe("2026-01-01");
    const ct = ok(await partnerField(p.select.partner.id, tokens.select, "currentTier", "{ year tier name source assessment { year resultTier explanation } }"));
    expect(ct).toMatchObject({ year: 2027, tier: "SELECT", name: "Select", source: "ASSESSMENT", assessment: { year: 2026, resultTier: "SELECT" } });
    expect(ct.assessment.explanation).toMatch(/^Assessment of 2026, effective 2027: Select, promoted from Foundation\./);
    expect((await prisma().partner.findUniqueOrThrow({ where: { id: p.select.partner.id } })).tierKey).toBe("SELECT");
    expect(await prisma().partnerTierYear.findUniqueOrThrow({ where: { partnerId_year: { partnerId: p.select.partner.id, year: 2027 } } })).toMatchObject({ tierKey: "SELECT", assessmentId: sel.id });
    const ev = await prisma().event.findFirstOrThrow({ where: { type: "tier.assessed", subjectId: sel.id } });
    expect(ev).toMatchObject({ partnerId: p.select.partner.id, subjectType: "TierAssessment" });
    expect(ev.after).toMatchObject({ year: 2026, effectiveYear: 2027, tier: "SELECT", change: "PROMOTED" });
  });

  it("R-TIER-2: attainment accrues from the first app's launch when that is later than January", async () => {
    await assessed2026();
    const late = await current(p.late);
    expect(late.periodStart.toISOString().slice(0, 10)).toBe("2026-07-01");
    expect((late.inputs as any).usageMonths).toBe(6);
  });

  it("R-TIER-7: numeric thresholds over the year, each with the figure, the requirement, the exact shortfall and the evidence", async () => {
    await assessed2026();
    const q = await t.gql(`query($id: ID!) { partner(id: $id) { assessments { year current requirementResults ${REQ} } } }`, { id: gid("Partner", p.select.partner.id) }, tokens.select);
    const reqs = q.data.partner.assessments[0].requirementResults as any[];
    const elite = (r: string) => reqs.find((x) => x.tier === "ELITE" && x.requirement === r);
    expect(elite("minActiveCustomers")).toMatchObject({ rule: "R-TIER-7", met: false, actual: 20, required: 50, shortfall: 30 });
    expect(elite("minActiveCustomers").evidence).toMatch(/average 20 monthly active customers .* over 12 months/);
    expect(elite("minLeadsSent")).toMatchObject({ met: false, actual: 3, required: 6, shortfall: 3 });
    expect(elite("minWinRate")).toMatchObject({ met: true, shortfall: 0 });
    expect(reqs.filter((x) => x.tier === "SELECT").every((x) => x.met)).toBe(true);
  });

  it("R-TIER-6: the top two tiers need a live app declared BIDIRECTIONAL with both push and pull calls in the year", async () => {
    await assessed2026();
    const bidi = await current(p.bidi);
    expect(bidi.resultTierKey).toBe("SELECT");
    const reqs = bidi.requirements as any[];
    const proof = reqs.find((x) => x.tierKey === "ELITE" && x.requirement === "bidirectionalApp");
    expect(proof).toMatchObject({ rule: "R-TIER-6", met: false, shortfall: 1 });
    expect(proof.evidence).toMatch(/Bidi Hub: no pull calls/);
    expect(reqs.filter((x) => x.tierKey === "ELITE" && x.requirement !== "bidirectionalApp").every((x) => x.met)).toBe(true);
    expect((await current(p.elite)).resultTierKey).toBe("ELITE");
  });

  it("R-TIER-5: an assessment never yields Premier without an invitation; with one it applies", async () => {
    await assessed2026();
    const elite = await current(p.elite);
    expect(elite.resultTierKey).toBe("ELITE");
    expect((elite.requirements as any[]).find((x) => x.tierKey === "PREMIER" && x.requirement === "invitation")).toMatchObject({ rule: "R-TIER-5", met: false });
    expect((elite.requirements as any[]).filter((x) => x.tierKey === "PREMIER" && x.requirement !== "invitation").every((x) => x.met)).toBe(true);
    const premier = await current(p.premier);
    expect(premier.resultTierKey).toBe("PREMIER");
    expect(await prisma().premierInvitation.findFirstOrThrow({ where: { partnerId: p.premier.partner.id } })).toMatchObject({ status: "APPLIED" });
    expect(await prisma().tierAssessment.count({ where: { resultTierKey: "PREMIER" } })).toBe(1);
  });

  it("R-TIER-8: stored frozen with the policy version and every input; re-running is refused and changes nothing", async () => {
    await assessed2026();
    const a = await current(p.select);
    expect(Object.keys(a.inputs as object)).toEqual(expect.arrayContaining([
      "period", "usageMonths", "activeCustomers", "peakActiveCustomers", "liveApps", "leadsSent", "leadsWon", "leadsLost", "winRate",
      "openingCustomers", "installs", "uninstalls", "retention", "inquiries", "unansweredInquiries", "medianResponseHours", "apps",
    ]));
    expect((a.requirements as any[]).length).toBeGreaterThan(10);
    const policy = await prisma().programPolicy.findUniqueOrThrow({ where: { id: a.policyId } });
    expect(policy).toMatchObject({ year: 2026, version: 1 });
    expect(policy.lockedAt).not.toBeNull();
    // New usage after the fact does not touch the frozen record.
    await monthlyUsage(prisma(), p.select.apps[0]!.id, "2025-01", "2025-02", { activeCustomers: 999 });
    const before = await counts();
    const e = refusal(await assessYear(2026), "R-TIER-8");
    expect(e.missing).toContain("supersede: true, chosen by program staff");
    expect(await counts()).toEqual(before);
    expect((await current(p.select)).inputs).toEqual(a.inputs);
  });

  it("R-TIER-8: a policy used by an assessment cannot be changed, only succeeded by a new version", async () => {
    await assessed2026();
    const policy = await prisma().programPolicy.findFirstOrThrow({ where: { year: 2026, version: 1 } });
    const e = refusal(await call(t, w.staffToken, "mutation", "$id: ID!", `updateProgramPolicy(policyId: $id, changes: { atRiskNoticeDays: 45 })`, "{ version }", { id: policy.id }), "R-TIER-8");
    expect(e.toSatisfy).toMatch(/new version/);
    const v2 = await policyV2();
    expect(v2).toEqual({ year: 2026, version: 2, locked: false, atRiskNoticeDays: 45 });
    expect((await prisma().programPolicy.findUniqueOrThrow({ where: { id: policy.id } })).atRiskNoticeDays).toBe(30);
  });

  it("R-TIER-8: staff supersede with a reason; the old assessment stays, no longer current; a partner reads only its own", async () => {
    await policyV2(); // the assessment of 2026 ran, and a new policy version to supersede under
    const old = await current(p.late);
    refusal(await assessYear(2026, { supersede: true, partnerId: gid("Partner", p.late.partner.id) }), "R-TIER-8");
    const run = ok(await assessYear(2026, { supersede: true, reason: "Usage for 2026 was re-imported after a data fix", partnerId: gid("Partner", p.late.partner.id) }));
    expect(run).toMatchObject({ assessed: 1, superseded: 1, policyVersion: 2 });
    const now = await current(p.late);
    expect(now).toMatchObject({ supersedesId: old.id, supersedeReason: "Usage for 2026 was re-imported after a data fix" });
    expect(await prisma().tierAssessment.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({ currentSlot: null, resultTierKey: old.resultTierKey });
    expect(await prisma().partnerTierYear.findUniqueOrThrow({ where: { partnerId_year: { partnerId: p.late.partner.id, year: 2027 } } })).toMatchObject({ assessmentId: now.id });
    const ev = await prisma().event.findFirstOrThrow({ where: { type: "tier.reassessed", subjectId: now.id } });
    expect(ev).toMatchObject({ partnerId: p.late.partner.id, reason: "Usage for 2026 was re-imported after a data fix" });
    const own = await t.gql(`query($id: ID!) { partner(id: $id) { assessments { current supersedeReason supersedes { id } } } }`, { id: gid("Partner", p.late.partner.id) }, tokens.late);
    expect(own.data.partner.assessments.map((x: any) => x.current).sort()).toEqual([false, true]);
    const other = await t.gql(`query($id: ID!) { partner(id: $id) { assessments { id } } }`, { id: gid("Partner", p.late.partner.id) }, tokens.select);
    expect(other.data?.partner ?? null).toBeNull();
  });
});

describe("during the year: no tier change, progress and what-if", () => {
  it("R-TIER-3: no mid-year promotion, even with the next tier's requirements met", async () => {
    await assessed2026();
    // late-co is at Foundation for 2027 but meets Select's requirements so far this year.
    await monthlyUsage(prisma(), p.late.apps[0]!.id, "2027-01", "2027-06", { activeCustomers: 40, installs: 4, pushCalls: 10 });
    await leads(prisma(), p.late.partner.id, p.late.member.id, [{ at: "2027-02-01", status: "ACCEPTED" }, { at: "2027-03-01", status: "ACCEPTED" }]);
    const prog = ok(await partnerField(p.late.partner.id, tokens.late, "tierProgress(asOf: $asOf)", `{ year currentTier nextTier met total note requirements ${REQ} }`, "$asOf: Date", { asOf: "2027-06-30" }));
    expect(prog).toMatchObject({ year: 2027, currentTier: "FOUNDATION", nextTier: "SELECT" });
    expect(prog.met).toBe(prog.total);
    const before = await counts();
    const e = refusal(await call(t, w.staffToken, "mutation", "", `changePartnerTier(partnerId: "${gid("Partner", p.late.partner.id)}", tier: "SELECT")`, "{ tier }"), "R-TIER-3");
    expect(e.message).toMatch(/mid-year promotion/);
    refusal(await assessYear(2027), "R-TIER-2");
    expect(await counts()).toEqual(before);
    const ct = ok(await partnerField(p.late.partner.id, tokens.late, "currentTier", "{ tier }"));
    expect(ct.tier).toBe("FOUNDATION");
  });

  it("R-TIER-4: no mid-year demotion, even when the current tier's requirements are no longer met", async () => {
    await assessed2026();
    const prog = ok(await partnerField(p.select.partner.id, tokens.select, "tierProgress(asOf: $asOf)", "{ currentTier figures { activeCustomers liveApps } }", "$asOf: Date", { asOf: "2027-05-15" }));
    expect(prog).toMatchObject({ currentTier: "SELECT", figures: { activeCustomers: 0 } });
    const before = await counts();
    const e = refusal(await call(t, w.staffToken, "mutation", "", `changePartnerTier(partnerId: "${gid("Partner", p.select.partner.id)}", tier: "FOUNDATION")`, "{ tier }"), "R-TIER-4");
    expect(e.toSatisfy).toMatch(/supersed/);
    expect(await counts()).toEqual(before);
    expect(ok(await call(t, w.staffToken, "mutation", "", `changePartnerTier(partnerId: "${gid("Partner", p.select.partner.id)}", tier: "SELECT")`, "{ tier }"))).toEqual({ tier: "SELECT" });
  });

  it("R-TIER-9: a partner sees its year-to-date figures against the next tier, with the shortfall per requirement; informational only", async () => {
    await assessed2026(); // bidi-co holds Select for 2027 (its app proves no pull calls, R-TIER-6)
    await monthlyUsage(prisma(), p.bidi.apps[0]!.id, "2027-01", "2027-05", { activeCustomers: 30, installs: 3, pushCalls: 10 });
    const before = await counts();
    const prog = ok(await partnerField(p.bidi.partner.id, tokens.bidi, "tierProgress(asOf: $asOf)", `{ asOf year currentTier nextTier met total note requirements ${REQ} figures { periodStart periodEnd usageMonths activeCustomers } }`, "$asOf: Date", { asOf: "2027-06-15" }));
    expect(prog).toMatchObject({ asOf: "2027-06-15", year: 2027, currentTier: "SELECT", nextTier: "ELITE", figures: { periodStart: "2027-01-01", periodEnd: "2027-06-15", usageMonths: 5, activeCustomers: 30 } });
    const customers = prog.requirements.find((r: any) => r.requirement === "minActiveCustomers");
    expect(customers).toMatchObject({ tier: "ELITE", met: false, actual: 30, required: 50, shortfall: 20 });
    expect(prog.requirements.find((r: any) => r.requirement === "bidirectionalApp")).toMatchObject({ rule: "R-TIER-6", met: false });
    expect(prog.note).toMatch(/Informational/);
    expect(await counts()).toEqual(before);
    const other = await t.gql(`query($id: ID!) { partner(id: $id) { tierProgress { __typename } } }`, { id: gid("Partner", p.bidi.partner.id) }, tokens.select);
    expect(other.data?.partner ?? null).toBeNull();
  });

  it("what-if: the same explained assessment over adjusted figures, next to the baseline; it changes nothing", async () => {
    const before = await counts();
    const answer = ok(await partnerField(p.bidi.partner.id, tokens.bidi, "tierWhatIf(year: 2026, adjustments: $adj)",
      `{ basis baseline { resultTier } outcome { year resultTier change explanation tiers { tier eligible requirements ${REQ} } } figures { apps { name pullCalls } } }`,
      "$adj: TierWhatIfInput!", { adj: { makeAppBidirectional: gid("App", p.bidi.apps[0]!.id) } }));
    expect(answer).toMatchObject({ basis: "FULL_YEAR", baseline: { resultTier: "SELECT" }, outcome: { year: 2026, resultTier: "ELITE" } });
    expect(answer.outcome.explanation).toMatch(/Elite/);
    expect(answer.outcome.tiers.find((x: any) => x.tier === "PREMIER").requirements.find((r: any) => r.requirement === "invitation").met).toBe(false);
    const more = ok(await partnerField(p.select.partner.id, w.staffToken, "tierWhatIf(adjustments: $adj, asOf: $asOf)", "{ basis baseline { resultTier } outcome { resultTier tiers { tier requirements { requirement met shortfall } } } }",
      "$adj: TierWhatIfInput!, $asOf: Date", { adj: { activeCustomersDelta: 60 }, asOf: "2027-06-15" }));
    expect(more.basis).toBe("YEAR_TO_DATE");
    const eliteCustomers = more.outcome.tiers.find((x: any) => x.tier === "ELITE").requirements.find((r: any) => r.requirement === "minActiveCustomers");
    expect(eliteCustomers).toMatchObject({ met: true, shortfall: 0 });
    const foreign = await partnerField(p.select.partner.id, w.staffToken, "tierWhatIf(adjustments: $adj)", "{ basis }", "$adj: TierWhatIfInput!", { adj: { makeAppBidirectional: gid("App", p.bidi.apps[0]!.id) } });
    expect(foreign.error?.__typename).toBe("InvalidInput");
    expect(await counts()).toEqual(before);
  });
});
