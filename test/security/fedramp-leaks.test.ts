// R-LIST-6 / R-LIST-1: nothing a viewer may not see appears in any answer, count, figure or refusal.
// A partner's own members without FedRAMP clearance do not see its FedRAMP listings: its refusals,
// its progress figures and the sweep's counts are computed as they may see them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";
import { globalId as gid, loadDemoWorld, type DemoWorld } from "../support/world.js";
import { call } from "../support/mutate.js";

let t: TestService;
let w: DemoWorld;
let cleared: string;
let govOnly: string;
beforeAll(async () => {
  t = await startTestService();
  w = await loadDemoWorld(t);
  const prisma = t.service.program.prisma;
  const nw = w.partners.northwind;
  const admin = await prisma.partnerMember.findFirstOrThrow({ where: { partnerId: nw.id, role: "ADMIN" } });
  cleared = await t.token({ sub: admin.id, role: "partner-admin", partnerId: nw.id, fedramp: true });
  // An app live on the FedRAMP marketplace only, launched last month.
  const launched = new Date(t.service.program.today().getTime() - 30 * 86_400_000);
  const app = await prisma.app.create({ data: { partnerId: nw.id, name: "Northwind Gov Only", kind: "OTHER", dataFlow: "PUSH", launchedAt: launched } });
  const listing = await prisma.listing.create({ data: { appId: app.id, partnerId: nw.id, marketplace: "FEDRAMP", firstLiveAt: launched } });
  const rev = await prisma.listingRevision.create({
    data: { listingId: listing.id, number: 1, status: "APPROVED", name: "Gov Only", tagline: "For agencies", summary: "S".repeat(200), contactKind: "LEARN_MORE_LINK", learnMoreUrl: "https://example.com", createdById: admin.id },
  });
  await prisma.listing.update({ where: { id: listing.id }, data: { state: "LIVE", liveRevisionId: rev.id } });
  govOnly = app.id;
});
afterAll(() => t?.close());

const progress = (token: string) =>
  call(t, token, "query", "$id: ID!", "tierProgress", "{ figures { liveApps apps { name } } }", { id: gid("Partner", w.partners.northwind.id) }, (inner) => `partner(id: $id) { ${inner} }`);

describe("R-LIST-6: a partner's uncleared members see its figures and refusals without its FedRAMP listings", () => {
  it("R-LIST-6: tierProgress counts a FedRAMP-only live app for a cleared member, never for an uncleared one", async () => {
    const mine = (await progress(w.partners.northwind.adminToken)).data.figures;
    const all = (await progress(cleared)).data.figures;
    expect(all.liveApps).toBe(mine.liveApps + 1);
    expect(all.apps.map((a: { name: string }) => a.name)).toContain("Northwind Gov Only");
    expect(mine.apps.map((a: { name: string }) => a.name)).not.toContain("Northwind Gov Only");
  });

  it("R-LIST-1: retiring an app whose only live listing is on FedRAMP: the uncleared admin is refused without a word of it; the cleared one is told", async () => {
    const retire = (token: string) => call(t, token, "mutation", "$a: ID!", "retireApp(appId: $a)", "{ status }", { a: gid("App", govOnly) });
    const uncleared = await retire(w.partners.northwind.adminToken);
    expect(uncleared.error?.__typename).toBe("Forbidden");
    expect(JSON.stringify(uncleared.error)).not.toMatch(/fedramp|gov only/i);
    const told = await retire(cleared);
    expect(told.error).toMatchObject({ __typename: "RuleViolation", rule: "R-LIST-4", missing: ["FedRAMP listing is LIVE"] });
    expect((await t.service.program.prisma.app.findUniqueOrThrow({ where: { id: govOnly } })).status).toBe("ACTIVE");
  });

  it("R-LIST-6: the low-usage sweep's report counts only the listings the staff member may see", async () => {
    const sweep = (token: string) => call(t, token, "mutation", "", "runLowUsageSweep", "{ examined }");
    const fedListings = await t.service.program.prisma.listing.count({ where: { marketplace: "FEDRAMP", state: { in: ["LIVE", "AT_RISK"] } } });
    expect(fedListings).toBeGreaterThan(0);
    const seenByUncleared = (await sweep(w.staffToken)).data.examined;
    const seenByCleared = (await sweep(w.staffFedrampToken)).data.examined;
    expect(seenByCleared - seenByUncleared).toBe(fedListings);
  });
});

describe("R-LIST-6: frozen assessments of a partner with FedRAMP listings", () => {
  it("R-LIST-6: an uncleared viewer reads the tier decided but not the figures behind it; a cleared one reads them; a partner without FedRAMP listings reads its own", async () => {
    const assess = (partnerId: string) =>
      call(t, w.staffFedrampToken, "mutation", "$p: ID", "runTierAssessment(year: 2025, partnerId: $p)", "{ assessed }", { p: gid("Partner", partnerId) });
    expect((await assess(w.partners.northwind.id)).data).toEqual({ assessed: 1 });
    expect((await assess(w.partners.dormant.id)).data).toEqual({ assessed: 1 });
    const read = async (partnerId: string, token: string) =>
      (await t.gql(`query($id: ID!) { partner(id: $id) { assessments { year resultTier inputs requirements requirementResults { requirement } explanation } } }`, { id: gid("Partner", partnerId) }, token)).data.partner.assessments[0];
    const uncleared = await read(w.partners.northwind.id, w.partners.northwind.adminToken);
    const full = await read(w.partners.northwind.id, cleared);
    expect(full.inputs.apps.length).toBeGreaterThan(0);
    expect(full.requirementResults.length).toBeGreaterThan(0);
    expect(uncleared).toEqual({
      year: 2025, resultTier: full.resultTier, inputs: {}, requirements: [], requirementResults: [],
      explanation: expect.stringContaining("shown with FedRAMP clearance"),
    });
    expect(JSON.stringify(uncleared)).not.toMatch(/gov/i);
    // Staff without clearance: the same.
    expect((await read(w.partners.northwind.id, w.staffToken)).inputs).toEqual({});
    // Dormant Docs has no FedRAMP listing: its own admin reads every figure.
    const dormant = await read(w.partners.dormant.id, w.partners.dormant.adminToken);
    expect(dormant.inputs.apps.length).toBeGreaterThan(0);
    expect(dormant.requirementResults.length).toBeGreaterThan(0);
  });
});
