// Fifty people acting on the same listing or validation at once: exactly one transition wins, the
// rest get a typed error, exactly one event is written. Real parallel transactions on PostgreSQL
// (PGlite runs them one at a time, which must give the same outcome).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres, startTestService, type TestService } from "../support/harness.js";
import { globalId as gid, loadDemoWorld, type DemoWorld } from "../support/world.js";
import { content, mutate, ok, type Outcome } from "../support/mutate.js";

let t: TestService;
let w: DemoWorld;
beforeAll(async () => {
  t = await startTestService();
  w = await loadDemoWorld(t);
});
afterAll(() => t?.close());

async function race(n: number, fire: () => Promise<Outcome>) {
  const outcomes = await Promise.all(Array.from({ length: n }, fire));
  const wins = outcomes.filter((o) => o.data);
  const losers = outcomes.filter((o) => o.error).map((o) => o.error!);
  return { wins, losers };
}

describe(`50 concurrent conflicting transitions (${onPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("R-LIST-4: fifty staff approvals of one revision in review: one wins, one event", async () => {
    const listing = await t.service.program.prisma.listing.findFirstOrThrow({ where: { marketplace: "COMMERCIAL", app: { name: "Northwind Insights" } } });
    const id = gid("Listing", listing.id);
    ok(await mutate(t, w.partners.northwind.adminToken, `editListing(listingId: "${id}", content: $content)`, "{ id }", { content: content("Insights v2") }));
    ok(await mutate(t, w.partners.northwind.adminToken, `submitListing(listingId: "${id}")`, "{ state }"));
    const { wins, losers } = await race(50, () => mutate(t, w.staffToken, `approveListing(listingId: "${id}")`, "{ state }"));
    expect(wins).toHaveLength(1);
    expect(losers).toHaveLength(49);
    for (const e of losers) expect(["Conflict", "RuleViolation"]).toContain(e.__typename);
    if (onPostgres) expect(losers.some((e) => e.__typename === "Conflict")).toBe(true);
    expect(await t.service.program.prisma.event.count({ where: { listingId: listing.id, type: "listing.revised" } })).toBe(1);
  });

  it("R-LIST-4: fifty delistings of one live listing (staff and partner mixed): one wins, one event", async () => {
    const listing = await t.service.program.prisma.listing.findFirstOrThrow({ where: { marketplace: "COMMERCIAL", app: { name: "Northwind Scheduler" } } });
    const id = gid("Listing", listing.id);
    const { wins, losers } = await race(50, (() => {
      let i = 0;
      return () => mutate(t, i++ % 2 ? w.staffToken : w.partners.northwind.adminToken, `delistListing(listingId: "${id}", reason: "race ${i}")`, "{ state }");
    })());
    expect(wins).toHaveLength(1);
    expect(wins[0]!.data.state).toBe("DELISTED");
    for (const e of losers) expect(["Conflict", "RuleViolation"]).toContain(e.__typename);
    expect(await t.service.program.prisma.event.count({ where: { listingId: listing.id, type: "listing.delisted" } })).toBe(1);
  });

  it("R-APP-3: fifty assignments of one requested validation: one wins, one event", async () => {
    const nw = w.partners.cobalt;
    const prisma = t.service.program.prisma;
    const takeoff = await prisma.app.findFirstOrThrow({ where: { name: "Cobalt Takeoff" } });
    // Close the demo's open validation so a new one can be requested.
    const open = await prisma.appValidation.findFirstOrThrow({ where: { appId: takeoff.id, status: "IN_PROGRESS" } });
    ok(await mutate(t, w.managerToken, `completeValidation(validationId: "${gid("AppValidation", open.id)}", outcome: FAILED, notes: "restart")`, "{ status }"));
    const v = ok(await mutate(t, nw.adminToken, `requestValidation(appId: "${gid("App", takeoff.id)}", marketplace: COMMERCIAL)`, "{ id }"));
    const { wins, losers } = await race(50, () => mutate(t, w.managerToken, `assignIntegrationManager(validationId: "${v.id}")`, "{ status }"));
    expect(wins).toHaveLength(1);
    for (const e of losers) expect(["Conflict", "RuleViolation"]).toContain(e.__typename);
    const validationId = Buffer.from(v.id, "base64").toString().split(":")[1];
    expect(await prisma.event.count({ where: { subjectId: validationId, type: "validation.assigned" } })).toBe(1);
  });

  it("R-APP-4: fifty requests for the same validation: one is opened", async () => {
    const prisma = t.service.program.prisma;
    const lite = ok(await mutate(t, w.partners.cobalt.adminToken, `createApp(partnerId: "${gid("Partner", w.partners.cobalt.id)}", name: "Cobalt Race", kind: OTHER, dataFlow: PUSH)`, "{ id }"));
    const c = ok(await mutate(t, w.partners.cobalt.adminToken, `registerTestCustomer(appId: "${lite.id}", customerRef: "race", customerName: "Race Co")`, "{ id }"));
    ok(await mutate(t, w.partners.cobalt.adminToken, `recordTestCustomerUse(testCustomerId: "${c.id}")`, "{ id }"));
    const { wins, losers } = await race(50, () => mutate(t, w.partners.cobalt.adminToken, `requestValidation(appId: "${lite.id}", marketplace: COMMERCIAL)`, "{ id }"));
    expect(wins).toHaveLength(1);
    for (const e of losers) expect(["Conflict", "RuleViolation"]).toContain(e.__typename);
    const appId = Buffer.from(lite.id, "base64").toString().split(":")[1]!;
    expect(await prisma.appValidation.count({ where: { appId } })).toBe(1);
    expect(await prisma.event.count({ where: { appId, type: "validation.requested" } })).toBe(1);
  });
});
