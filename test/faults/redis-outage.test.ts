// Redis stopped for 30 s under load, with two server processes on one PostgreSQL database and a
// Redis of the test's own: every mutation keeps committing (none fails because of Redis), /ready
// says the event bus is disconnected, and every subscriber on either process ends with every event,
// once and in order, as the event table has them. Runs in the PostgreSQL pass (.ci/run).
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres } from "../support/harness.js";
import { killAll, listening, privateRedis, startServer, stop, type Run } from "../support/processes.js";
import { collect, sleep, wsClient, type Collector } from "../support/subscriber.js";
import {
  dedicatedDatabase, demoActors, eventInvariants, LOAD_ENV, sendLeadOnce, waitForReady, type Actor, type Attempt,
} from "../support/faults.js";

const OUTAGE_MS = 30_000;
const SUBSCRIBERS_PER_PROCESS = 10;

describe.runIf(onPostgres)("Redis stopped for 30 s under load (two processes, PostgreSQL + Redis)", () => {
  let db: Awaited<ReturnType<typeof dedicatedDatabase>>;
  let redis: Awaited<ReturnType<typeof privateRedis>>;
  const servers: Run[] = [];
  const bases: string[] = [];
  const clients: Client[] = [];
  let actors: Actor[];
  let staffToken: string;

  beforeAll(async () => {
    db = await dedicatedDatabase(process.env.DATABASE_URL!, "pp_t_redis");
    redis = await privateRedis();
    await redis.start();
    // Both at once: the migration lock makes them take turns; only the first loads the demo data.
    for (const seed of [true, false]) {
      servers.push(startServer({
        ...LOAD_ENV, DATABASE_URL: db.url, REDIS_URL: redis.url, SEED_DEMO_DATA: String(seed), EVENT_POLL_MS: "1000",
        DATA_DIR: await mkdtemp(path.join(os.tmpdir(), "pp-redis-")),
      }));
    }
    bases.push(...(await Promise.all(servers.map((s) => listening(s)))));
    ({ partners: actors, staffToken } = await demoActors(db.url));
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    for (const s of servers) await stop(s).catch(() => {});
    await redis?.stop();
    killAll();
    await db?.drop();
  });

  it("mutations keep committing; /ready shows the bus down, then up; every subscriber gets every event once, in order", async () => {
    const dbc = new pg.Client({ connectionString: db.url });
    await dbc.connect();
    const before = BigInt((await dbc.query(`SELECT coalesce(max(position), 0) AS p FROM "Event"`)).rows[0].p);
    const subs: Collector<{ position: string; type: string }>[] = [];
    for (const base of bases) {
      for (let i = 0; i < SUBSCRIBERS_PER_PROCESS; i++) {
        const c = wsClient(Number(new URL(base).port), staffToken);
        clients.push(c);
        subs.push(collect(c, `subscription { programEvents { position type } }`, {}, (d) => d.programEvents));
      }
    }
    await sleep(1000);

    // Four clients, a mutation every 100 ms each, alternating between the two processes.
    const attempts: (Attempt & { at: number })[] = [];
    let running = true;
    let seq = 0;
    const load = Array.from({ length: 4 }, async () => {
      while (running) {
        const n = seq++;
        const a = await sendLeadOnce(bases[n % 2]!, actors[n % actors.length]!, `Outage ${n}`, `outage-${n}`);
        attempts.push({ ...a, at: Date.now() });
        await sleep(100);
      }
    });

    await sleep(3000);
    await redis.stop();
    const stoppedAt = Date.now();
    const down = await Promise.all(bases.map((b) => waitForReady(b, (s, body) => s === 503 && body.checks.eventBus === "disconnected", 10_000)));
    // Subscribers are served from the event table meanwhile (the poll), just later.
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    const duringOutage = attempts.filter((a) => a.at > stoppedAt).length;
    await redis.start();
    const restartedAt = Date.now();
    const up = await Promise.all(bases.map((b) => waitForReady(b, (s) => s === 200, 20_000)));
    await sleep(3000);
    running = false;
    await Promise.all(load);

    // None failed because of Redis.
    expect(attempts.filter((a) => a.kind !== "applied")).toEqual([]);
    expect(duringOutage).toBeGreaterThan(20);
    expect(down.every((d) => d.body.checks.database === "ok")).toBe(true);

    const expected = (await dbc.query<{ position: string }>(`SELECT position FROM "Event" WHERE position > $1 ORDER BY position`, [before.toString()])).rows.map((r) => r.position);
    await dbc.end();
    expect(expected.length).toBe(attempts.length);
    for (const s of subs) {
      const got = await s.waitFor(expected.length, 20_000);
      expect(got.map((e) => e.position)).toEqual(expected);
    }
    await sleep(1500);
    for (const s of subs) expect(s.received).toHaveLength(expected.length);
    const inv = await eventInvariants(db.url);
    expect(inv).toMatchObject({ leadsWithoutOneEvent: 0, eventsWithoutLead: 0, eventsWithoutSubject: [] });
    console.log(`Redis down ${Math.round((restartedAt - stoppedAt) / 1000)} s: ${attempts.length} mutations, all committed ` +
      `(${duringOutage} during the outage); /ready 503 after ${down.map((d) => d.ms).join("/")} ms, 200 again after ` +
      `${up.map((u) => u.ms).join("/")} ms; ${subs.length} subscribers each got all ${expected.length} events once, in order`);
  }, 120_000);
});
