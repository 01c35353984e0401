// R-TIER-2 and R-TIER-5 through the API, over time: the program's clock moves from a partner's first
// year into the next. The assessment of a year sets the tier of the year after it only; every year a
// partner has been in the program answers its tier as it was, with where it came from. A Premier
// invitation made during a year is for the year its assessment sets, and staff may withdraw it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock, startTestService, type TestService } from "../support/harness.js";
import { globalId as gid, loadDemoWorld, type DemoWorld } from "../support/world.js";
import { addApp, leads, monthlyUsage } from "./helpers.js";
import { call, ok, refusal } from "../support/mutate.js";

const clock = manualClock("2026-02-01T09:00:00Z");
let t: TestService;
let w: DemoWorld;
beforeAll(async () => {
  t = await startTestService({ clock });
  w = await loadDemoWorld(t);
});
afterAll(() => t?.close());

/** 13 leads sent from February (after the launch), 10 won: Premier's lead figures. */
const strongLeads = (year: number) => [
  ...Array.from({ length: 10 }, (_, i) => ({ at: `${year}-${String(2 + (i % 9)).padStart(2, "0")}-10`, status: "WON" as const, decidedAt: `${year}-11-0${(i % 9) + 1}` })),
  ...Array.from({ length: 3 }, (_, i) => ({ at: `${year}-0${i + 2}-15`, status: "LOST" as const, decidedAt: `${year}-11-1${i + 1}` })),
];

/** A partner that signs up through the API on the program's today, with a bi-directional app launched that day and strong figures for the year. */
async function newPartnerWithStrongYear(name: string, customers: number) {
  clock.set("2026-02-01T09:00:00Z");
  const r = await t.gql(`mutation($n: String!, $e: String!) { signUpPartner(input: { name: $n, adminName: "Ada", adminEmail: $e }) {
    ... on MutationSignUpPartnerSuccess { data { adminToken partner { id } } } } }`, { n: name, e: `ada@${name.toLowerCase()}.example` });
  const { adminToken, partner } = r.data.signUpPartner.data;
  const partnerId = Buffer.from(partner.id, "base64").toString().split(":")[1]!;
  const prisma = t.service.program.prisma;
  const admin = await prisma.partnerMember.findFirstOrThrow({ where: { partnerId } });
  const hub = await addApp(prisma, partnerId, admin.id, { name: `${name} Hub`, flow: "BIDIRECTIONAL", launchedAt: "2026-02-01" });
  const second = await addApp(prisma, partnerId, admin.id, { name: `${name} Push`, flow: "PUSH", launchedAt: "2026-02-01" });
  await monthlyUsage(prisma, hub.id, "2026-02", "2026-12", { activeCustomers: customers, installs: 10, uninstalls: 1, pushCalls: 1000, pullCalls: 700 });
  await monthlyUsage(prisma, second.id, "2026-02", "2026-12", { activeCustomers: 5, pushCalls: 10 });
  await leads(prisma, partnerId, admin.id, strongLeads(2026));
  return { partnerId, token: adminToken as string };
}

const tierIn = (partnerId: string, year: number | null, token = w.staffToken) =>
  call(t, token, "query", "$id: ID!, $year: Int", "currentTier(year: $year)", "{ year tier source sinceYear assessment { year } invitation { effectiveYear invitedAt } }",
    { id: gid("Partner", partnerId), year }, (inner) => `partner(id: $id) { ${inner} }`);

const assess = (year: number) =>
  call(t, w.staffToken, "mutation", "$year: Int!", "runTierAssessment(year: $year)", "{ effectiveYear assessed promoted premierApplied }", { year });

const invite = (partnerId: string, effectiveYear?: number) =>
  call(t, w.staffToken, "mutation", "$p: ID!, $y: Int", `invitePremier(partnerId: $p, effectiveYear: $y, grounds: { customerCentricity: "Loved by customers", strategicAlignment: "Two-way sync", executiveSponsorship: "VP Product" })`,
    "{ id effectiveYear status invitedAt }", { p: gid("Partner", partnerId), y: effectiveYear ?? null });

describe("R-TIER-2: the tier a partner held in a year stays what it was", () => {
  it("R-TIER-2 / R-PART-1: joined and launched in 2026, Foundation for 2026 even after the assessment of 2026 gives Elite for 2027", async () => {
    const rising = await newPartnerWithStrongYear("Risingco", 80);
    clock.set("2026-12-31T18:00:00Z");
    expect(ok(await tierIn(rising.partnerId, null))).toEqual({ year: 2026, tier: "FOUNDATION", source: "ENTRY", sinceYear: 2026, assessment: null, invitation: null });

    clock.set("2027-01-15T09:00:00Z");
    expect(ok(await assess(2026))).toMatchObject({ effectiveYear: 2027 });
    // The year assessed keeps its tier; the year it set has the new one, from the assessment.
    expect(ok(await tierIn(rising.partnerId, 2026))).toEqual({ year: 2026, tier: "FOUNDATION", source: "ENTRY", sinceYear: 2026, assessment: null, invitation: null });
    expect(ok(await tierIn(rising.partnerId, 2027))).toEqual({ year: 2027, tier: "ELITE", source: "ASSESSMENT", sinceYear: 2027, assessment: { year: 2026 }, invitation: null });
    expect(ok(await tierIn(rising.partnerId, null, rising.token))).toMatchObject({ year: 2027, tier: "ELITE" });
    const badge = await t.gql(`query($id: ID!) { partner(id: $id) { tier } }`, { id: gid("Partner", rising.partnerId) }, w.staffToken);
    expect(badge.data.partner.tier).toBe("ELITE");
    // No tier before it joined, none for a year that has not started.
    expect(refusal(await tierIn(rising.partnerId, 2025), "R-TIER-2").message).toMatch(/not in the program in 2025/);
    expect(refusal(await tierIn(rising.partnerId, 2028), "R-TIER-2").message).toMatch(/2028 has not started/);
  });
});

describe("R-TIER-5: invitations for the year they take effect", () => {
  it("R-TIER-5: an invitation made on 2026-11-30 is for 2027; the assessment of 2026 finds it, names it, applies it", async () => {
    const star = await newPartnerWithStrongYear("Starco", 400);
    clock.set("2026-11-30T15:00:00Z");
    const inv = ok(await invite(star.partnerId));
    expect(inv).toMatchObject({ effectiveYear: 2027, status: "PENDING", invitedAt: expect.stringMatching(/^2026-11-30T15:00/) });
    // Not for a year whose assessment has already happened, nor further ahead than next year.
    expect(refusal(await invite(star.partnerId, 2026), "R-TIER-5").missing).toEqual(["an effective year of 2027 (the next assessment, of 2026, sets 2027)"]);
    expect(refusal(await invite(star.partnerId, 2028), "R-TIER-5")).toBeDefined();

    clock.set("2027-01-20T09:00:00Z");
    ok(await assess(2026));
    const assessment = await t.service.program.prisma.tierAssessment.findFirstOrThrow({ where: { partnerId: star.partnerId, year: 2026, currentSlot: "cur" } });
    expect(assessment.resultTierKey, assessment.explanation).toBe("PREMIER");
    expect(assessment.explanation).toContain("applies the staff invitation of 2026-11-30 for 2027 (R-TIER-5)");
    expect(ok(await tierIn(star.partnerId, 2027))).toMatchObject({ tier: "PREMIER", source: "INVITATION", sinceYear: 2027, invitation: { effectiveYear: 2027 } });
    expect(ok(await tierIn(star.partnerId, 2026))).toMatchObject({ tier: "FOUNDATION", source: "ENTRY" });
    const status = await t.service.program.prisma.premierInvitation.findUniqueOrThrow({ where: { id: inv.id } });
    expect(status.status).toBe("APPLIED");
    // Applied: it can no longer be withdrawn.
    const late = await call(t, w.staffToken, "mutation", "$id: ID!", `withdrawPremierInvitation(invitationId: $id, reason: "changed our mind")`, "{ status }", { id: inv.id });
    expect(refusal(late, "R-TIER-5")).toMatchObject({ currentState: "APPLIED" });
  });

  it("R-TIER-5: staff withdraw a pending invitation; the assessment then finds none and says so", async () => {
    const wave = await newPartnerWithStrongYear("Waveco", 400);
    clock.set("2026-10-01T10:00:00Z");
    const inv = ok(await invite(wave.partnerId));
    const withdrawn = ok(await call(t, w.staffToken, "mutation", "$id: ID!", `withdrawPremierInvitation(invitationId: $id, reason: " The sponsor left. ")`, "{ status withdrawnAt withdrawReason effectiveYear }", { id: inv.id }));
    expect(withdrawn).toMatchObject({ status: "WITHDRAWN", withdrawReason: "The sponsor left.", effectiveYear: 2027, withdrawnAt: expect.stringMatching(/^2026-10-01/) });
    expect(await t.service.program.prisma.event.count({ where: { type: "tier.premier-invitation-withdrawn", partnerId: wave.partnerId } })).toBe(1);

    clock.set("2027-01-20T09:00:00Z");
    ok(await assess(2026));
    const assessment = await t.service.program.prisma.tierAssessment.findFirstOrThrow({ where: { partnerId: wave.partnerId, year: 2026, currentSlot: "cur" } });
    expect(assessment.resultTierKey).toBe("ELITE");
    expect(assessment.explanation).toContain("no staff invitation for 2027 was found");
  });

  it("R-TIER-5: a partner cannot invite itself; it is told who may and why", async () => {
    const self = await newPartnerWithStrongYear("Selfco", 10);
    const r = await call(t, self.token, "mutation", "$p: ID!", `invitePremier(partnerId: $p, grounds: { customerCentricity: "a", strategicAlignment: "b", executiveSponsorship: "c" })`, "{ id }", { p: gid("Partner", self.partnerId) });
    expect(r.error).toMatchObject({ __typename: "Forbidden" });
    expect(r.error!.message).toMatch(/^Only program staff can do this: Premier is by invitation only.*cannot be requested \(R-TIER-5\)/);
  });
});
