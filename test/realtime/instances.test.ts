// Several server processes on one PostgreSQL and one Redis: an event caused on one instance reaches
// subscribers on another, and a Redis outage loses nothing (the event table is the source of truth).
// Needs PostgreSQL: runs in the PostgreSQL + Redis pass of the suite (.ci/run), with a Redis of
// its own so the test can stop and start it.
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres } from "../support/harness.js";
import { startTwoInstances, type TwoInstances } from "../support/instances.js";
import { collect, sleep, wsClient } from "../support/subscriber.js";

describe.runIf(onPostgres)("two instances on PostgreSQL + Redis", () => {
  let two: TwoInstances;
  let redis: TwoInstances["redis"];
  let urlA: string;
  let urlB: string;
  let staffToken: string;
  let partnerToken: string;
  let partnerGid: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    two = await startTwoInstances({ name: "inst", secret: "instances-test-secret-instances-test-secret", eventPollMs: 1000 });
    ({ redis, urlA, urlB } = two);
    const [staff] = await two.rows(`SELECT id FROM "StaffUser" WHERE email = 'pat@program.example'`);
    const [member] = await two.rows(`SELECT m.id, m."partnerId" FROM "PartnerMember" m JOIN "Partner" p ON p.id = m."partnerId" WHERE p.slug = 'northwind-analytics' AND m.role = 'ADMIN'`);
    staffToken = await two.sign({ sub: staff.id, role: "program-staff" });
    partnerToken = await two.sign({ sub: member.id, role: "partner-admin", partnerId: member.partnerId });
    partnerGid = Buffer.from(`Partner:${member.partnerId}`).toString("base64");
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await two?.close();
  });

  const portOf = (url: string) => Number(new URL(url).port);
  const sendLead = async (base: string, n: number) => {
    const res = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${partnerToken}` },
      body: JSON.stringify({ query: `mutation($p: ID!, $c: String!) { sendLead(partnerId: $p, company: $c, contactName: "C", contactEmail: "c@co.example", details: "d") { __typename } }`, variables: { p: partnerGid, c: `Co ${n}` } }),
    });
    const body = (await res.json()) as any;
    if (body.data?.sendLead?.__typename !== "MutationSendLeadSuccess") throw new Error(JSON.stringify(body));
  };

  it("R-EVT-2: a subscriber on instance A receives, within a second, the event of a mutation made on instance B", async () => {
    const c = wsClient(portOf(urlA), staffToken);
    clients.push(c);
    const sub = collect(c, `subscription($p: ID!) { partnerEvents(partnerId: $p) { type position after } }`, { p: partnerGid }, (d) => d.partnerEvents);
    await sleep(300);
    const t0 = Date.now();
    await sendLead(urlB, 1);
    const [e] = await sub.waitFor(1, 1000);
    expect(e.type).toBe("lead.sent");
    expect(e.after.company).toBe("Co 1");
    expect(Date.now() - t0).toBeLessThan(1000);
    await sub.dispose();
  });

  it("R-EVT-2: Redis stopped during a stream of mutations, then started again: every subscriber ends with every event once", async () => {
    const subs = [portOf(urlA), portOf(urlB), portOf(urlA)].map((port) => {
      const c = wsClient(port, staffToken);
      clients.push(c);
      return collect(c, `subscription($p: ID!) { partnerEvents(partnerId: $p) { type position } }`, { p: partnerGid }, (d) => d.partnerEvents);
    });
    await sleep(300);
    const total = 30;
    for (let n = 0; n < total; n++) {
      if (n === 10) await redis.stop();
      if (n === 20) await redis.start();
      // Mutations never fail because Redis is down.
      await sendLead(n % 2 ? urlA : urlB, 100 + n);
      await sleep(50);
    }
    for (const s of subs) {
      const got = await s.waitFor(total, 15_000);
      const positions = got.map((e) => BigInt(e.position));
      expect(new Set(positions).size).toBe(total);
      expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
      expect(got.every((e) => e.type === "lead.sent")).toBe(true);
    }
    await sleep(1500);
    for (const s of subs) expect(s.received).toHaveLength(total);
    const ready = await fetch(`${urlA}/ready`);
    expect(ready.status).toBe(200);
  }, 60_000);
});
