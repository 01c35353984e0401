// The storefront's listings connection (R-LIST-6): full-text search, each filter, each sort, facet
// counts, paging, page-size cap, bad input, visibility, and the listing page's fields.
// Runs on PGlite and on PostgreSQL. The fixture listings all mention "quokka", which the demo
// listings never do, so a search for it scopes a test to them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";
import { insertCatalogue, type Catalogue, type ListingSpec } from "../support/catalogue.js";
import { globalId, loadDemoWorld, type DemoWorld } from "../support/world.js";

const DAY = 86_400_000;
let t: TestService;
let w: DemoWorld;
let cat: Catalogue;
let today: Date;
const ago = (days: number) => new Date(today.getTime() - days * DAY);
const about = (extra: string) => `${extra} The quokka of construction software keeps every project in step. `.repeat(3);

const specs = (): ListingSpec[] => [
  { name: "Ledger Link", tagline: "Accounting sync for builders", summary: about("Invoices and cost codes."), features: ["Invoice sync"], categories: ["accounting", "erp"], partner: "ledger-co", tier: "SELECT", dataFlow: "BIDIRECTIONAL", kind: "DATA_CONNECTOR", firstLiveAt: ago(10), activeCustomers: [50, 50, 50], screenshots: ["https://img.example/ledger-1.png"], videoUrl: "https://video.example/ledger" },
  { name: "Budget Beacon", tagline: "Budgets you can trust", summary: about("Budget forecasting against the ledger."), categories: ["accounting"], partner: "beacon-co", tier: "FOUNDATION", dataFlow: "PUSH", kind: "OTHER", firstLiveAt: ago(100), activeCustomers: [10, 10, 10], contactKind: "LEARN_MORE_LINK" },
  { name: "Crew Clock", tagline: "Timesheets from the field", summary: about("Crews clock in on site."), categories: ["field", "scheduling"], partner: "crew-co", tier: "ELITE", dataFlow: "PULL", kind: "DATA_CONNECTOR", firstLiveAt: ago(5), activeCustomers: [200, 0, 0] },
  { name: "Drawing Vault", tagline: "Every sheet, every version", summary: about("Drawings and models in one place."), categories: ["documents", "bim"], partner: "vault-co", tier: "PREMIER", dataFlow: "BIDIRECTIONAL", kind: "OTHER", firstLiveAt: ago(300) },
  { name: "Safety Scout", tagline: "Inspections without paper", summary: about("Safety inspections and observations."), categories: ["quality-safety"], partner: "ledger-co", tier: "SELECT", dataFlow: "PUSH", kind: "DATA_CONNECTOR", state: "AT_RISK", firstLiveAt: ago(400), activeCustomers: [1, 0, 0] },
  { name: "Estimate Engine", tagline: "Estimates from takeoffs", summary: about("Estimating with cost history."), categories: ["estimating", "accounting"], partner: "engine-co", tier: "FOUNDATION", dataFlow: "PULL", kind: "OTHER", firstLiveAt: ago(50), contentUpdatedAt: ago(3), activeCustomers: [30, 30, 30] },
  { name: "aardvark Analytics", tagline: "Dashboards for owners", summary: about("Portfolio dashboards."), categories: ["analytics"], partner: "aardvark-co", tier: "ELITE", dataFlow: "PUSH", kind: "OTHER", firstLiveAt: ago(200) },
  { name: "Draft Ledger", summary: about("Not yet reviewed."), categories: ["accounting"], state: "DRAFT" },
  { name: "Gone Ledger", summary: about("Delisted by staff."), categories: ["accounting"], state: "DELISTED", firstLiveAt: ago(500) },
  { name: "Fed Ledger", summary: about("For federal projects."), categories: ["accounting"], marketplace: "FEDRAMP", firstLiveAt: ago(20) },
];

beforeAll(async () => {
  // Computed answers only (the response cache has tests of its own): one test changes usage directly.
  t = await startTestService({ env: { STOREFRONT_CACHE_MS: "0" } });
  w = await loadDemoWorld(t);
  today = t.service.program.today();
  cat = await insertCatalogue(t.service.program.prisma, specs(), today);
});
afterAll(() => t?.close());

const PAGE = `query($search: String, $filter: ListingFilter, $sort: ListingSort, $first: Int, $after: String, $last: Int, $before: String, $marketplace: Marketplace) {
  listings(search: $search, filter: $filter, sort: $sort, first: $first, after: $after, last: $last, before: $before, marketplace: $marketplace) {
    totalCount
    edges { cursor node { id content { name } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

async function names(vars: Record<string, unknown>, token?: string): Promise<string[]> {
  const r = await t.gql(PAGE, { first: 100, ...vars }, token);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data.listings.edges.map((e: any) => e.node.content.name);
}
const quokka = (vars: Record<string, unknown> = {}) => names({ search: "quokka", ...vars });
const byName = (a: string[]) => [...a].sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase()));
const PUBLIC = ["Ledger Link", "Budget Beacon", "Crew Clock", "Drawing Vault", "Safety Scout", "Estimate Engine", "aardvark Analytics"];

describe("search", () => {
  it("R-LIST-6: finds words in name, tagline, summary and features, stemmed; never a listing the viewer may not see", async () => {
    expect(byName(await quokka())).toEqual(byName(PUBLIC));
    expect(await names({ search: "timesheet" })).toEqual(["Crew Clock"]); // tagline "Timesheets", stemmed
    expect(await names({ search: "invoice sync" })).toEqual(["Ledger Link"]); // features and summary
    expect(await names({ search: "ledger" })).not.toContain("Fed Ledger");
    expect(await names({ search: "ledger" })).not.toContain("Draft Ledger");
    expect(await names({ search: "ledger" })).not.toContain("Gone Ledger");
  });

  it("ranks a match in the name above a match in the summary", async () => {
    expect(await names({ search: "ledger" })).toEqual(["Ledger Link", "Budget Beacon"]);
  });

  it("takes web search syntax: phrases, or, exclusion", async () => {
    expect(await names({ search: '"budget forecasting"' })).toEqual(["Budget Beacon"]);
    expect(byName(await names({ search: "drawings or timesheets" }))).toEqual(["Crew Clock", "Drawing Vault"]);
    expect(await names({ search: "ledger -budget" })).toEqual(["Ledger Link"]);
  });

  it("FedRAMP listings are searched only with clearance", async () => {
    expect(await names({ search: "ledger", marketplace: "FEDRAMP" })).toEqual([]);
    expect(await names({ search: "ledger", marketplace: "FEDRAMP" }, w.staffToken)).toEqual([]);
    expect(await names({ search: "ledger", marketplace: "FEDRAMP" }, w.staffFedrampToken)).toEqual(["Fed Ledger"]);
  });
});

describe("filters", () => {
  it("by category (any of the slugs given)", async () => {
    expect(byName(await quokka({ filter: { categories: ["accounting"] } }))).toEqual(["Budget Beacon", "Estimate Engine", "Ledger Link"]);
    expect(byName(await quokka({ filter: { categories: ["accounting", "field"] } }))).toEqual(["Budget Beacon", "Crew Clock", "Estimate Engine", "Ledger Link"]);
  });

  it("by partner tier", async () => {
    expect(byName(await quokka({ filter: { tiers: ["SELECT"] } }))).toEqual(["Ledger Link", "Safety Scout"]);
    expect(byName(await quokka({ filter: { tiers: ["ELITE", "PREMIER"] } }))).toEqual(["aardvark Analytics", "Crew Clock", "Drawing Vault"]);
  });

  it("by data flow", async () => {
    expect(byName(await quokka({ filter: { dataFlows: ["BIDIRECTIONAL"] } }))).toEqual(["Drawing Vault", "Ledger Link"]);
    expect(byName(await quokka({ filter: { dataFlows: ["PUSH", "PULL"] } }))).toEqual(byName(["Budget Beacon", "Crew Clock", "Safety Scout", "Estimate Engine", "aardvark Analytics"]));
  });

  it("data connector or not", async () => {
    expect(byName(await quokka({ filter: { dataConnector: true } }))).toEqual(["Crew Clock", "Ledger Link", "Safety Scout"]);
    expect(byName(await quokka({ filter: { dataConnector: false } }))).toEqual(["aardvark Analytics", "Budget Beacon", "Drawing Vault", "Estimate Engine"]);
  });

  it("several filters at once: every one must match", async () => {
    expect(await quokka({ filter: { categories: ["accounting"], dataConnector: true } })).toEqual(["Ledger Link"]);
    expect(await quokka({ filter: { categories: ["accounting"], tiers: ["FOUNDATION"], dataFlows: ["PULL"] } })).toEqual(["Estimate Engine"]);
  });

  it("without search text too", async () => {
    const all = await names({ filter: { categories: ["scheduling"] } });
    expect(byName(all)).toEqual(["Crew Clock", "Northwind Scheduler"]);
  });
});

describe("sorts", () => {
  it("NAME: A to Z ignoring case", async () => {
    expect(await quokka({ sort: "NAME" })).toEqual(byName(PUBLIC));
  });

  it("RELEVANCE without search text is by name", async () => {
    expect(await names({ sort: "RELEVANCE" })).toEqual(await names({ sort: "NAME" }));
    expect(await names({})).toEqual(await names({ sort: "NAME" }));
  });

  it("NEWEST: most recently launched first", async () => {
    expect(await quokka({ sort: "NEWEST" })).toEqual(["Crew Clock", "Ledger Link", "Estimate Engine", "Budget Beacon", "aardvark Analytics", "Drawing Vault", "Safety Scout"]);
  });

  it("POPULARITY: active customers over the last three complete months, ties by name", async () => {
    expect(await quokka({ sort: "POPULARITY" })).toEqual(["Crew Clock", "Ledger Link", "Estimate Engine", "Budget Beacon", "Safety Scout", "aardvark Analytics", "Drawing Vault"]);
  });

  it("the current month does not count toward popularity", async () => {
    const month = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));
    const drawingVault = cat.appIds[3]!;
    await t.service.program.prisma.usageMonth.create({ data: { appId: drawingVault, month, activeCustomers: 10_000, installs: 0, uninstalls: 0, pushCalls: 0n, pullCalls: 0n } });
    expect((await quokka({ sort: "POPULARITY" })).at(-1)).toBe("Drawing Vault");
    await t.service.program.prisma.usageMonth.delete({ where: { appId_month: { appId: drawingVault, month } } });
  });
});

describe("paging", () => {
  for (const sort of ["NAME", "NEWEST", "POPULARITY", "RELEVANCE"] as const) {
    it(`${sort}: pages of 2 forward and backward give the one-page order, each listing once`, async () => {
      const search = sort === "RELEVANCE" ? "quokka ledger or quokka" : "quokka";
      const whole = await names({ search, sort });
      const forward: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const r: any = await t.gql(PAGE, { search, sort, first: 2, after });
        expect(r.errors).toBeUndefined();
        const c = r.data.listings;
        forward.push(...c.edges.map((e: any) => e.node.content.name));
        expect(c.pageInfo.hasPreviousPage).toBe(after !== null);
        expect(c.totalCount).toBe(whole.length);
        pages++;
        if (!c.pageInfo.hasNextPage) break;
        after = c.pageInfo.endCursor;
      }
      expect(forward).toEqual(whole);
      expect(pages).toBe(Math.ceil(whole.length / 2));
      const backward: string[] = [];
      let before: string | null = null;
      for (;;) {
        const r: any = await t.gql(PAGE, { search, sort, last: 3, before });
        const c = r.data.listings;
        backward.unshift(...c.edges.map((e: any) => e.node.content.name));
        if (!c.pageInfo.hasPreviousPage) break;
        before = c.pageInfo.startCursor;
      }
      expect(backward).toEqual(whole);
    });
  }

  it("page size: at most 100, a clear error above; 0 gives counts only", async () => {
    // The connection refuses it; the server's request limits may refuse it first, as a 400.
    for (const vars of [{ first: 101 }, { last: 500 }]) {
      const over = await t.gql(PAGE, vars);
      expect(over.status).toBeLessThan(500);
      expect(over.data ?? null).toBeNull();
      expect(["BAD_USER_INPUT", "PAGE_SIZE_LIMIT"]).toContain(over.errors?.[0]?.extensions?.code);
      expect(over.errors?.[0]?.message).toMatch(/(first|last).*100/);
    }
    expect((await t.gql(PAGE, { first: -1 })).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await t.gql(PAGE, { first: 100 })).errors).toBeUndefined();
    const zero = await t.gql(PAGE, { search: "quokka", first: 0 });
    expect(zero.data.listings.edges).toEqual([]);
    expect(zero.data.listings.totalCount).toBe(PUBLIC.length);
    expect(zero.data.listings.pageInfo.hasNextPage).toBe(true);
  });

  it("the default page is 20", async () => {
    const r = await t.gql(`{ listings { edges { node { id } } } }`);
    expect(r.data.listings.edges).toHaveLength(PUBLIC.length + 2); // under 20: everything shown
  });

  it("first goes with after, last with before", async () => {
    const cursor = (await t.gql(PAGE, { first: 1 })).data.listings.pageInfo.endCursor;
    for (const vars of [{ first: 2, before: cursor }, { last: 2, after: cursor }, { first: 2, after: cursor, before: cursor }]) {
      expect((await t.gql(PAGE, vars)).errors?.[0]?.extensions?.code, JSON.stringify(vars)).toBe("BAD_USER_INPUT");
    }
  });

  it("a cursor that is not one of ours is a typed error", async () => {
    for (const after of ["xyz", Buffer.from("GPC:S:not-a-uuid").toString("base64"), Buffer.from(`GPC:S:${"0".repeat(8)}-0000-0000-0000-000000000000`).toString("base64")]) {
      const r = await t.gql(PAGE, { first: 2, after });
      expect(r.errors?.[0]?.extensions?.code, after).toBe("BAD_USER_INPUT");
    }
  });
});

describe("facets", () => {
  const FACETS = `query($search: String, $filter: ListingFilter, $marketplace: Marketplace) {
    listings(search: $search, filter: $filter, marketplace: $marketplace, first: 0) {
      totalCount
      facets { categories { slug name count } tiers { tier name count } dataFlows { dataFlow count } dataConnector { dataConnector count } }
    }
  }`;
  const facets = async (vars: Record<string, unknown>, token?: string) => {
    const r = await t.gql(FACETS, vars, token);
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    const f = r.data.listings.facets;
    const counts = (list: any[], key: string) => Object.fromEntries(list.filter((x) => x.count > 0).map((x) => [x[key], x.count]));
    return {
      total: r.data.listings.totalCount,
      raw: f,
      categories: counts(f.categories, "slug"),
      tiers: counts(f.tiers, "tier"),
      flows: counts(f.dataFlows, "dataFlow"),
      connector: counts(f.dataConnector, "dataConnector"),
    };
  };

  it("count every value for the current search, zero counts included", async () => {
    const f = await facets({ search: "quokka" });
    expect(f.total).toBe(7);
    expect(f.categories).toEqual({ accounting: 3, erp: 1, field: 1, scheduling: 1, documents: 1, bim: 1, "quality-safety": 1, estimating: 1, analytics: 1 });
    expect(f.raw.categories).toHaveLength(10);
    expect(f.raw.categories.find((c: any) => c.slug === "accounting")).toEqual({ slug: "accounting", name: "Accounting", count: 3 });
    expect(f.raw.categories.find((c: any) => c.slug === "project-management").count).toBe(0);
    expect(f.raw.tiers.map((x: any) => [x.tier, x.name])).toEqual([["FOUNDATION", "Foundation"], ["SELECT", "Select"], ["ELITE", "Elite"], ["PREMIER", "Premier"]]);
    expect(f.tiers).toEqual({ FOUNDATION: 2, SELECT: 2, ELITE: 2, PREMIER: 1 });
    expect(f.flows).toEqual({ PUSH: 3, PULL: 2, BIDIRECTIONAL: 2 });
    expect(f.raw.dataFlows.map((x: any) => x.dataFlow)).toEqual(["PUSH", "PULL", "BIDIRECTIONAL"]);
    expect(f.connector).toEqual({ true: 3, false: 4 });
  });

  it("each facet counts with the other filters, not its own", async () => {
    const f = await facets({ search: "quokka", filter: { categories: ["accounting"] } });
    expect(f.total).toBe(3);
    expect(f.categories).toEqual((await facets({ search: "quokka" })).categories);
    expect(f.tiers).toEqual({ FOUNDATION: 2, SELECT: 1 });
    expect(f.flows).toEqual({ PUSH: 1, PULL: 1, BIDIRECTIONAL: 1 });
    expect(f.connector).toEqual({ true: 1, false: 2 });

    const g = await facets({ search: "quokka", filter: { categories: ["accounting"], tiers: ["SELECT"] } });
    expect(g.total).toBe(1);
    expect(g.categories).toEqual({ accounting: 1, erp: 1, "quality-safety": 1 });
    expect(g.tiers).toEqual({ FOUNDATION: 2, SELECT: 1 });
    expect(g.flows).toEqual({ BIDIRECTIONAL: 1 });

    const h = await facets({ search: "quokka", filter: { dataFlows: ["PUSH"], dataConnector: false } });
    expect(h.total).toBe(2);
    expect(h.flows).toEqual({ PUSH: 2, PULL: 1, BIDIRECTIONAL: 1 });
    expect(h.connector).toEqual({ true: 1, false: 2 });
  });

  it("over the whole storefront without search text; nothing for a marketplace the viewer may not see", async () => {
    const all = await facets({});
    expect(all.total).toBe(PUBLIC.length + 2);
    expect(all.categories.analytics).toBe(2); // aardvark and Northwind Insights
    const fed = await facets({ marketplace: "FEDRAMP" });
    expect(fed.total).toBe(0);
    expect(Object.keys(fed.categories)).toEqual([]);
    expect(fed.raw.categories).toHaveLength(10);
    const cleared = await facets({ marketplace: "FEDRAMP" }, w.staffFedrampToken);
    expect(cleared.total).toBe(2);
    expect(cleared.categories).toEqual({ analytics: 1, accounting: 1 });
  });
});

describe("bad input is a sensible result or a typed error, never a 500", () => {
  it("empty or blank search is no search", async () => {
    const all = await names({});
    expect(await names({ search: "" })).toEqual(all);
    expect(await names({ search: "   \n\t " })).toEqual(all);
    expect(await names({ search: "!!! & | ( ) <-> :*" })).toEqual(all);
  });

  it("SQL and tsquery special characters are only text", async () => {
    for (const search of [`'; DROP TABLE "Listing"; --`, `ledger' OR '1'='1`, `ledger & | ! ( ) :* <-> \\ "`, `"unbalanced ledger`, `ledger:*`, "led\u0000ger", "\ud800ledger", `$1 $$ ::text`]) {
      const r = await t.gql(PAGE, { search, first: 5 });
      expect(r.status, search).toBe(200);
      expect(r.errors, `${search}: ${JSON.stringify(r.errors)}`).toBeUndefined();
    }
    expect((await names({ search: `ledger' OR '1'='1` })).length).toBeLessThan(3);
    expect(await t.service.program.prisma.listing.count()).toBeGreaterThan(10);
  });

  it("a search of stop words only finds nothing", async () => {
    expect(await names({ search: "the and of" })).toEqual([]);
  });

  it("100 KB of search text is refused by name", async () => {
    const r = await t.gql(PAGE, { search: "ledger ".repeat(15_000), first: 5 });
    expect(r.status).toBe(200);
    expect(r.data).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(r.errors?.[0]?.message).toMatch(/search: at most 200 characters/);
    expect((await t.gql(PAGE, { search: "x".repeat(201) })).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await t.gql(PAGE, { search: "x".repeat(200) })).errors).toBeUndefined();
  });

  it("an unknown category is named in the error; a malformed one too", async () => {
    const r = await t.gql(PAGE, { filter: { categories: ["accounting", "no-such-thing"] } });
    expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(r.errors?.[0]?.message).toMatch(/filter.categories: no such category: no-such-thing/);
    const bad = await t.gql(PAGE, { filter: { categories: ["Accounting & Co", "x".repeat(5000)] } });
    expect(bad.errors?.[0]?.extensions?.problems).toEqual([expect.objectContaining({ field: "filter.categories" })]);
    expect((await t.gql(PAGE, { filter: { tiers: ["select;--"] } })).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await t.gql(PAGE, { filter: { categories: Array.from({ length: 51 }, (_, i) => `c${i}`) } })).errors?.[0]?.message).toMatch(/at most 50 values/);
  });

  it("an unknown tier key or an enum value outside the schema", async () => {
    expect(await quokka({ filter: { tiers: ["PLATINUM"] } })).toEqual([]);
    const r = await t.gql(PAGE, { filter: { dataFlows: ["SIDEWAYS"] } });
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.message).toMatch(/SIDEWAYS/);
  });
});

describe("the listing page", () => {
  const DETAIL = `query($id: ID!) {
    listing(id: $id) {
      id state marketplace firstLiveAt contentUpdatedAt recentlyUpdated installAllowed
      content { name tagline summary howItWorks features screenshots videoUrl contactKind learnMoreUrl websiteUrl categories { slug name } }
      partner { id name slug tier tierBadge { tier name rank } }
      app { name kind dataFlow }
    }
  }`;
  const detail = async (i: number, token?: string) => {
    const r = await t.gql(DETAIL, { id: globalId("Listing", cat.listingIds[i]!) }, token);
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data.listing;
  };

  it("shows content, media, contact option, partner with tier badge, data flow, install and freshness", async () => {
    const ladder = (await t.gql(`{ programPolicy { tiers { key rank } } }`)).data.programPolicy.tiers;
    const l = await detail(0);
    expect(l).toMatchObject({
      state: "LIVE", marketplace: "COMMERCIAL", recentlyUpdated: true, installAllowed: true,
      content: {
        name: "Ledger Link", tagline: "Accounting sync for builders", features: ["Invoice sync"], screenshots: ["https://img.example/ledger-1.png"],
        videoUrl: "https://video.example/ledger", contactKind: "CONTACT_FORM", categories: [{ slug: "accounting", name: "Accounting" }, { slug: "erp", name: "ERP" }],
      },
      partner: { tier: "SELECT", tierBadge: { tier: "SELECT", name: "Select", rank: ladder.find((x: any) => x.key === "SELECT").rank } },
      app: { kind: "DATA_CONNECTOR", dataFlow: "BIDIRECTIONAL" },
    });
    expect(new Date(l.contentUpdatedAt).getTime()).toBe(ago(10).getTime());
    expect((await detail(1)).content).toMatchObject({ contactKind: "LEARN_MORE_LINK", learnMoreUrl: "https://example.com/more" });
  });

  it("recently updated: live content approved within 30 days, a launch or an update", async () => {
    expect((await detail(2)).recentlyUpdated).toBe(true); // launched 5 days ago
    expect((await detail(3)).recentlyUpdated).toBe(false); // 300 days
    const updated = await detail(5); // launched 50 days ago, updated 3 days ago
    expect(updated.recentlyUpdated).toBe(true);
    expect(new Date(updated.contentUpdatedAt).getTime()).toBe(ago(3).getTime());
  });

  it("an at-risk listing is shown and installable", async () => {
    expect(await detail(4)).toMatchObject({ state: "AT_RISK", installAllowed: true });
  });

  it("R-LIST-6: a draft, a delisted or an uncleared FedRAMP listing reads as missing; node(id) agrees", async () => {
    for (const i of [7, 8, 9]) expect(await detail(i)).toBeNull();
    expect(await detail(9, w.staffFedrampToken)).toMatchObject({ marketplace: "FEDRAMP", installAllowed: true });
    expect((await detail(8, w.staffToken)).installAllowed).toBe(false);
    const node = await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: globalId("Listing", cat.listingIds[7]!) });
    expect(node.data.node).toBeNull();
  });

  it("a Listing id of nothing is simply not found; an id of another type, or no id at all, is BAD_USER_INPUT", async () => {
    const missing = await t.gql(`query($id: ID!) { listing(id: $id) { id } }`, { id: globalId("Listing", "nope") });
    expect(missing.errors).toBeUndefined();
    expect(missing.data.listing).toBeNull();
    for (const id of [globalId("Partner", w.partners.northwind.id), "not-an-id"]) {
      const r = await t.gql(`query($id: ID!) { listing(id: $id) { id } }`, { id });
      expect(r.status, id).toBe(200);
      expect(r.errors?.[0]?.extensions?.code, id).toBe("BAD_USER_INPUT");
      expect(r.data?.listing ?? null).toBeNull();
    }
  });

  it("the card fields on the listings page match the listing page", async () => {
    const r = await t.gql(`{ listings(search: "ledger link", first: 1) { edges { node { id installAllowed recentlyUpdated partner { tierBadge { name } } } } } }`);
    expect(r.data.listings.edges[0].node).toEqual({ id: globalId("Listing", cat.listingIds[0]!), installAllowed: true, recentlyUpdated: true, partner: { tierBadge: { name: "Select" } } });
  });
});

describe("backwards compatible", () => {
  it("listings(first:) and listings(marketplace: FEDRAMP, first:) still answer as before", async () => {
    const r = await t.gql(`{ listings(first: 2) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } fed: listings(marketplace: FEDRAMP, first: 5) { edges { node { id } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.listings.edges).toHaveLength(2);
    expect(r.data.listings.pageInfo.hasNextPage).toBe(true);
    expect(r.data.fed.edges).toEqual([]);
  });
});
