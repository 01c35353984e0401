// The operations the frontends use (schema/operations/**/*.graphql), as generated typed documents,
// run against the demo world: they must validate against today's schema and return what the pages
// need, for the viewers that use them.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CategoriesDocument,
  DashboardViewerDocument,
  ListingDetailDocument,
  MarketplaceListingsDocument,
  MyListingsDocument,
  MyPartnerAppsDocument,
  PartnerBasicsDocument,
  ProgramPolicyDocument,
  StaffPartnersDocument,
  StaffUsersDocument,
  StorefrontSearchDocument,
} from "../../schema/operations/generated/graphql.js";
import { startTestService, type TestService } from "../support/harness.js";
import { globalId, loadDemoWorld, type DemoWorld } from "../support/world.js";

let t: TestService;
let w: DemoWorld;
beforeAll(async () => {
  t = await startTestService();
  w = await loadDemoWorld(t);
});
afterAll(() => t?.close());

/** Northwind's admin with FedRAMP clearance in the token (R-LIST-6). */
async function clearedNorthwindAdmin(): Promise<string> {
  const partnerId = w.partners.northwind.id;
  const admin = await t.service.program.prisma.partnerMember.findFirstOrThrow({ where: { partnerId, role: "ADMIN" } });
  return t.token({ sub: admin.id, role: "partner-admin", partnerId, fedramp: true });
}

/** Runs a generated document through the real Yoga handler; the result has the document's type. */
async function run<R, V>(doc: TypedDocumentNode<R, V>, variables: V, token?: string): Promise<R> {
  const r = await t.gql<R>(print(doc), variables as Record<string, unknown>, token);
  expect(r.errors).toBeUndefined();
  expect(r.status).toBe(200);
  return r.data!;
}

describe("marketplace frontend", () => {
  it("MarketplaceListings pages through the Commercial storefront with the card's fields", async () => {
    const page1 = await run(MarketplaceListingsDocument, { first: 1 });
    expect(page1.listings.edges).toHaveLength(1);
    expect(page1.listings.pageInfo.hasNextPage).toBe(true);
    const page2 = await run(MarketplaceListingsDocument, { first: 1, after: page1.listings.pageInfo.endCursor });
    expect(page2.listings.pageInfo.hasNextPage).toBe(false);

    const cards = [...page1.listings.edges, ...page2.listings.edges].map((e) => e.node);
    const byName = new Map(cards.map((c) => [c.content?.name, c]));
    expect([...byName.keys()].sort()).toEqual(["Northwind Insights", "Northwind Scheduler"]);
    const insights = byName.get("Northwind Insights")!;
    expect(insights).toMatchObject({
      marketplace: "COMMERCIAL",
      state: "LIVE",
      content: { tagline: "Project analytics in two-way sync" },
      partner: { slug: "northwind-analytics", name: "Northwind Analytics", tier: "SELECT" },
      app: { dataFlow: "BIDIRECTIONAL" },
    });
    expect(insights.content?.categories.map((c) => c.slug).sort()).toEqual(["analytics", "project-management"]);
    expect(byName.get("Northwind Scheduler")?.app.dataFlow).toBe("PULL");
  });

  it("MarketplaceListings on FedRAMP is empty for the public and shows the Gov listing to a cleared viewer", async () => {
    expect((await run(MarketplaceListingsDocument, { marketplace: "FEDRAMP" })).listings.edges).toEqual([]);
    const cleared = await run(MarketplaceListingsDocument, { marketplace: "FEDRAMP" }, w.staffFedrampToken);
    expect(cleared.listings.edges.map((e) => e.node.content?.name)).toEqual(["Northwind Insights Gov"]);
  });

  it("ListingDetail reads a listing by the id from the listings page; a hidden one is null", async () => {
    const page = await run(MarketplaceListingsDocument, {});
    const card = page.listings.edges.find((e) => e.node.content?.name === "Northwind Insights")!.node;
    const { listing: node } = await run(ListingDetailDocument, { id: card.id });
    if (!node) throw new Error("expected the listing");
    expect(node.id).toBe(card.id);
    expect(node).toMatchObject({ installAllowed: true, recentlyUpdated: false, partner: { tierBadge: { name: "Select" } } });
    expect(node.contentUpdatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(node.content?.summary).toMatch(/^Northwind Insights connects/);
    expect(node.content?.features).toEqual(["Two-way sync", "Field-level mapping", "Audit trail"]);
    expect(node.content?.contactKind).toBe("CONTACT_FORM");
    expect(node.partner).toMatchObject({ name: "Northwind Analytics", website: "https://northwind-analytics.example" });
    expect(node.app).toMatchObject({ name: "Northwind Insights", kind: "DATA_CONNECTOR", dataFlow: "BIDIRECTIONAL" });
    expect(node.firstLiveAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    // Cobalt's draft: its owner may read it, the public may not.
    const cobaltDraft = (await run(MyListingsDocument, {}, w.partners.cobalt.adminToken)).myListings.edges[0]!.node;
    expect((await run(ListingDetailDocument, { id: cobaltDraft.id })).listing).toBeNull();
    const asOwner = (await run(ListingDetailDocument, { id: cobaltDraft.id }, w.partners.cobalt.adminToken)).listing;
    expect(asOwner?.state).toBe("DRAFT");
    expect(asOwner?.installAllowed).toBe(false);
    // Another type's id is no listing: the client's mistake, said so.
    const wrongType = await t.gql(print(ListingDetailDocument), { id: globalId("Partner", w.partners.northwind.id) });
    expect(wrongType.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(wrongType.data?.listing ?? null).toBeNull();
  });

  it("StorefrontSearch finds listings by words and filters, with facet counts", async () => {
    const { listings } = await run(StorefrontSearchDocument, { search: "crew schedules", filter: { dataFlows: ["PULL"] } });
    expect(listings.edges.map((e) => e.node.content?.name)).toEqual(["Northwind Scheduler"]);
    expect(listings.totalCount).toBe(1);
    expect(listings.facets.dataFlows).toEqual([{ dataFlow: "PUSH", count: 0 }, { dataFlow: "PULL", count: 1 }, { dataFlow: "BIDIRECTIONAL", count: 0 }]);
    expect(listings.facets.categories.find((c) => c.slug === "scheduling")?.count).toBe(1);
    const all = await run(StorefrontSearchDocument, { sort: "NAME" });
    expect(all.listings.edges.map((e) => e.node.content?.name)).toEqual(["Northwind Insights", "Northwind Scheduler"]);
    expect(all.listings.facets.tiers.find((tier) => tier.tier === "SELECT")).toEqual({ tier: "SELECT", name: "Select", count: 2 });
  });

  it("Categories lists the category filter", async () => {
    const { categories } = await run(CategoriesDocument, {});
    expect(categories).toHaveLength(10);
    expect(categories.find((c) => c.slug === "analytics")?.name).toBe("Analytics & Reporting");
  });
});

describe("partner dashboard", () => {
  it("DashboardViewer names the partner or the staff user behind the token", async () => {
    expect((await run(DashboardViewerDocument, {}, w.partners.northwind.adminToken)).viewer).toEqual({
      role: "PARTNER_ADMIN",
      fedrampCleared: false,
      partner: { id: globalId("Partner", w.partners.northwind.id), slug: "northwind-analytics", name: "Northwind Analytics", tier: "SELECT" },
      staffUser: null,
    });
    const staff = (await run(DashboardViewerDocument, {}, w.staffToken)).viewer;
    expect(staff).toMatchObject({ role: "PROGRAM_STAFF", partner: null, staffUser: { name: "Sam Staff", role: "PROGRAM_STAFF" } });
    expect((await run(DashboardViewerDocument, {})).viewer.role).toBe("PUBLIC");
  });

  it("MyPartnerApps shows a live partner's apps with validations, checks, usage and listings", async () => {
    const { apps } = await run(MyPartnerAppsDocument, { months: 3 }, w.partners.northwind.adminToken);
    const byName = new Map(apps.edges.map((e) => [e.node.name, e.node]));
    expect([...byName.keys()].sort()).toEqual(["Northwind Insights", "Northwind Scheduler"]);

    const insights = byName.get("Northwind Insights")!;
    expect(insights).toMatchObject({ kind: "DATA_CONNECTOR", dataFlow: "BIDIRECTIONAL", status: "ACTIVE" });
    // Without clearance the FedRAMP validation is hidden like the FedRAMP listing, even from its own partner (R-LIST-6).
    expect(insights.validations.map((v) => [v.marketplace, v.status]).sort()).toEqual([["COMMERCIAL", "PASSED"]]);
    for (const v of insights.validations) {
      expect(v.integrationManager?.name).toBe("Ivy Integration");
      expect(v.checks.map((c) => c.kind).sort()).toEqual(["DATA_TRANSFER", "DEMONSTRATION", "IMPLEMENTATION_UNDERSTANDING"]);
      expect(v.checks.every((c) => c.passed)).toBe(true);
    }
    // The last three months, newest first; BigInt counters arrive as numbers while they are safe.
    expect(insights.usage).toHaveLength(3);
    expect(insights.usage.map((u) => u.month)).toEqual([...insights.usage.map((u) => u.month)].sort().reverse());
    expect(insights.usage[0]).toMatchObject({ activeCustomers: 109, pushCalls: 130_800, pullCalls: 98_100 });
    // Without clearance the FedRAMP listing stays hidden, even from its own partner (R-LIST-6).
    expect(insights.listings.map((l) => [l.marketplace, l.state, l.content?.name])).toEqual([["COMMERCIAL", "LIVE", "Northwind Insights"]]);
    expect(byName.get("Northwind Scheduler")!.validations[0]!.checks).toHaveLength(2);

    const cleared = await run(MyPartnerAppsDocument, { months: 3 }, await clearedNorthwindAdmin());
    const clearedInsights = cleared.apps.edges.find((e) => e.node.name === "Northwind Insights")!.node;
    expect(clearedInsights.listings.map((l) => [l.marketplace, l.state, l.content?.name]).sort()).toEqual([
      ["COMMERCIAL", "LIVE", "Northwind Insights"],
      ["FEDRAMP", "LIVE", "Northwind Insights Gov"],
    ]);
    expect(clearedInsights.validations.map((v) => [v.marketplace, v.status]).sort()).toEqual([["COMMERCIAL", "PASSED"], ["FEDRAMP", "PASSED"]]);
    for (const v of clearedInsights.validations) expect(v.checks.map((c) => c.kind).sort()).toEqual(["DATA_TRANSFER", "DEMONSTRATION", "IMPLEMENTATION_UNDERSTANDING"]);
  });

  it("MyPartnerApps shows a partner mid-validation its open validation and draft listing", async () => {
    const { apps } = await run(MyPartnerAppsDocument, {}, w.partners.cobalt.adminToken);
    expect(apps.edges).toHaveLength(1);
    const takeoff = apps.edges[0]!.node;
    expect(takeoff.name).toBe("Cobalt Takeoff");
    expect(takeoff.usage).toEqual([]);
    expect(takeoff.validations).toMatchObject([{ status: "IN_PROGRESS", purpose: "INITIAL", attempt: 1, completedAt: null, checks: [{ kind: "DEMONSTRATION", passed: true }] }]);
    expect(takeoff.listings).toMatchObject([{ marketplace: "COMMERCIAL", state: "DRAFT", content: null, pendingRevision: { number: 1, status: "DRAFT" } }]);
  });

  it("MyListings lists a partner's listings in every state", async () => {
    const cobalt = await run(MyListingsDocument, {}, w.partners.cobalt.adminToken);
    expect(cobalt.myListings.edges.map((e) => e.node)).toMatchObject([
      { state: "DRAFT", content: null, pendingRevision: { name: "Cobalt Takeoff", status: "DRAFT" }, app: { name: "Cobalt Takeoff" } },
    ]);
    const northwind = await run(MyListingsDocument, {}, w.partners.northwind.adminToken);
    expect(northwind.myListings.edges.map((e) => e.node.content?.name).sort()).toEqual(["Northwind Insights", "Northwind Scheduler"]);
    const cleared = await run(MyListingsDocument, {}, await clearedNorthwindAdmin());
    expect(cleared.myListings.edges.map((e) => e.node.content?.name).sort()).toEqual(["Northwind Insights", "Northwind Insights Gov", "Northwind Scheduler"]);
  });

  it("PartnerBasics finds a partner by slug or by id, and null when it is not visible", async () => {
    const bySlug = await run(PartnerBasicsDocument, { slug: "cobalt-estimating" }, w.partners.cobalt.memberToken ?? w.partners.cobalt.adminToken);
    expect(bySlug.partner).toMatchObject({ slug: "cobalt-estimating", name: "Cobalt Estimating", tier: "FOUNDATION", website: "https://cobalt-estimating.example" });
    const byId = await run(PartnerBasicsDocument, { id: bySlug.partner!.id }, w.staffToken);
    expect(byId.partner).toEqual(bySlug.partner);
    expect((await run(PartnerBasicsDocument, { slug: "cobalt-estimating" }, w.partners.northwind.adminToken)).partner).toBeNull();
  });
});

describe("staff", () => {
  it("StaffPartners lists every partner with its tier", async () => {
    const { partners } = await run(StaffPartnersDocument, {}, w.staffToken);
    expect(partners.edges.map((e) => [e.node.slug, e.node.tier]).sort()).toEqual([
      ["brightbeam-labs", "FOUNDATION"],
      ["cobalt-estimating", "FOUNDATION"],
      ["dormant-docs", "FOUNDATION"],
      ["northwind-analytics", "SELECT"],
    ]);
    expect(partners.pageInfo.hasNextPage).toBe(false);
  });

  it("StaffUsers lists the program's staff", async () => {
    const { staffUsers } = await run(StaffUsersDocument, {}, w.staffToken);
    expect(staffUsers.map((s) => [s.name, s.role, s.fedrampCleared]).sort()).toEqual([
      ["Ivy Integration", "INTEGRATION_MANAGER", false],
      ["Pat Program", "PROGRAM_STAFF", true],
      ["Sam Staff", "PROGRAM_STAFF", false],
    ]);
  });

  it("ProgramPolicy returns this year's policy with its tier ladder", async () => {
    const year = t.service.program.today().getUTCFullYear();
    const { programPolicy } = await run(ProgramPolicyDocument, {}, w.staffToken);
    expect(programPolicy).toMatchObject({ year, version: 1 });
    expect(programPolicy!.tiers.map((tier) => tier.key)).toEqual(["FOUNDATION", "SELECT", "ELITE", "PREMIER"]);
    expect(programPolicy!.tiers.find((tier) => tier.key === "PREMIER")).toMatchObject({ invitationOnly: true, requiresBidirectional: true, minActiveCustomers: 150 });
    expect((await run(ProgramPolicyDocument, { year: year - 1 }, w.staffToken)).programPolicy?.year).toBe(year - 1);
  });
});
