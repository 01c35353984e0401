// The storefront's hand-written read path (program/storefront.ts: one statement per page, one for
// totalCount and facets) against a reference computed here from the normalized tables read through
// Prisma: every sort, search, each filter, both paging directions, the counts and the facets, on a
// generated catalogue of a few hundred listings in every state on both marketplaces, for the public,
// an uncleared partner and a FedRAMP-cleared viewer (R-LIST-6). The reference takes from SQL only
// what JavaScript cannot recompute faithfully: which listings a text search matches with its rank
// (PostgreSQL's full-text search), and the database collation's order of names.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { popularityWindow } from "../../src/domain/storefront.js";
import { publicViewer } from "../../src/auth/viewer.js";
import { openDatabase } from "../../src/db/database.js";
import { storefrontPage } from "../../src/program/storefront.js";
import { checkStorefrontQuery } from "../../src/domain/storefront.js";
import { onPostgres, startTestService, type TestService } from "../support/harness.js";
import { generatedSpecs, insertCatalogue, type ListingSpec } from "../support/catalogue.js";
import { loadDemoWorld, type DemoWorld } from "../support/world.js";

let t: TestService;
let w: DemoWorld;

interface Ref {
  id: string; gid: string; marketplace: string; state: string; name: string; nameOrder: number; firstLiveAt: number;
  categories: string[]; tier: string; partner: string; dataFlow: string; connector: boolean; customers: number;
}
let refs: Ref[] = [];
let categorySlugs: string[] = [];

const SHOWN = ["LIVE", "AT_RISK"];

beforeAll(async () => {
  t = await startTestService({ env: { STOREFRONT_CACHE_MS: "0" } });
  w = await loadDemoWorld(t);
  const today = t.service.program.today();
  // Every state and both marketplaces among 300 generated listings.
  const specs: ListingSpec[] = generatedSpecs(300, { seed: 7 }).map((s, i) => ({
    ...s,
    marketplace: i % 5 === 0 ? "FEDRAMP" : "COMMERCIAL",
    state: i % 11 === 0 ? "DRAFT" : i % 13 === 0 ? "DELISTED" : s.state,
  }));
  await insertCatalogue(t.service.program.prisma, specs, today);

  const prisma = t.service.program.prisma;
  const listings = await prisma.listing.findMany({
    include: { liveRevision: { include: { categories: { include: { category: true } } } }, partner: true, app: true },
  });
  const names = await prisma.$queryRawUnsafe<{ id: string; k: bigint | number }[]>(
    `SELECT l."id"::text AS "id", dense_rank() OVER (ORDER BY lower(r."name")) AS "k" FROM "Listing" l JOIN "ListingRevision" r ON r."id" = l."liveRevisionId"`,
  );
  const nameOrder = new Map(names.map((n) => [n.id, Number(n.k)]));
  const { from, to } = popularityWindow(today);
  const usage = await prisma.usageMonth.findMany({ where: { month: { gte: from, lt: to } } });
  const customers = new Map<string, number>();
  for (const u of usage) customers.set(u.appId, (customers.get(u.appId) ?? 0) + u.activeCustomers);
  refs = listings.filter((l) => l.liveRevision).map((l) => ({
    id: l.id,
    gid: Buffer.from(`Listing:${l.id}`).toString("base64"),
    marketplace: l.marketplace,
    state: l.state,
    name: l.liveRevision!.name,
    nameOrder: nameOrder.get(l.id)!,
    firstLiveAt: l.firstLiveAt?.getTime() ?? 0,
    categories: l.liveRevision!.categories.map((c) => c.category.slug).sort(),
    tier: l.partner.tierKey,
    partner: l.partner.name,
    dataFlow: l.app.dataFlow,
    connector: l.app.kind === "DATA_CONNECTOR",
    customers: customers.get(l.appId) ?? 0,
  }));
  categorySlugs = (await prisma.category.findMany()).map((c) => c.slug);
}, 120_000);
afterAll(() => t?.close());

interface Shape {
  search?: string;
  filter?: { categories?: string[]; tiers?: string[]; dataFlows?: string[]; dataConnector?: boolean };
  sort?: "RELEVANCE" | "NAME" | "NEWEST" | "POPULARITY";
  marketplace?: "COMMERCIAL" | "FEDRAMP";
}

/** What a text search matches, with PostgreSQL's rank: id → rank. */
async function matches(text: string): Promise<Map<string, number>> {
  const rows = await t.service.program.prisma.$queryRawUnsafe<{ id: string; rank: number }[]>(
    `SELECT l."id"::text AS "id", ts_rank(r."searchDocument", q."query")::float8 AS "rank"
       FROM "Listing" l JOIN "ListingRevision" r ON r."id" = l."liveRevisionId" CROSS JOIN websearch_to_tsquery('english', $1) AS q("query")
      WHERE r."searchDocument" @@ q."query"`,
    text,
  );
  return new Map(rows.map((r) => [r.id, Number(r.rank)]));
}

type Filter = NonNullable<Shape["filter"]>;
const passes = (r: Ref, f: Filter, except?: keyof Filter) =>
  (except === "categories" || !f.categories?.length || r.categories.some((c) => f.categories!.includes(c))) &&
  (except === "tiers" || !f.tiers?.length || f.tiers.includes(r.tier)) &&
  (except === "dataFlows" || !f.dataFlows?.length || f.dataFlows.includes(r.dataFlow)) &&
  (except === "dataConnector" || f.dataConnector === undefined || r.connector === f.dataConnector);

/** The reference answer: the shown listings in order, the total and the facet counts. */
async function reference(shape: Shape, cleared: boolean) {
  const marketplace = shape.marketplace ?? "COMMERCIAL";
  const found = shape.search ? await matches(shape.search) : null;
  const base = refs.filter((r) =>
    r.marketplace === marketplace && (marketplace === "COMMERCIAL" || cleared) && SHOWN.includes(r.state) && (!found || found.has(r.id)));
  const f = shape.filter ?? {};
  const byName = (a: Ref, b: Ref) => a.nameOrder - b.nameOrder || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const sort = shape.sort === "RELEVANCE" && !found ? "NAME" : (shape.sort ?? (found ? "RELEVANCE" : "NAME"));
  const order = {
    NAME: byName,
    NEWEST: (a: Ref, b: Ref) => b.firstLiveAt - a.firstLiveAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    POPULARITY: (a: Ref, b: Ref) => b.customers - a.customers || byName(a, b),
    RELEVANCE: (a: Ref, b: Ref) => found!.get(b.id)! - found!.get(a.id)! || byName(a, b),
  }[sort];
  const shown = base.filter((r) => passes(r, f)).sort(order);
  const count = <K extends string>(key: keyof Filter, values: (r: Ref) => K[]) => {
    const m: Record<string, number> = {};
    for (const r of base.filter((x) => passes(x, f, key))) for (const v of values(r)) m[v] = (m[v] ?? 0) + 1;
    return m;
  };
  return {
    ids: shown.map((r) => r.gid),
    total: shown.length,
    facets: {
      categories: Object.fromEntries(categorySlugs.map((s) => [s, count("categories", (r) => r.categories)[s] ?? 0])),
      tiers: count("tiers", (r) => [r.tier]),
      dataFlows: Object.fromEntries(["PUSH", "PULL", "BIDIRECTIONAL"].map((v) => [v, count("dataFlows", (r) => [r.dataFlow])[v] ?? 0])),
      dataConnector: Object.fromEntries(["true", "false"].map((v) => [v, count("dataConnector", (r) => [String(r.connector)])[v] ?? 0])),
    },
    byGid: new Map(shown.map((r) => [r.gid, r])),
  };
}

const CARD = `edges { cursor node { id state marketplace content { name categories { slug } } partner { name tier } app { dataFlow } } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;
const PAGE = `query($search: String, $filter: ListingFilter, $sort: ListingSort, $marketplace: Marketplace, $first: Int, $after: String, $last: Int, $before: String) {
  listings(search: $search, filter: $filter, sort: $sort, marketplace: $marketplace, first: $first, after: $after, last: $last, before: $before) { ${CARD} }
}`;
/** The same page with its total and facets: one statement reads the matches for both (storefrontPage with facets). */
const PAGE_WITH_FACETS = PAGE.replace(`{ ${CARD} }`, `{ totalCount facets { categories { slug count } } ${CARD} }`);
const SUMMARY = `query($search: String, $filter: ListingFilter, $marketplace: Marketplace) {
  listings(search: $search, filter: $filter, marketplace: $marketplace, first: 0) {
    totalCount
    facets { categories { slug count } tiers { tier count } dataFlows { dataFlow count } dataConnector { dataConnector count } }
  }
}`;

interface Node { id: string; state: string; marketplace: string; content: { name: string; categories: { slug: string }[] }; partner: { name: string; tier: string }; app: { dataFlow: string } }
interface Page { edges: { cursor: string; node: Node }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null } }

const SIZE = 17;

/** Every page forward (first/after), then every page backward (last/before) from the end. */
async function walk(shape: Shape, token: string | undefined, opts: { facets?: { total: number; categories: Record<string, number> } } = {}): Promise<{ forward: Node[]; backward: Node[] }> {
  const page = async (vars: Record<string, unknown>): Promise<Page> => {
    const r = await t.gql(opts.facets ? PAGE_WITH_FACETS : PAGE, { ...shape, ...vars }, token);
    expect(r.errors, JSON.stringify({ shape, vars, errors: r.errors })).toBeUndefined();
    if (opts.facets) {
      // The counts do not depend on the page: the same on every page, in both directions.
      expect(r.data.listings.totalCount).toBe(opts.facets.total);
      expect(Object.fromEntries(r.data.listings.facets.categories.map((c: { slug: string; count: number }) => [c.slug, c.count]))).toEqual(opts.facets.categories);
    }
    return r.data.listings as Page;
  };
  const forward: Node[] = [];
  let after: string | null = null;
  let lastCursor: string | null = null;
  for (;;) {
    const p = await page({ first: SIZE, after });
    forward.push(...p.edges.map((e) => e.node));
    if (p.edges.length) lastCursor = p.pageInfo.endCursor;
    if (!p.pageInfo.hasNextPage) break;
    after = p.pageInfo.endCursor;
  }
  // Backward from before the last listing; the last one itself is then put back at the end.
  const backward: Node[] = [];
  if (forward.length) {
    let before: string | null = lastCursor;
    for (;;) {
      const p = await page({ last: SIZE, before });
      backward.unshift(...p.edges.map((e) => e.node));
      if (!p.pageInfo.hasPreviousPage) break;
      before = p.pageInfo.startCursor;
    }
    backward.push(forward.at(-1)!);
  }
  return { forward, backward };
}

const SHAPES: Shape[] = [
  {},
  { sort: "NAME" },
  { sort: "NEWEST" },
  { sort: "POPULARITY" },
  { search: "budget" },
  { search: "budget forecast", sort: "RELEVANCE" },
  { search: "invoice or payroll", sort: "NEWEST" },
  { search: "crew -safety", sort: "POPULARITY" },
  { filter: { categories: ["accounting"] } },
  { filter: { categories: ["accounting", "erp", "estimating"] }, sort: "NEWEST" },
  { filter: { tiers: ["SELECT", "ELITE"] }, sort: "POPULARITY" },
  { filter: { dataFlows: ["PUSH", "BIDIRECTIONAL"] } },
  { filter: { dataConnector: true } },
  { filter: { dataConnector: false }, sort: "NEWEST" },
  { search: "budget forecast", filter: { categories: ["accounting", "erp", "estimating"], dataFlows: ["PUSH", "BIDIRECTIONAL"] } },
  { search: "schedule or drawing", filter: { tiers: ["FOUNDATION"], dataConnector: true }, sort: "NAME" },
  { marketplace: "FEDRAMP" },
  { marketplace: "FEDRAMP", search: "budget or cost", filter: { dataFlows: ["PULL"] }, sort: "POPULARITY" },
];

const viewers: { name: string; token: () => string | undefined; cleared: boolean }[] = [
  { name: "the public", token: () => undefined, cleared: false },
  { name: "an uncleared partner", token: () => w.partners.northwind.adminToken, cleared: false },
  { name: "a FedRAMP-cleared viewer", token: () => w.staffFedrampToken, cleared: true },
];

describe.each(viewers)("R-LIST-6: the read path agrees with the normalized data, for $name", ({ token, cleared }) => {
  it.each(SHAPES.map((s) => [JSON.stringify(s), s] as const))("pages forward and backward: %s", async (_label, shape) => {
    const ref = await reference(shape, cleared);
    // Every shape shows something, except FedRAMP to a viewer without clearance.
    if (shape.marketplace === "FEDRAMP" && !cleared) expect(ref.ids).toEqual([]);
    else expect(ref.ids.length).toBeGreaterThan(shape.search || shape.filter ? 1 : SIZE * 2);
    const { forward, backward } = await walk(shape, token());
    expect(forward.map((n) => n.id)).toEqual(ref.ids);
    expect(backward.map((n) => n.id)).toEqual(ref.ids);
    for (const n of forward) {
      const r = ref.byGid.get(n.id)!;
      expect(n).toEqual({
        id: r.gid, state: r.state, marketplace: r.marketplace,
        content: { name: r.name, categories: expect.arrayContaining(r.categories.map((slug) => ({ slug }))) },
        partner: { name: r.partner, tier: r.tier }, app: { dataFlow: r.dataFlow },
      });
      expect(n.content.categories).toHaveLength(r.categories.length);
    }
  });

  it.each(SHAPES.map((s) => [JSON.stringify(s), s] as const))("pages forward and backward with the total and facets read in the same statement: %s", async (_label, shape) => {
    const ref = await reference(shape, cleared);
    const { forward, backward } = await walk(shape, token(), { facets: { total: ref.total, categories: ref.facets.categories } });
    expect(forward.map((n) => n.id)).toEqual(ref.ids);
    expect(backward.map((n) => n.id)).toEqual(ref.ids);
  });

  it.each(SHAPES.filter((s) => !s.sort).map((s) => [JSON.stringify(s), s] as const))("totalCount and facets: %s", async (_label, shape) => {
    const ref = await reference(shape, cleared);
    const r = await t.gql(SUMMARY, { search: shape.search, filter: shape.filter, marketplace: shape.marketplace }, token());
    expect(r.errors).toBeUndefined();
    const got = r.data.listings;
    expect(got.totalCount).toBe(ref.total);
    const map = (list: { count: number }[], key: string) => Object.fromEntries(list.map((x) => [String((x as unknown as Record<string, unknown>)[key]), x.count]));
    expect(map(got.facets.categories, "slug")).toEqual(ref.facets.categories);
    expect(Object.fromEntries(Object.entries(map(got.facets.tiers, "tier")).filter(([, n]) => n > 0))).toEqual(ref.facets.tiers);
    expect(map(got.facets.dataFlows, "dataFlow")).toEqual(ref.facets.dataFlows);
    expect(map(got.facets.dataConnector, "dataConnector")).toEqual(ref.facets.dataConnector);
  });
});

describe("bad input stays the client's error, never a statement error", () => {
  const hostile = ["", " ", "!!!", "&|!<->():*", "' OR 1=1 --", "a & (b | !c) <-> d:*", "\u0000", "budget\u0000forecast", "\ud800budget", "budget\udfff", "\\", "$1", "x".repeat(10_240)];
  it.each(hostile.map((s) => [JSON.stringify(s.slice(0, 20)) + (s.length > 20 ? `… (${s.length})` : ""), s] as const))(
    "search %s answers or is BAD_USER_INPUT naming search", async (_label, search) => {
      for (const query of [PAGE, SUMMARY]) {
        const r = await t.gql(query, { search, first: 5 });
        expect(r.status).toBe(200);
        if (r.errors) {
          expect(r.errors[0]!.extensions?.code, JSON.stringify(r.errors)).toBe("BAD_USER_INPUT");
          expect(r.errors[0]!.message).toMatch(/^search: /);
        } else {
          expect(Array.isArray(r.data.listings.edges ?? [])).toBe(true);
        }
      }
    });

  it("bad cursors and sorts are BAD_USER_INPUT naming the argument", async () => {
    for (const [vars, field] of [
      [{ first: 5, after: "not-a-cursor" }, "after"],
      [{ last: 5, before: Buffer.from("GPC:S:00000000-0000-0000-0000-000000000000").toString("base64") }, "before"],
      [{ first: 5, after: Buffer.from("GPC:S:'; DROP TABLE \"Listing\" --").toString("base64") }, "after"],
    ] as const) {
      const r = await t.gql(PAGE, vars);
      expect(r.errors?.[0]?.extensions?.code, JSON.stringify(vars)).toBe("BAD_USER_INPUT");
      expect(r.errors?.[0]?.message).toMatch(new RegExp(`^${field}: `));
    }
    const sort = await t.gql(PAGE, { first: 5, sort: "CHEAPEST" });
    expect(sort.status).toBe(400);
    expect(sort.errors?.[0]?.message).toMatch(/CHEAPEST/);
  });
});

describe.runIf(onPostgres)("prepared statements (PostgreSQL)", () => {
  const prepared = async (preparedStatements: boolean) => {
    // One connection, so the session that ran the page is the one asked what it has prepared.
    const db = await openDatabase({ databaseUrl: t.tdb.url!, poolSize: 1, preparedStatements });
    try {
      const checked = checkStorefrontQuery({ search: "budget", first: 5 });
      if (!checked.ok) throw new Error("bad query");
      const page = { direction: "forward", cursor: null } as const;
      const a = await storefrontPage(db.sql, publicViewer, "COMMERCIAL", checked.query, page, t.service.program.today());
      const b = await storefrontPage(db.sql, publicViewer, "COMMERCIAL", checked.query, page, t.service.program.today());
      expect(b.cards.map((c) => c.id)).toEqual(a.cards.map((c) => c.id));
      return (await db.sql.query<{ name: string }>({ name: "", text: "SELECT name FROM pg_prepared_statements" }, [])).map((r) => r.name);
    } finally {
      await db.close();
    }
  };

  it("the page statement is prepared under its name once per connection; PREPARED_STATEMENTS=false prepares nothing (PgBouncer transaction mode)", async () => {
    expect((await prepared(true)).filter((n) => n.startsWith("storefront_"))).toHaveLength(1);
    expect(await prepared(false)).toEqual([]);
  });
});
