// Several server processes on one PostgreSQL and one Redis: an event caused on one instance reaches
// subscribers on another, and a Redis outage loses nothing (the event table is the source of truth).
// Needs PostgreSQL: runs in the PostgreSQL + Redis pass of the suite (.ci/run), with a Redis of
// its own so the test can stop and start it.
import type { Client } from "graphql-ws";
import pg from "pg";
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres } from "../support/harness.js";
import { adminUrl } from "../support/global-setup.js";
import { killAll, listening, privateRedis, startServer, stop, type Run } from "../support/processes.js";
import { collect, sleep, wsClient } from "../support/subscriber.js";
import { createTokenService } from "../../src/auth/tokens.js";

const SECRET = "instances-test-secret-instances-test-secret";

describe.runIf(onPostgres)("two instances on PostgreSQL + Redis", () => {
  let dbName: string;
  let dbUrl: string;
  let redis: Awaited<ReturnType<typeof privateRedis>>;
  let a: Run;
  let b: Run;
  let urlA: string;
  let urlB: string;
  let staffToken: string;
  let partnerToken: string;
  let partnerGid: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl(process.env.DATABASE_URL!) });
    await admin.connect();
    dbName = `pp_t_inst_${randomBytes(4).toString("hex")}`;
    await admin.query(`CREATE DATABASE "${dbName}"`);
    await admin.end();
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
    redis = await privateRedis();
    await redis.start();
    const env = (seed: boolean) => ({
      DATABASE_URL: dbUrl, REDIS_URL: redis.url, AUTH_SECRET: SECRET, SEED_DEMO_DATA: String(seed),
      EVENT_POLL_MS: "1000", DATA_DIR: "",
    });
    const dirA = await mkdtemp(path.join(os.tmpdir(), "pp-a-"));
    const dirB = await mkdtemp(path.join(os.tmpdir(), "pp-b-"));
    a = startServer({ ...env(true), DATA_DIR: dirA });
    urlA = await listening(a);
    b = startServer({ ...env(false), DATA_DIR: dirB });
    urlB = await listening(b);
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    const staff = (await db.query(`SELECT id FROM "StaffUser" WHERE email = 'pat@program.example'`)).rows[0];
    const member = (await db.query(`SELECT m.id, m."partnerId" FROM "PartnerMember" m JOIN "Partner" p ON p.id = m."partnerId" WHERE p.slug = 'northwind-analytics' AND m.role = 'ADMIN'`)).rows[0];
    await db.end();
    const tokens = createTokenService(SECRET);
    staffToken = await tokens.sign({ sub: staff.id, role: "program-staff" });
    partnerToken = await tokens.sign({ sub: member.id, role: "partner-admin", partnerId: member.partnerId });
    partnerGid = Buffer.from(`Partner:${member.partnerId}`).toString("base64");
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    for (const r of [a, b]) if (r) await stop(r).catch(() => {});
    await redis?.stop();
    killAll();
    const admin = new pg.Client({ connectionString: adminUrl(process.env.DATABASE_URL!) });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
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
