// The storefront's response cache on one instance: public reads are answered without the database
// once cached; authenticated answers are never cached or shared; a committed listing change drops
// exactly the answers it touches (R-LIST-6). Counted from Prisma's query events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";
import { insertCatalogue, type Catalogue } from "../support/catalogue.js";
import { globalId, loadDemoWorld, type DemoWorld } from "../support/world.js";
import { storefrontEntities } from "../../src/server/storefront-cache.js";

let t: TestService;
let w: DemoWorld;
let cat: Catalogue;
let recording = false;
const statements: string[] = [];

beforeAll(async () => {
  t = await startTestService({
    log: (e) => {
      if (recording && !/FROM "public"\."Event"/.test(e.query)) statements.push(e.query);
    },
  });
  w = await loadDemoWorld(t);
  cat = await insertCatalogue(t.service.program.prisma, [
    { name: "Cache Alpha", summary: "Alpha listing for cache tests. ".repeat(8), categories: ["analytics"], partner: "cache-co" },
    { name: "Cache Beta", summary: "Beta listing for cache tests. ".repeat(8), categories: ["analytics"], partner: "cache-co" },
    { name: "Cache Draft", summary: "Draft listing for cache tests. ".repeat(8), categories: ["analytics"], partner: "cache-co", state: "DRAFT" },
    // Live, and changed by no test (the first test reads it).
    { name: "Steady Listing", summary: "A listing that no test changes or delists. ".repeat(6), categories: ["analytics"], partner: "cache-co" },
    // Delisted by the event position test only.
    { name: "Position Listing", summary: "Read with the event position, then delisted. ".repeat(6), categories: ["analytics"], partner: "cache-co" },
  ], t.service.program.today());
});
afterAll(() => t?.close());

/** The answer, and how many SQL statements it took. */
async function ask(query: string, variables: Record<string, unknown> = {}, token?: string) {
  statements.length = 0;
  recording = true;
  const r = await t.gql(query, variables, token);
  recording = false;
  return { ...r, statements: statements.length };
}

const PAGE = `{ listings(search: "cache", first: 10) { totalCount edges { node { id content { name tagline } partner { name tierBadge { name } } } } } }`;
const DETAIL = `query($id: ID!) { listing(id: $id) { id state content { name } } }`;
const names = (r: { data?: any }) => r.data.listings.edges.map((e: any) => e.node.content.name).sort();
const id = (i: number) => globalId("Listing", cat.listingIds[i]!);

describe("public storefront reads", () => {
  it("are answered from the cache once asked: no statement the second time", async () => {
    // A document no other test asks, so the first ask here is the first anywhere.
    const page = PAGE.replace("{ listings(", "{ askedOnce: listings(");
    const first = await ask(page);
    expect(first.errors).toBeUndefined();
    expect(first.statements).toBeGreaterThan(0);
    const second = await ask(page);
    expect(second.statements).toBe(0);
    expect(second.data).toEqual(first.data);
    const detail = DETAIL.replace("{ listing(", "{ askedOnce: listing(");
    expect((await ask(detail, { id: id(3) })).statements).toBeGreaterThan(0);
    expect((await ask(detail, { id: id(3) })).statements).toBe(0);
  });

  it("only the storefront's fields are cached; an answer with anything else is not", async () => {
    const q = `{ categories { slug } partners(first: 5) { edges { node { name } } } }`;
    await ask(q);
    expect((await ask(q)).statements).toBeGreaterThan(0);
    const aliased = `{ storefront: listings(first: 1) { edges { node { id } } } p: partners(first: 5) { edges { node { name } } } }`;
    await ask(aliased);
    expect((await ask(aliased)).statements).toBeGreaterThan(0);
  });

  it("a listing that is not there (yet) is not cached as missing", async () => {
    expect((await ask(DETAIL, { id: id(2) })).data.listing).toBeNull();
    expect((await ask(DETAIL, { id: id(2) })).statements).toBeGreaterThan(0);
  });
});

describe("mutations", () => {
  it("a public mutation sent twice runs twice: an answer to a mutation is never replayed", async () => {
    const send = `mutation($id: ID!) { sendInquiry(listingId: $id, senderName: "Rae", senderEmail: "rae@builder.example", message: "Do you sync cost codes?") { __typename } }`;
    const before = await t.service.program.prisma.inquiry.count({ where: { listingId: cat.listingIds[1]! } });
    for (let i = 0; i < 2; i++) {
      const r = await t.gql(send, { id: id(1) });
      expect(r.data?.sendInquiry?.__typename, JSON.stringify(r)).toBe("MutationSendInquirySuccess");
    }
    expect(await t.service.program.prisma.inquiry.count({ where: { listingId: cat.listingIds[1]! } })).toBe(before + 2);
  });
});

describe("authenticated reads", () => {
  it("are never cached, so never shared between viewers", async () => {
    const partnerToken = await t.token({ sub: (await t.service.program.prisma.partnerMember.create({
      data: { partnerId: cat.partnerIds.get("cache-co")!, email: "admin@cache-co.example", name: "Cache Admin", role: "ADMIN" },
    })).id, role: "partner-admin", partnerId: cat.partnerIds.get("cache-co")! });
    // The partner sees its own draft; the public, asking the same right after, must not.
    const own = await ask(DETAIL, { id: id(2) }, partnerToken);
    expect(own.data.listing).toMatchObject({ state: "DRAFT" });
    expect((await ask(DETAIL, { id: id(2) }, partnerToken)).statements).toBeGreaterThan(0);
    expect((await ask(DETAIL, { id: id(2) })).data.listing).toBeNull();
    // A public answer is cached; an authenticated viewer asking the same still gets its own.
    await ask(PAGE);
    for (const token of [partnerToken, w.staffToken, w.staffFedrampToken]) {
      const r = await ask(PAGE, {}, token);
      expect(r.errors).toBeUndefined();
      expect(r.statements).toBeGreaterThan(0);
    }
  });
});

describe("invalidation by committed events", () => {
  it("R-LIST-6: a delisting drops the answers showing that listing, and only those", async () => {
    await ask(PAGE);
    await ask(DETAIL, { id: id(0) });
    await ask(DETAIL, { id: id(1) });
    expect(names(await ask(PAGE))).toEqual(["Cache Alpha", "Cache Beta"]);
    expect((await ask(DETAIL, { id: id(1) })).statements).toBe(0);

    const delisted = await t.gql(`mutation($id: ID!) { delistListing(listingId: $id, reason: "Staff decision for the cache test.") { __typename ... on MutationDelistListingSuccess { data { state } } } }`, { id: id(0) }, w.staffToken);
    expect(delisted.data?.delistListing, JSON.stringify(delisted)).toEqual({ __typename: "MutationDelistListingSuccess", data: { state: "DELISTED" } });
    // The event reaches this instance's cache through the feed (in-memory notice here).
    await new Promise((r) => setTimeout(r, 50));

    const page = await ask(PAGE);
    expect(page.statements).toBeGreaterThan(0);
    expect(names(page)).toEqual(["Cache Beta"]);
    const alpha = await ask(DETAIL, { id: id(0) });
    expect(alpha.statements).toBeGreaterThan(0);
    expect(alpha.data.listing).toBeNull();
    // Another listing's page did not change, and stays cached.
    expect((await ask(DETAIL, { id: id(1) })).statements).toBe(0);
  });

  it("R-EVT-2: a page read with its eventPosition is cached with it, and a change drops both: the next answer's position covers the change", async () => {
    const page = `{ eventPosition withPosition: listings(search: "event position", first: 10) { edges { node { id } } } }`;
    const first = await ask(page);
    expect((await ask(page)).statements).toBe(0);
    expect((await ask(page)).data).toEqual(first.data);
    expect(first.data.withPosition.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([id(4)]);
    const delisted = await t.gql(`mutation($id: ID!) { delistListing(listingId: $id, reason: "Position test.") { __typename } }`, { id: id(4) }, w.staffToken);
    expect(delisted.data?.delistListing.__typename, JSON.stringify(delisted)).toBe("MutationDelistListingSuccess");
    const event = await t.service.program.prisma.event.findFirstOrThrow({ where: { type: "listing.delisted", listingId: cat.listingIds[4]! }, orderBy: { position: "desc" } });
    await new Promise((r) => setTimeout(r, 50));
    const next = await ask(page);
    expect(next.statements).toBeGreaterThan(0);
    expect(BigInt(next.data.eventPosition)).toBeGreaterThanOrEqual(event.position);
    expect(BigInt(next.data.eventPosition)).toBeGreaterThan(BigInt(first.data.eventPosition));
    expect(next.data.withPosition.edges).toEqual([]);
  });

  it("a change made behind the program's back (no event) is not seen: the cache is what serves", async () => {
    await ask(DETAIL, { id: id(1) });
    await t.service.program.prisma.listingRevision.updateMany({ where: { listingId: cat.listingIds[1]! }, data: { name: "Renamed Silently" } });
    expect((await ask(DETAIL, { id: id(1) })).data.listing.content.name).toBe("Cache Beta");
    await t.service.program.prisma.listingRevision.updateMany({ where: { listingId: cat.listingIds[1]! }, data: { name: "Cache Beta" } });
  });
});

describe("what each event invalidates", () => {
  const base = { listingId: null, partnerId: null, appId: null, subjectId: "00000000-0000-0000-0000-000000000001", marketplace: null, publicChange: false };
  it("a listing's public change: the listing and its marketplace's pages", () => {
    expect(storefrontEntities({ ...base, type: "listing.delisted", publicChange: true, listingId: "l1", marketplace: "COMMERCIAL" })).toEqual([
      { typename: "Listing", id: globalId("Listing", "l1") },
      { typename: "QueryListingsConnection", id: "COMMERCIAL" },
    ]);
  });
  it("tier, app, usage and policy changes: what the storefront shows of them", () => {
    const pages = [{ typename: "QueryListingsConnection", id: "COMMERCIAL" }, { typename: "QueryListingsConnection", id: "FEDRAMP" }];
    expect(storefrontEntities({ ...base, type: "tier.assessed", partnerId: "p1" })).toEqual([{ typename: "Partner", id: globalId("Partner", "p1") }, ...pages]);
    expect(storefrontEntities({ ...base, type: "app.updated", subjectId: "a1" })).toEqual([{ typename: "App", id: globalId("App", "a1") }, ...pages]);
    expect(storefrontEntities({ ...base, type: "usage.recorded" })).toEqual(pages);
    expect(storefrontEntities({ ...base, type: "policy.updated" })).toEqual([{ typename: "Partner" }, ...pages]);
  });
  it("anything else: nothing", () => {
    expect(storefrontEntities({ ...base, type: "lead.sent", partnerId: "p1" })).toEqual([]);
    expect(storefrontEntities({ ...base, type: "listing.submitted", listingId: "l1", marketplace: "COMMERCIAL" })).toEqual([]);
  });
});
