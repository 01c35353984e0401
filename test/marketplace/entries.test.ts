// StorefrontEntry, the search's narrow copy of each listing with a live revision (migration
// storefront_entries), kept by triggers in the transaction of every change to what it copies
// (R-LIST-6, R-EVT-1). After each kind of change, by any writer, every entry equals the same row
// recomputed from the normalized tables, and a search through the API sees the change. On
// PostgreSQL, two transactions changing one listing's entry at once both land.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres, startTestService, type TestService } from "../support/harness.js";
import { insertCatalogue, type Catalogue } from "../support/catalogue.js";
import { globalId } from "../support/world.js";

let t: TestService;
let cat: Catalogue;

const prisma = () => t.service.program.prisma;
const exec = (sql: string, ...values: unknown[]) => prisma().$executeRawUnsafe(sql, ...values);

const COLUMNS = (e: { listing: string; revision: string; marketplace: string; state: string; app: string; firstLiveAt: string; tier: string; flow: string; kind: string; categories: string; name: string; doc: string }) =>
  `${e.listing}::text AS "listingId", ${e.revision}::text AS "revisionId", ${e.marketplace}::text AS "marketplace", ${e.state}::text AS "state",
   ${e.app}::text AS "appId", ${e.firstLiveAt} AS "firstLiveAt", ${e.tier} AS "tierKey", ${e.flow}::text AS "dataFlow", ${e.kind}::text AS "kind",
   ${e.categories} AS "categoryIds", ${e.name} AS "name", ${e.doc}::text AS "searchDocument"`;
const STORED = `SELECT ${COLUMNS({
  listing: `e."listingId"`, revision: `e."revisionId"`, marketplace: `e."marketplace"`, state: `e."state"`, app: `e."appId"`, firstLiveAt: `e."firstLiveAt"`,
  tier: `e."tierKey"`, flow: `e."dataFlow"`, kind: `e."kind"`, categories: `ARRAY(SELECT x::text FROM unnest(e."categoryIds") x ORDER BY 1)`, name: `e."name"`, doc: `e."searchDocument"`,
})} FROM "StorefrontEntry" e ORDER BY 1`;
const RECOMPUTED = `SELECT ${COLUMNS({
  listing: `l."id"`, revision: `r."id"`, marketplace: `l."marketplace"`, state: `l."state"`, app: `l."appId"`, firstLiveAt: `l."firstLiveAt"`,
  tier: `p."tierKey"`, flow: `a."dataFlow"`, kind: `a."kind"`,
  categories: `ARRAY(SELECT lc."categoryId"::text FROM "ListingRevisionCategory" lc WHERE lc."revisionId" = r."id" ORDER BY 1)`, name: `r."name"`, doc: `r."searchDocument"`,
})} FROM "Listing" l JOIN "ListingRevision" r ON r."id" = l."liveRevisionId" JOIN "App" a ON a."id" = l."appId" JOIN "Partner" p ON p."id" = l."partnerId" ORDER BY 1`;

async function expectEntriesCurrent() {
  const [stored, recomputed] = [await prisma().$queryRawUnsafe<unknown[]>(STORED), await prisma().$queryRawUnsafe<unknown[]>(RECOMPUTED)];
  expect(recomputed.length).toBeGreaterThan(0);
  expect(stored).toEqual(recomputed);
}

const search = async (text: string, filter: Record<string, unknown> = {}) => {
  const r = await t.gql<{ listings: { totalCount: number; edges: { node: { id: string; content: { name: string } } }[] } }>(
    `query($s: String, $f: ListingFilter) { listings(search: $s, filter: $f, first: 50) { totalCount edges { node { id content { name } } } } }`, { s: text, f: filter });
  expect(r.errors).toBeUndefined();
  return r.data!.listings;
};

beforeAll(async () => {
  t = await startTestService({ env: { STOREFRONT_CACHE_MS: "0" } });
  cat = await insertCatalogue(prisma(), [
    { name: "Entry Alpha", summary: "Quarry ledgers for masons.", categories: ["accounting"], partner: "entry-co", tier: "SELECT", dataFlow: "PUSH", kind: "OTHER" },
    { name: "Entry Beta", summary: "Quarry schedules for masons.", categories: ["scheduling", "erp"], partner: "entry-co", tier: "SELECT", dataFlow: "PULL", kind: "DATA_CONNECTOR" },
    { name: "Entry Gamma", summary: "Quarry photos for masons.", categories: ["estimating"], partner: "gamma-co", tier: "FOUNDATION", dataFlow: "BIDIRECTIONAL" },
    { name: "Entry Draft", summary: "Quarry drafts for masons.", state: "DRAFT" },
  ], t.service.program.today());
});
afterAll(async () => {
  await t?.close();
});

describe("StorefrontEntry, kept by triggers", () => {
  it("R-LIST-6: a catalogue written straight into the tables has one entry per listing with a live revision, equal to the normalized rows", async () => {
    await expectEntriesCurrent();
    const draft = await prisma().$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "StorefrontEntry" WHERE "listingId" = $1::uuid`, cat.listingIds[3]);
    expect(draft[0]!.n).toBe(0);
    expect((await search("quarry masons")).totalCount).toBe(3);
  });

  it("R-LIST-6: a partner's tier, an app's data flow and kind, a live revision's categories and text: each change reaches the entry and the search", async () => {
    const [alpha, beta] = cat.listingIds;
    await exec(`UPDATE "Partner" SET "tierKey" = 'ELITE' WHERE "slug" = 'entry-co'`);
    await expectEntriesCurrent();
    expect((await search("quarry", { tiers: ["ELITE"] })).totalCount).toBe(2);

    await exec(`UPDATE "App" SET "dataFlow" = 'BIDIRECTIONAL', "kind" = 'DATA_CONNECTOR' WHERE "id" = (SELECT "appId" FROM "Listing" WHERE "id" = $1::uuid)`, alpha);
    await expectEntriesCurrent();
    expect((await search("quarry", { dataFlows: ["BIDIRECTIONAL"], dataConnector: true })).edges.map((e) => e.node.content.name).sort()).toEqual(["Entry Alpha"]);

    const live = `(SELECT "liveRevisionId" FROM "Listing" WHERE "id" = $1::uuid)`;
    await exec(`DELETE FROM "ListingRevisionCategory" WHERE "revisionId" = ${live}`, beta);
    await exec(`INSERT INTO "ListingRevisionCategory" ("revisionId", "categoryId") SELECT ${live}, c."id" FROM "Category" c WHERE c."slug" = 'accounting'`, beta);
    await expectEntriesCurrent();
    expect((await search("quarry", { categories: ["accounting"] })).totalCount).toBe(2);
    expect((await search("quarry", { categories: ["scheduling"] })).totalCount).toBe(0);

    await exec(`UPDATE "ListingRevision" SET "name" = 'Entry Renamed', "summary" = 'Granite ledgers.' WHERE "id" = ${live}`, alpha);
    await expectEntriesCurrent();
    expect((await search("granite")).edges.map((e) => e.node.content.name)).toEqual(["Entry Renamed"]);
    expect((await search("quarry")).totalCount).toBe(2);
  });

  it("R-LIST-6: a new live revision, a state change and a listing going live for the first time reach the entries", async () => {
    const [, beta, gamma, draft] = cat.listingIds;
    // Beta gets a new approved revision with other text and categories.
    await exec(`INSERT INTO "ListingRevision" ("listingId", "number", "status", "name", "tagline", "summary", "contactKind", "createdById")
      VALUES ($1::uuid, 99, 'APPROVED', 'Entry Beta Two', 'New', 'Basalt planning.', 'CONTACT_FORM', gen_random_uuid())`, beta);
    await exec(`INSERT INTO "ListingRevisionCategory" ("revisionId", "categoryId")
      SELECT r."id", c."id" FROM "ListingRevision" r, "Category" c WHERE r."listingId" = $1::uuid AND r."number" = 99 AND c."slug" = 'erp'`, beta);
    await exec(`UPDATE "Listing" SET "liveRevisionId" = (SELECT "id" FROM "ListingRevision" WHERE "listingId" = $1::uuid AND "number" = 99) WHERE "id" = $1::uuid`, beta);
    await expectEntriesCurrent();
    expect((await search("basalt", { categories: ["erp"] })).edges.map((e) => e.node.content.name)).toEqual(["Entry Beta Two"]);
    // Gamma is delisted: its entry stays (with the state), the search no longer shows it.
    await exec(`UPDATE "Listing" SET "state" = 'DELISTED', "delistReason" = 'STAFF_DECISION' WHERE "id" = $1::uuid`, gamma);
    await expectEntriesCurrent();
    expect((await search("photos")).totalCount).toBe(0);
    // The draft goes live with its first revision.
    await exec(`UPDATE "Listing" SET "state" = 'LIVE', "firstLiveAt" = now(), "liveRevisionId" = (SELECT "id" FROM "ListingRevision" WHERE "listingId" = $1::uuid ORDER BY "number" LIMIT 1) WHERE "id" = $1::uuid`, draft);
    await expectEntriesCurrent();
    expect((await search("drafts masons")).edges.map((e) => e.node.id)).toEqual([globalId("Listing", draft!)]);
  });

  it.runIf(onPostgres)("R-LIST-6: two transactions changing one listing's entry at once (its partner's tier, its state) both land, whichever commits first", async () => {
    const [alpha] = cat.listingIds;
    const a = new pg.Client({ connectionString: t.tdb.url });
    const b = new pg.Client({ connectionString: t.tdb.url });
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.query("BEGIN");
      await a.query(`UPDATE "Partner" SET "tierKey" = 'PREMIER' WHERE "slug" = 'entry-co'`);
      await b.query("BEGIN");
      // Waits for a's lock on the listing: its entry is then computed from what a committed.
      const bUpdate = b.query(`UPDATE "Listing" SET "state" = 'AT_RISK', "atRiskSince" = now(), "atRiskDeadline" = now() + interval '30 days' WHERE "id" = $1::uuid`, [alpha]);
      await new Promise((r) => setTimeout(r, 300));
      await a.query("COMMIT");
      await bUpdate;
      await b.query("COMMIT");
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
    await expectEntriesCurrent();
    const [entry] = await prisma().$queryRawUnsafe<{ tierKey: string; state: string }[]>(`SELECT "tierKey", "state"::text FROM "StorefrontEntry" WHERE "listingId" = $1::uuid`, alpha);
    expect(entry).toEqual({ tierKey: "PREMIER", state: "AT_RISK" });
  });
});
