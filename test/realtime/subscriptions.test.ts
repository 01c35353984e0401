// Subscriptions on one real server over graphql-ws and SSE (R-EVT-2, R-LIST-6).
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";
import { globalId as gid, loadDemoWorld, type DemoWorld } from "../support/world.js";
import { content, mutate, ok } from "../support/mutate.js";
import { collect, sleep, wsClient } from "../support/subscriber.js";
import { insertCatalogue } from "../support/catalogue.js";

let t: TestService;
let w: DemoWorld;
const clients: Client[] = [];
const client = (token?: string) => {
  const c = wsClient(t.port!, token);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  t = await startTestService({ listen: true, env: { EVENT_POLL_MS: "200" } });
  w = await loadDemoWorld(t);
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await t?.close();
});

const prisma = () => t.service.program.prisma;
const listingId = async (name: string, marketplace: "COMMERCIAL" | "FEDRAMP" = "COMMERCIAL") =>
  gid("Listing", (await prisma().listing.findFirstOrThrow({ where: { marketplace, app: { name } } })).id);

const LISTING_CHANGES = `subscription($m: Marketplace, $after: String) { listingChanges(marketplace: $m, after: $after) {
  position type listingId listing { state content { name } partner { name } } } }`;
const PARTNER_EVENTS = `subscription($p: ID!, $after: String) { partnerEvents(partnerId: $p, after: $after) { position type subjectType } }`;

describe("listing changes for the marketplace frontend", () => {
  it("R-LIST-6: a public subscriber sees a listing going live and a delisting, with the listing re-read fresh", async () => {
    const sub = collect(client(), LISTING_CHANGES, { m: "COMMERCIAL" }, (d) => d.listingChanges);
    await sleep(200);
    // A change the storefront does not show (a draft) must not arrive; a delisting must.
    const cobalt = w.partners.cobalt;
    ok(await mutate(t, cobalt.adminToken, `editListing(listingId: "${await listingId("Cobalt Takeoff")}", content: $content)`, "{ id }", { content: content("Takeoff v2") }));
    const scheduler = await listingId("Northwind Scheduler");
    ok(await mutate(t, w.staffToken, `delistListing(listingId: "${scheduler}", reason: "Policy breach")`, "{ state }"));
    const [delisted] = await sub.waitFor(1);
    expect(delisted).toMatchObject({ type: "listing.delisted", listingId: scheduler, listing: null });
    // Revised content of a live listing arrives with the new content.
    const insights = await listingId("Northwind Insights");
    ok(await mutate(t, w.partners.northwind.adminToken, `editListing(listingId: "${insights}", content: $content)`, "{ id }", { content: content("Insights Pro") }));
    ok(await mutate(t, w.partners.northwind.adminToken, `submitListing(listingId: "${insights}")`, "{ state }"));
    ok(await mutate(t, w.staffToken, `approveListing(listingId: "${insights}")`, "{ state }"));
    const [, revised] = await sub.waitFor(2);
    expect(revised).toMatchObject({ type: "listing.revised", listingId: insights, listing: { state: "LIVE", content: { name: "Insights Pro" }, partner: { name: "Northwind Analytics" } } });
    expect(BigInt(revised.position)).toBeGreaterThan(BigInt(delisted.position));
    await sub.dispose();
  });

  it("R-LIST-6: a public subscriber never sees a FedRAMP change, and cannot subscribe to FedRAMP", async () => {
    const pub = collect(client(), LISTING_CHANGES, { m: "COMMERCIAL" }, (d) => d.listingChanges);
    const fedAttempt = collect(client(), LISTING_CHANGES, { m: "FEDRAMP" }, (d) => d.listingChanges);
    await fedAttempt.ended;
    expect(JSON.stringify(fedAttempt.errors)).toMatch(/FedRAMP clearance/);
    const cleared = collect(client(w.staffFedrampToken), LISTING_CHANGES, { m: "FEDRAMP" }, (d) => d.listingChanges);
    await sleep(200);
    const gov = await listingId("Northwind Insights", "FEDRAMP");
    ok(await mutate(t, w.staffFedrampToken, `delistListing(listingId: "${gov}", reason: "FedRAMP audit")`, "{ state }"));
    const [fedEvent] = await cleared.waitFor(1);
    expect(fedEvent).toMatchObject({ type: "listing.delisted", listingId: gov });
    // Then a Commercial change: it must be the first and only thing the public subscriber got.
    const insights = await listingId("Northwind Insights");
    ok(await mutate(t, w.staffToken, `delistListing(listingId: "${insights}", reason: "Commercial audit")`, "{ state }"));
    const [first] = await pub.waitFor(1);
    expect(first.listingId).toBe(insights);
    await sleep(300);
    expect(pub.received).toHaveLength(1);
  });
});

describe("partner dashboards", () => {
  it("R-EVT-2: a subscriber resumes from its last position: exactly the missed events, in order, then live ones", async () => {
    const nw = w.partners.northwind;
    const p = gid("Partner", nw.id);
    const lead = (n: number) => mutate(t, nw.adminToken, `sendLead(partnerId: "${p}", company: "Co ${n}", contactName: "C", contactEmail: "c${n}@co.example", details: "lead ${n}")`, "{ id }");
    const first = collect(client(nw.memberToken!), PARTNER_EVENTS, { p }, (d) => d.partnerEvents);
    await sleep(200);
    ok(await lead(1));
    const [seen] = await first.waitFor(1);
    expect(seen.type).toBe("lead.sent");
    await first.dispose();
    await sleep(100);
    for (const n of [2, 3, 4]) ok(await lead(n));
    const resumed = collect(client(nw.memberToken!), PARTNER_EVENTS, { p, after: seen.position }, (d) => d.partnerEvents);
    const missed = await resumed.waitFor(3);
    const missedLeads = await prisma().event.findMany({ where: { partnerId: nw.id, position: { gt: BigInt(seen.position) } }, orderBy: { position: "asc" } });
    expect(missed.map((e) => e.position)).toEqual(missedLeads.map((e) => e.position.toString()));
    ok(await lead(5));
    const all = await resumed.waitFor(4);
    const positions = all.map((e) => BigInt(e.position));
    expect(new Set(positions).size).toBe(positions.length);
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    await sleep(300);
    expect(resumed.received).toHaveLength(4);
  });

  it("a partner subscribing to another partner's events is refused; staff may follow any partner", async () => {
    const other = collect(client(w.partners.cobalt.adminToken), PARTNER_EVENTS, { p: gid("Partner", w.partners.northwind.id) });
    await other.ended;
    expect(JSON.stringify(other.errors)).toMatch(/not allowed/);
    const anon = collect(client(), PARTNER_EVENTS, { p: gid("Partner", w.partners.northwind.id) });
    await anon.ended;
    expect(anon.errors.length).toBe(1);
    const staffAll = collect(client(w.staffToken), `subscription { programEvents { type } }`);
    const partnerAll = collect(client(w.partners.cobalt.adminToken), `subscription { programEvents { type } }`);
    await partnerAll.ended;
    expect(partnerAll.errors.length).toBe(1);
    await sleep(200);
    ok(await mutate(t, w.partners.cobalt.adminToken, `sendLead(partnerId: "${gid("Partner", w.partners.cobalt.id)}", company: "X", contactName: "Y", contactEmail: "y@x.example", details: "z")`, "{ id }"));
    const [e] = await staffAll.waitFor(1);
    expect(e.programEvents.type).toBe("lead.sent");
  });

  it("subscriptions work over SSE with the token in the header", async () => {
    const nw = w.partners.northwind;
    const p = gid("Partner", nw.id);
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${t.port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${nw.adminToken}` },
      body: JSON.stringify({ query: `subscription($p: ID!) { partnerEvents(partnerId: $p) { type } }`, variables: { p } }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    await sleep(200);
    ok(await mutate(t, nw.adminToken, `sendLead(partnerId: "${p}", company: "SSE Co", contactName: "C", contactEmail: "c@sse.example", details: "d")`, "{ id }"));
    let text = "";
    const deadline = Date.now() + 5000;
    while (!text.includes("lead.sent") && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toContain(`"type":"lead.sent"`);
  });
});

describe("the event log's order", () => {
  it("R-EVT-2: an event that commits later never gets a position before one already visible", async () => {
    const program = t.service.program;
    const actor = { kind: "SYSTEM" as const, id: null };
    const subjectId = w.partners.northwind.id;
    let slowCommitting = 0;
    let fastDone = 0;
    const slow = program.change(async (_tx, record) => {
      const e = await record({ type: "usage.recorded", actor, subjectId });
      await sleep(400); // holds its position open while another transaction appends
      slowCommitting = Date.now();
      return e.position;
    });
    await sleep(100);
    const fast = program.change(async (_tx, record) => (await record({ type: "usage.recorded", actor, subjectId })).position)
      .then((position) => {
        fastDone = Date.now();
        return position;
      });
    const [slowPos, fastPos] = await Promise.all([slow, fast]);
    // The later append waited for the earlier transaction to end: a reader that sees the fast
    // event's position can never later discover the slow one below it.
    expect(fastPos).toBeGreaterThan(slowPos);
    expect(fastDone).toBeGreaterThanOrEqual(slowCommitting);
  });
});

describe("a page read, then kept live from its eventPosition", () => {
  const PAGE = `{ eventPosition listings(first: 100) { edges { node { id } } } }`;

  it("R-EVT-2: a change committed between a page's read and its subscription comes as an event; nothing at or before the read's position does", async () => {
    // A live listing (written directly, as a fixture: no event), then the page read.
    const fixture = await insertCatalogue(prisma(), [{ name: "Between Reads" }], t.service.program.today());
    const gone = gid("Listing", fixture.listingIds[0]!);
    const page = await t.gql<{ eventPosition: string; listings: { edges: { node: { id: string } }[] } }>(PAGE);
    expect(page.errors).toBeUndefined();
    const position = page.data!.eventPosition;
    expect(position).toMatch(/^\d+$/);
    // Every listing event committed at or before it shows in the page: none of them is newer.
    const newest = await prisma().event.findFirst({ where: { publicChange: true, marketplace: "COMMERCIAL" }, orderBy: { position: "desc" } });
    expect(BigInt(position)).toBeGreaterThanOrEqual(newest?.position ?? 0n);
    // A listing on the page goes away after the read, before anyone subscribed.
    const shown = page.data!.listings.edges.map((e) => e.node.id);
    expect(shown).toContain(gone);
    ok(await mutate(t, w.staffToken, `delistListing(listingId: "${gone}", reason: "Between read and subscribe")`, "{ state }"));
    const sub = collect(client(), LISTING_CHANGES, { m: "COMMERCIAL", after: position }, (d) => d.listingChanges);
    const [first] = await sub.waitFor(1);
    expect(first).toMatchObject({ type: "listing.delisted", listingId: gone });
    await sleep(300);
    for (const e of sub.received) expect(BigInt(e.position)).toBeGreaterThan(BigInt(position));
    await sub.dispose();
  });

  it("R-EVT-2: under concurrent writes, every event at or before a read's eventPosition shows in what that read returned", async () => {
    const nw = w.partners.northwind;
    const p = gid("Partner", nw.id);
    const READ = `query($p: ID!) { eventPosition partner(id: $p) { leads(first: 100) { edges { node { id } } } } }`;
    const reads: { position: bigint; leads: Set<string> }[] = [];
    const start = (await prisma().event.aggregate({ _max: { position: true } }))._max.position ?? 0n;
    let writing = true;
    const writer = (async () => {
      for (let n = 0; n < 24; n++) {
        await Promise.all([0, 1].map((k) => mutate(t, nw.adminToken, `sendLead(partnerId: "${p}", company: "Race ${n}-${k}", contactName: "R", contactEmail: "r${n}${k}@race.example", details: "race")`, "{ id }").then(ok)));
      }
      writing = false;
    })();
    while (writing) {
      const r = await t.gql<{ eventPosition: string; partner: { leads: { edges: { node: { id: string } }[] } } }>(READ, { p }, nw.adminToken);
      expect(r.errors).toBeUndefined();
      reads.push({ position: BigInt(r.data!.eventPosition), leads: new Set(r.data!.partner.leads.edges.map((e) => e.node.id)) });
    }
    await writer;
    const sent = await prisma().event.findMany({ where: { partnerId: nw.id, type: "lead.sent", position: { gt: start } }, orderBy: { position: "asc" } });
    expect(sent.length).toBe(48);
    expect(reads.length).toBeGreaterThan(3);
    let checked = 0;
    for (const read of reads) {
      for (const e of sent) {
        if (e.position > read.position) break;
        expect(read.leads.has(e.subjectId), `lead of event ${e.position} in the read at ${read.position}`).toBe(true);
        checked++;
      }
    }
    // Positions moved during the writes: the check ran on reads taken between commits.
    expect(checked).toBeGreaterThan(0);
  });
});
