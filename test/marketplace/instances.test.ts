// The storefront cache across two server processes on one PostgreSQL and a private Redis: once a
// delisting event has been delivered to an instance, that instance never serves the listing again,
// whichever instance made the change (R-LIST-6). Needs PostgreSQL: runs in the PostgreSQL + Redis
// pass of the suite.
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres } from "../support/harness.js";
import { startTwoInstances, type TwoInstances } from "../support/instances.js";
import { collect, wsClient } from "../support/subscriber.js";

describe.runIf(onPostgres)("the storefront cache on two instances (PostgreSQL + Redis)", () => {
  let two: TwoInstances;
  let urlA: string;
  let urlB: string;
  let staffToken: string;
  let listingIds: { id: string; gid: string; revisionId: string; name: string }[];
  const clients: Client[] = [];

  beforeAll(async () => {
    // A slow poll: only the Redis notice makes delivery quick.
    two = await startTwoInstances({ name: "cache", secret: "storefront-cache-secret-storefront-cache-secret", eventPollMs: 5000 });
    ({ urlA, urlB } = two);
    const [staff] = await two.rows(`SELECT id FROM "StaffUser" WHERE email = 'sam@program.example'`);
    listingIds = (await two.rows(
      `SELECT l.id, l."liveRevisionId" AS "revisionId", r.name FROM "Listing" l JOIN "ListingRevision" r ON r.id = l."liveRevisionId"
       WHERE l.marketplace = 'COMMERCIAL' AND l.state = 'LIVE' ORDER BY r.name`,
    )).map((r) => ({ ...r, gid: Buffer.from(`Listing:${r.id}`).toString("base64") }));
    staffToken = await two.sign({ sub: staff.id, role: "program-staff" });
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await two?.close();
  });

  const gql = async (base: string, query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const res = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: any; errors?: unknown[] };
  };
  const PAGE = `{ listings(first: 20) { edges { node { id content { name tagline } } } } }`;
  const DETAIL = `query($id: ID!) { listing(id: $id) { id content { name tagline } } }`;
  const shown = async (base: string) => (await gql(base, PAGE)).data.listings.edges.map((e: any) => e.node.id) as string[];
  const taglineOnPage = async (base: string, gid: string) =>
    (await gql(base, PAGE)).data.listings.edges.find((e: any) => e.node.id === gid)?.node.content.tagline as string | undefined;

  it("R-LIST-6: after the delisting event is delivered, neither instance serves the listing again", async () => {
    const [target, other] = listingIds;
    expect(target && other).toBeTruthy();
    // Both instances cache the storefront page and the listing's page.
    for (const base of [urlA, urlB]) {
      expect(await shown(base)).toContain(target!.gid);
      expect((await gql(base, DETAIL, { id: target!.gid })).data.listing.id).toBe(target!.gid);
      await gql(base, DETAIL, { id: other!.gid });
    }
    // Proof that answers come from the cache: a change made without an event is not seen.
    const before = await taglineOnPage(urlA, target!.gid);
    const otherBefore = (await gql(urlA, DETAIL, { id: other!.gid })).data.listing.content.tagline;
    await two.rows(`UPDATE "ListingRevision" SET tagline = 'Changed behind the cache' WHERE id = ANY($1::uuid[])`, [[target!.revisionId, other!.revisionId]]);
    for (const base of [urlA, urlB]) {
      expect(await taglineOnPage(base, target!.gid)).toBe(before);
      expect((await gql(base, DETAIL, { id: target!.gid })).data.listing.content.tagline).toBe(before);
      expect((await gql(base, DETAIL, { id: other!.gid })).data.listing.content.tagline).toBe(otherBefore);
    }

    // Each instance tells us when it delivered the event: a public subscriber on each.
    const subs = [urlA, urlB].map((base) => {
      const c = wsClient(Number(new URL(base).port));
      clients.push(c);
      return collect(c, `subscription { listingChanges(marketplace: COMMERCIAL) { type listingId } }`, {}, (d) => d.listingChanges);
    });
    await new Promise((r) => setTimeout(r, 500));

    // Staff delist on instance B.
    const r = await gql(urlB, `mutation($id: ID!) { delistListing(listingId: $id, reason: "Cache test: staff decision.") { __typename } }`, { id: target!.gid }, staffToken);
    expect(r.data?.delistListing?.__typename, JSON.stringify(r)).toBe("MutationDelistListingSuccess");

    for (const [i, base] of [urlA, urlB].entries()) {
      const [event] = await subs[i]!.waitFor(1, 3000);
      expect(event).toEqual({ type: "listing.delisted", listingId: target!.gid });
      // Delivered: from now on this instance never shows the listing, on any page.
      for (let n = 0; n < 5; n++) {
        expect(await shown(base)).not.toContain(target!.gid);
        expect((await gql(base, DETAIL, { id: target!.gid })).data.listing).toBeNull();
        expect((await gql(base, `{ listings(search: "northwind", first: 5) { edges { node { id } } } }`)).data.listings.edges.map((e: any) => e.node.id)).not.toContain(target!.gid);
      }
      // Exactly the affected answers: the other listing's page is still the cached one (the silent change unseen),
      // while the storefront page, dropped and read again, shows it.
      expect((await gql(base, DETAIL, { id: other!.gid })).data.listing.content.tagline).toBe(otherBefore);
      expect(await taglineOnPage(base, other!.gid)).toBe("Changed behind the cache");
    }
    await two.rows(`UPDATE "ListingRevision" SET tagline = $2 WHERE id = $1`, [target!.revisionId, before]);
    await two.rows(`UPDATE "ListingRevision" SET tagline = $2 WHERE id = $1`, [other!.revisionId, otherBefore]);
  }, 60_000);

  it("authenticated answers are not taken from the public cache on either instance", async () => {
    const [, other] = listingIds;
    for (const base of [urlA, urlB]) {
      const pub = await gql(base, PAGE);
      const staff = await gql(base, `{ listings(first: 20) { edges { node { id pendingRevision { id } } } } }`, {}, staffToken);
      expect(staff.errors).toBeUndefined();
      expect(staff.data.listings.edges.map((e: any) => e.node.id)).toEqual(pub.data.listings.edges.map((e: any) => e.node.id));
      expect(staff.data.listings.edges.map((e: any) => e.node.id)).toContain(other!.gid);
    }
  });
});
