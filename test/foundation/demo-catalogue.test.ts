// The demo catalogue (src/seed/catalogue.ts): what `npm start` loads beside the four named partners,
// so the storefront has something to search. Same catalogue from the same seed, loaded once, every
// row with its event, and the README's storefront example finds listings with real facet counts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoCatalogue } from "../../src/seed/catalogue.js";
import { seedDemoData } from "../../src/seed/demo.js";
import { startTestService, type TestService } from "../support/harness.js";

let t: TestService;
let loadMs = 0;
const prisma = () => t.service.program.prisma;

async function loaded(service: TestService) {
  await seedDemoData(service.service.program);
  const t0 = performance.now();
  expect(await seedDemoCatalogue(service.service.program)).toBe(true);
  return performance.now() - t0;
}

beforeAll(async () => {
  t = await startTestService();
  loadMs = await loaded(t);
  console.log(`demo catalogue loaded in ${Math.round(loadMs)} ms`);
});
afterAll(() => t?.close());

describe("the demo catalogue", () => {
  it("has partners at every stage and tier, 150 listings across every category, both data flows and both marketplaces", async () => {
    const partners = await prisma().partner.count();
    expect(partners).toBe(64);
    const listings = await prisma().listing.findMany({ include: { app: true, partner: true, liveRevision: { include: { categories: { include: { category: true } } } } } });
    expect(listings.length).toBeGreaterThanOrEqual(140);
    expect(listings.length).toBeLessThanOrEqual(170);
    const shown = listings.filter((l) => l.state === "LIVE" || l.state === "AT_RISK");
    expect(new Set(listings.map((l) => l.state))).toEqual(new Set(["LIVE", "AT_RISK", "DRAFT", "DELISTED"]));
    expect(new Set(shown.map((l) => l.marketplace))).toEqual(new Set(["COMMERCIAL", "FEDRAMP"]));
    expect(new Set(shown.map((l) => l.partner.tierKey))).toEqual(new Set(["FOUNDATION", "SELECT", "ELITE", "PREMIER"]));
    expect(new Set(shown.map((l) => l.app.dataFlow))).toEqual(new Set(["PUSH", "PULL", "BIDIRECTIONAL"]));
    expect(new Set(shown.map((l) => l.app.kind))).toEqual(new Set(["DATA_CONNECTOR", "OTHER"]));
    const categories = await prisma().category.findMany();
    const used = new Set(shown.flatMap((l) => l.liveRevision!.categories.map((c) => c.category.slug)));
    expect(categories.every((c) => used.has(c.slug))).toBe(true);
    // Stages: unsigned partners, validations under way, leads, inquiries and a year of usage.
    expect(await prisma().partner.count({ where: { signatures: { none: {} } } })).toBeGreaterThanOrEqual(6);
    expect(await prisma().appValidation.count({ where: { status: { in: ["REQUESTED", "IN_PROGRESS"] } } })).toBeGreaterThanOrEqual(6);
    expect(await prisma().lead.count()).toBeGreaterThan(50);
    expect(await prisma().inquiry.count({ where: { respondedAt: { not: null } } })).toBeGreaterThan(20);
    expect(await prisma().usageMonth.count()).toBeGreaterThan(1000);
  });

  it("R-EVT-1: every partner, app and listing of the catalogue has its event, and each listing's state is the one its latest state event recorded", async () => {
    const rows = <T>(sql: string) => prisma().$queryRawUnsafe<T[]>(sql);
    const missing = await rows<{ kind: string }>(`
      SELECT 'partner' AS kind FROM "Partner" p WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."subjectId" = p.id AND e.type = 'partner.joined')
      UNION ALL SELECT 'app' FROM "App" a WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."subjectId" = a.id AND e.type = 'app.created')
      UNION ALL SELECT 'listing' FROM "Listing" l WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."subjectId" = l.id AND e.type = 'listing.created')
      UNION ALL SELECT 'lead' FROM "Lead" l WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."subjectId" = l.id AND e.type = 'lead.sent')
      UNION ALL SELECT 'inquiry' FROM "Inquiry" i WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."subjectId" = i.id AND e.type = 'inquiry.received')`);
    expect(missing).toEqual([]);
    const drift = await rows<{ state: string; recorded: string | null }>(`
      SELECT l.state::text AS state, (SELECT e.after->>'state' FROM "Event" e WHERE e."subjectId" = l.id AND e.after ? 'state' ORDER BY e.position DESC LIMIT 1) AS recorded
      FROM "Listing" l`);
    expect(drift.filter((d) => d.state !== d.recorded)).toEqual([]);
  });

  it("the README's storefront example finds listings, with facet counts, for the public", async () => {
    const r = await t.gql(`{
      listings(search: "cost codes", sort: RELEVANCE, first: 20,
               filter: { categories: ["accounting"], tiers: ["SELECT", "ELITE"], dataFlows: [BIDIRECTIONAL], dataConnector: true }) {
        totalCount
        facets { categories { slug name count } tiers { tier name count } dataFlows { dataFlow count } dataConnector { dataConnector count } }
        edges { cursor node { id content { name tagline } partner { name tierBadge { name } } installAllowed recentlyUpdated } }
      }
    }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.listings.totalCount).toBeGreaterThan(0);
    expect(r.data.listings.edges.length).toBe(Math.min(20, r.data.listings.totalCount));
    expect(r.data.listings.facets.categories.find((c: any) => c.slug === "accounting").count).toBeGreaterThan(0);
    const all = await t.gql(`{ listings(first: 1) { totalCount facets { tiers { tier count } dataFlows { dataFlow count } } } }`);
    expect(all.data.listings.totalCount).toBeGreaterThan(100);
    expect(all.data.listings.facets.tiers.filter((x: any) => x.count > 0).length).toBe(4);
  });

  it("loads once: a second load changes nothing; the same seed gives the same catalogue in another database", async () => {
    const snapshot = async (s: TestService) => ({
      partners: (await s.service.program.prisma.partner.findMany({ select: { slug: true, tierKey: true }, orderBy: { slug: "asc" } })),
      listings: (await s.service.program.prisma.listingRevision.findMany({ select: { name: true, tagline: true, status: true }, orderBy: [{ name: "asc" }, { tagline: "asc" }] })),
      events: await s.service.program.prisma.event.count(),
    });
    const before = await snapshot(t);
    expect(await seedDemoCatalogue(t.service.program)).toBe(false);
    expect(await snapshot(t)).toEqual(before);
    const other = await startTestService();
    try {
      await loaded(other);
      expect(await snapshot(other)).toEqual(before);
    } finally {
      await other.close();
    }
  });
});
