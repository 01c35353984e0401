// No N+1, ever: a listings page costs the same few SQL statements whatever its size and whatever
// it nests (partner, tier badge, categories, app). Counted from Prisma's query events. And the
// storefront's statements are planned once per connection.
import { afterAll, beforeAll, expect, it } from "vitest";
import { freshDatabase, startTestService, type TestService } from "../support/harness.js";
import { checkStorefrontQuery } from "../../src/domain/storefront.js";
import { storefrontPage } from "../../src/program/storefront.js";
import type { Viewer } from "../../src/auth/viewer.js";
import { generatedSpecs, insertCatalogue } from "../support/catalogue.js";
import { loadDemoWorld } from "../support/world.js";

let t: TestService;
let recording = false;
const statements: string[] = [];

beforeAll(async () => {
  t = await startTestService({
    // Every request computed: the response cache would answer repeats with no statement at all.
    env: { STOREFRONT_CACHE_MS: "0" },
    log: (e) => {
      // The event feed's own polling is not part of a request.
      if (recording && !/FROM "public"\."Event"/.test(e.query)) statements.push(e.query);
    },
  });
  await loadDemoWorld(t);
  await insertCatalogue(t.service.program.prisma, generatedSpecs(120), t.service.program.today());
});
afterAll(() => t?.close());

const PAGE = `query($first: Int!, $after: String, $search: String, $filter: ListingFilter, $sort: ListingSort) {
  listings(first: $first, after: $after, search: $search, filter: $filter, sort: $sort) {
    edges { cursor node {
      id state marketplace installAllowed recentlyUpdated contentUpdatedAt
      content { name tagline screenshots categories { slug name } }
      partner { id name slug tier tierBadge { tier name rank } }
      app { id name kind dataFlow }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

async function count(vars: Record<string, unknown>): Promise<{ n: number; edges: number; sql: string[] }> {
  statements.length = 0;
  recording = true;
  const r = await t.gql(PAGE, vars);
  recording = false;
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return { n: statements.length, edges: r.data.listings.edges.length, sql: [...statements] };
}

it("a page of 5 and a page of 100, with partner, tier, categories and app nested, cost the same small number of statements", async () => {
  const five = await count({ first: 5 });
  const hundred = await count({ first: 100 });
  expect(five.edges).toBe(5);
  expect(hundred.edges).toBe(100);
  // One statement: the page's ids (a MATERIALIZED CTE), then every card column with the categories and this year's tier badge.
  expect(five.n, five.sql.join("\n")).toBe(1);
  expect(hundred.n, hundred.sql.join("\n")).toBe(five.n);
});

it("the same holds for a second page, a search with filters and every sort", async () => {
  const first = await count({ first: 5 });
  const after = (await t.gql(PAGE, { first: 5 })).data.listings.pageInfo.endCursor;
  expect((await count({ first: 100, after })).n).toBe(first.n);
  for (const sort of ["RELEVANCE", "NAME", "NEWEST", "POPULARITY"]) {
    const small = await count({ first: 5, search: "budget or invoice", filter: { dataFlows: ["PUSH", "PULL"], tiers: ["FOUNDATION", "SELECT"] }, sort });
    const large = await count({ first: 100, search: "budget or invoice", filter: { dataFlows: ["PUSH", "PULL"], tiers: ["FOUNDATION", "SELECT"] }, sort });
    expect(small.edges).toBeGreaterThan(0);
    expect(large.n, `${sort}\n${large.sql.join("\n")}`).toBe(small.n);
    expect(small.n).toBe(1);
  }
});

it("a page with its total and facets is one statement (the matches found once for both), whatever the page size", async () => {
  const q = `query($first: Int!) { listings(first: $first) { totalCount facets { categories { slug count } tiers { tier count } } edges { node { id partner { name } } } } }`;
  const run = async (first: number) => {
    statements.length = 0;
    recording = true;
    const r = await t.gql(q, { first });
    recording = false;
    expect(r.errors).toBeUndefined();
    return statements.length;
  };
  expect(await run(5)).toBe(1);
  expect(await run(100)).toBe(1);
});

it("a total without facets adds one statement", async () => {
  statements.length = 0;
  recording = true;
  const r = await t.gql(`{ listings(first: 5, search: "sync") { totalCount edges { node { id } } } }`);
  recording = false;
  expect(r.errors).toBeUndefined();
  expect(statements.length).toBe(2);
});

it("a query asking more of a listing than a card holds reads through Prisma, still a constant number of statements", async () => {
  const q = `query($first: Int!) { listings(first: $first) { edges { node { id pendingRevision { id } content { name reviewNotes } partner { name tierBadge { name } } } } } }`;
  const run = async (first: number) => {
    statements.length = 0;
    recording = true;
    const r = await t.gql(q, { first });
    recording = false;
    expect(r.errors).toBeUndefined();
    expect(r.data.listings.edges).toHaveLength(first);
    return statements.length;
  };
  const five = await run(5);
  expect(await run(100)).toBe(five);
  expect(five).toBeLessThanOrEqual(6);
});

it("the storefront's statements are planned once per connection (a generic plan, reused), and Prisma's are not forced to", async () => {
  // One connection, so that the session asked is the one that ran the statements.
  const { db, drop } = await freshDatabase({ poolSize: 1 });
  try {
    const checked = checkStorefrontQuery({ first: 20, sort: "NEWEST" });
    if (!checked.ok) throw new Error("bad query");
    for (let i = 0; i < 8; i++) await storefrontPage(db.sql, { kind: "public" } as Viewer, "COMMERCIAL", checked.query, { direction: "forward", cursor: null }, new Date());
    const plans = await db.sql.query<{ name: string; generic: number; custom: number }>(
      { name: "test_plans", text: `SELECT name, generic_plans::int AS "generic", custom_plans::int AS "custom" FROM pg_prepared_statements WHERE name LIKE 'storefront_%'` }, []);
    expect(plans).toHaveLength(1);
    // Left to PostgreSQL, this page's statement is planned anew on every call (8 custom plans).
    expect(plans[0]).toMatchObject({ generic: 8, custom: 0 });
    // Prisma's session (the same one on PGlite) plans as PostgreSQL chooses.
    const [mode] = await db.prisma.$queryRawUnsafe<{ plan_cache_mode: string }[]>("SHOW plan_cache_mode");
    expect(mode!.plan_cache_mode).toBe("auto");
  } finally {
    await drop();
  }
});
