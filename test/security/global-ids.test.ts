// Malformed global ids (not base64, base64 junk, no "Type:key", a type that has no ids, the id of
// another type than the argument is for) are the client's mistake: an error with
// extensions.code BAD_USER_INPUT, never an error without a code and never a 5xx. A well-formed id
// whose key is no UUID is simply an id of nothing: null on reads, a typed NotFound on mutations.
// Nothing changes.
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type GqlResult, type TestService } from "../support/harness.js";
import { globalId as gid, loadDemoWorld, type DemoWorld } from "../support/world.js";
import { collect, wsClient } from "../support/subscriber.js";

let t: TestService;
let w: DemoWorld;
const clients: Client[] = [];
beforeAll(async () => {
  t = await startTestService({ listen: true, env: { RATE_LIMIT_MUTATIONS_PER_MINUTE: "1000000", RATE_LIMIT_INQUIRIES_PER_MINUTE: "1000000" } });
  w = await loadDemoWorld(t);
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await t?.close();
});

const b64 = (text: string) => Buffer.from(text).toString("base64");
const UUID = "6b1f0f0e-0000-4000-8000-000000000000";
/** Strings that are no global id of anything. */
const MALFORMED: Record<string, string> = {
  garbage: "garbage",
  "not base64": "%%%",
  "a raw Type:key": `App:${UUID}`,
  "base64 junk": "////",
  "base64 without Type:key": b64("not-a-global-id"),
  "an empty key": b64("App:"),
  "a type that does not exist": b64(`Toaster:${UUID}`),
  empty: "",
};

const viewers = () => ({ public: undefined, partner: w.partners.northwind.adminToken });
const lastEvent = async () => (await t.service.program.prisma.event.findFirst({ orderBy: { position: "desc" }, select: { position: true } }))?.position ?? 0n;

function expectBadInput(r: GqlResult, label: string) {
  expect(r.status, label).toBe(200);
  expect(r.errors?.length, `${label}: ${JSON.stringify(r)}`).toBeGreaterThan(0);
  for (const e of r.errors!) {
    expect(e.extensions?.code, `${label}: ${JSON.stringify(e)}`).toBe("BAD_USER_INPUT");
    expect(e.message, label).not.toMatch(/Unexpected error/);
  }
}

describe("malformed global ids in queries", () => {
  it("node, nodes, partner, listing and apps(partnerId) refuse a string that is no global id with BAD_USER_INPUT", async () => {
    for (const [who, token] of Object.entries(viewers())) {
      for (const [name, id] of Object.entries(MALFORMED)) {
        const label = `${who}, ${name}`;
        expectBadInput(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, token), `node: ${label}`);
        expectBadInput(await t.gql(`query($id: ID!) { nodes(ids: [$id]) { id } }`, { id }, token), `nodes: ${label}`);
        expectBadInput(await t.gql(`query($id: ID) { partner(id: $id) { id } }`, { id }, token), `partner: ${label}`);
        expectBadInput(await t.gql(`query($id: ID!) { listing(id: $id) { id } }`, { id }, token), `listing: ${label}`);
        if (who === "partner") expectBadInput(await t.gql(`query($id: ID) { apps(first: 5, partnerId: $id) { edges { node { id } } } }`, { id }, token), `apps: ${label}`);
      }
    }
  });

  it("a type that has no ids, or the id of another type than the argument is for, is bad input too", async () => {
    const nw = w.partners.northwind.id;
    for (const [who, token] of Object.entries(viewers())) {
      expectBadInput(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: b64(`ListingRevision:${UUID}`) }, token), `${who}: not a node type`);
      expectBadInput(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: b64(`Query:${UUID}`) }, token), `${who}: the query type`);
      expectBadInput(await t.gql(`query($id: ID) { partner(id: $id) { id } }`, { id: gid("App", nw) }, token), `${who}: an App id for a partner`);
      expectBadInput(await t.gql(`query($id: ID!) { listing(id: $id) { id } }`, { id: gid("Partner", nw) }, token), `${who}: a Partner id for a listing`);
    }
  });

  it("a well-formed id whose key is no UUID is an id of nothing: null, no error", async () => {
    for (const [who, token] of Object.entries(viewers())) {
      const r = await t.gql(`query($a: ID!, $p: ID, $l: ID!) { node(id: $a) { id } partner(id: $p) { id } listing(id: $l) { id } }`, { a: gid("App", "xyz"), p: gid("Partner", "not-a-uuid"), l: gid("Listing", "nope") }, token);
      expect(r.errors, who).toBeUndefined();
      expect(r.data, who).toEqual({ node: null, partner: null, listing: null });
    }
  });
});

it("an authorization refusal is not relabelled as bad input: it is FORBIDDEN", async () => {
  const r = await t.gql(`{ staffUsers { name } }`, {}, w.partners.northwind.adminToken);
  expect(r.errors?.[0]?.message).toMatch(/not authorized/i);
  expect(r.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
});

describe("malformed global ids in mutations", () => {
  const R = `{ __typename ... on NotFound { what } }`;
  it("a string that is no global id, or the id of another type, is BAD_USER_INPUT and changes nothing", async () => {
    const nw = w.partners.northwind.id;
    const before = await lastEvent();
    for (const [who, token] of Object.entries(viewers())) {
      for (const [name, id] of Object.entries({ ...MALFORMED, "a Partner id for an app": gid("Partner", nw) })) {
        const label = `${who}, ${name}`;
        expectBadInput(await t.gql(`mutation($a: ID!) { r: updateApp(appId: $a, name: "Renamed") ${R} }`, { a: id }, token), `updateApp: ${label}`);
        expectBadInput(await t.gql(`mutation($l: ID!) { r: delistListing(listingId: $l, reason: "x") ${R} }`, { l: id }, token), `delistListing: ${label}`);
      }
      for (const [name, id] of Object.entries({ ...MALFORMED, "an App id for a partner": gid("App", nw) })) {
        expectBadInput(await t.gql(`mutation($p: ID!) { r: sendLead(partnerId: $p, company: "A", contactName: "B", contactEmail: "b@a.example", details: "d") ${R} }`, { p: id }, token),
          `sendLead: ${who}, ${name}`);
      }
    }
    expect(await lastEvent()).toBe(before);
  });

  it("a well-formed global id whose key is no UUID, and a raw id that is no UUID, are a typed NotFound", async () => {
    const before = await lastEvent();
    for (const [who, token] of Object.entries(viewers())) {
      const app = await t.gql(`mutation($a: ID!) { r: updateApp(appId: $a, name: "Renamed") ${R} }`, { a: gid("App", "xyz") }, token);
      expect(app.errors, who).toBeUndefined();
      expect(app.data.r, who).toEqual({ __typename: "NotFound", what: "app" });
      for (const raw of ["garbage", gid("Inquiry", UUID), ""]) {
        const inquiry = await t.gql(`mutation($i: ID!) { r: answerInquiry(inquiryId: $i, response: "hi") ${R} }`, { i: raw }, token);
        expect(inquiry.errors, `${who} ${raw}`).toBeUndefined();
        expect(inquiry.data.r, `${who} ${raw}`).toEqual({ __typename: "NotFound", what: "inquiry" });
      }
    }
    expect(await lastEvent()).toBe(before);
  });
});

describe("malformed global ids in subscriptions", () => {
  it("partnerEvents with a string that is no global id is refused with BAD_USER_INPUT", async () => {
    for (const [who, token] of Object.entries(viewers())) {
      const client = wsClient(t.port!, token);
      clients.push(client);
      const sub = collect(client, `subscription($p: ID!) { partnerEvents(partnerId: $p) { position } }`, { p: "garbage" });
      await Promise.race([sub.ended, new Promise((r) => setTimeout(r, 5000))]);
      const errors = sub.errors.flat() as { message?: string; extensions?: { code?: string } }[];
      expect(errors.length, who).toBeGreaterThan(0);
      expect(errors.map((e) => e.extensions?.code), `${who}: ${JSON.stringify(errors)}`).toEqual(errors.map(() => "BAD_USER_INPUT"));
      await sub.dispose();
    }
  });
});
