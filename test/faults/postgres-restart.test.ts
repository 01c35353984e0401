// PostgreSQL stopped (as by a crash: `pg_ctl stop -m immediate`) and started again under a stream of
// mutations. The server says not-ready while the database is away, recovers without a restart, and
// loses no committed change; clients that retry with their Idempotency-Key end with each change
// applied once. Uses a PostgreSQL cluster of its own, so that the other test files, which share
// the machine's PostgreSQL, are not disturbed. Runs in the PostgreSQL pass (.ci/run).
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres } from "../support/harness.js";
import { killAll, listening, startServer, stop, type Run } from "../support/processes.js";
import { privatePostgres, type PrivatePostgres } from "../support/private-postgres.js";
import { sleep } from "../support/subscriber.js";
import {
  demoActors, eventInvariants, leadsPerCompany, LOAD_ENV, sendLeadOnce, waitForReady, type Actor, type Attempt,
} from "../support/faults.js";

const CLIENTS = 20;
const OUTAGE_MS = 3000;

interface Intent { n: number; actor: Actor; company: string; key: string; attempts: Attempt[]; settledAt?: number }

describe.runIf(onPostgres)("PostgreSQL restarted under load (a private cluster)", () => {
  let cluster: PrivatePostgres;
  let dbUrl: string;
  let server: Run;
  let base: string;
  let actors: Actor[];

  beforeAll(async () => {
    cluster = await privatePostgres();
    await cluster.start();
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE faults`);
    await admin.end();
    dbUrl = cluster.url.replace(/\/postgres$/, "/faults");
    server = startServer({
      ...LOAD_ENV, DATABASE_URL: dbUrl, SEED_DEMO_DATA: "true",
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
      DATA_DIR: await mkdtemp(path.join(os.tmpdir(), "pp-pgrestart-")),
    });
    base = await listening(server);
    actors = (await demoActors(dbUrl)).partners;
  }, 120_000);

  afterAll(async () => {
    // The cluster is started again by the test itself; whatever happened, it is removed here.
    if (server) await stop(server).catch(() => {});
    killAll();
    await cluster?.destroy();
  });

  it("not ready while PostgreSQL is down, ready again without a restart, no committed change lost, each change applied once", async () => {
    const intents: Intent[] = [];
    let running = true;
    let seq = 0;
    // Each client retries its current request (same key) until it is answered, then sends the next.
    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      while (running) {
        const n = seq++;
        const intent: Intent = { n, actor: actors[n % actors.length]!, company: `Restart ${n}`, key: `restart-${n}`, attempts: [] };
        intents.push(intent);
        while (running) {
          const a = await sendLeadOnce(base, intent.actor, intent.company, intent.key, 15_000);
          intent.attempts.push(a);
          if (a.kind === "applied" || a.kind === "already-applied") {
            intent.settledAt = Date.now();
            break;
          }
          await sleep(200 + c * 5);
        }
      }
    });

    await sleep(2000);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const pid = server.child.pid;
    const stoppedAt = Date.now();
    await cluster.stop("immediate");
    const down = await waitForReady(base, (status, body) => status === 503 && body.checks.database === "unreachable", 10_000);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    const duringOutage = intents.filter((i) => i.attempts.some((a) => a.kind !== "applied" && a.kind !== "already-applied")).length;
    await cluster.start();
    const startedAt = Date.now();
    const up = await waitForReady(base, (status) => status === 200, 30_000);
    await sleep(2000);
    running = false;
    await Promise.all(clients);

    // The same process throughout.
    expect(server.child.exitCode).toBeNull();
    expect(server.child.pid).toBe(pid);
    expect(down.body.ready).toBe(false);
    // Mutations commit again once it is back.
    expect(intents.filter((i) => i.settledAt && i.settledAt > startedAt).length).toBeGreaterThan(0);

    // No committed change lost: every change a client was told about is there, once.
    const committed = await leadsPerCompany(dbUrl, "Restart ");
    const answered = intents.filter((i) => i.attempts.some((a) => a.kind === "applied"));
    for (const i of answered) expect(committed.get(i.company), i.company).toBe(1);

    // The clients retry what was left unanswered when the load stopped.
    for (const i of intents.filter((x) => !x.settledAt)) {
      for (let k = 0; k < 5 && !i.settledAt; k++) {
        const a = await sendLeadOnce(base, i.actor, i.company, i.key);
        i.attempts.push(a);
        if (a.kind === "applied" || a.kind === "already-applied") i.settledAt = Date.now();
      }
    }
    expect(intents.filter((i) => !i.settledAt).map((i) => i.attempts)).toEqual([]);
    const final = await leadsPerCompany(dbUrl, "Restart ");
    expect(final.size).toBe(intents.length);
    expect([...final.values()].every((n) => n === 1)).toBe(true);
    const inv = await eventInvariants(dbUrl, { keyPrefix: "restart-", companyPrefix: "Restart " });
    expect(inv).toMatchObject({ leadsWithoutOneEvent: 0, eventsWithoutLead: 0, eventsWithoutSubject: [], keysWithoutLead: 0 });
    const failed = intents.flatMap((i) => i.attempts).filter((a) => a.kind === "refused" || a.kind === "no-response").length;
    const already = intents.flatMap((i) => i.attempts).filter((a) => a.kind === "already-applied").length;
    console.log(`PostgreSQL down ${OUTAGE_MS} ms: /ready 503 after ${down.ms} ms, 200 again ${up.ms} ms after the start; ` +
      `${intents.length} intended leads, ${duringOutage} touched by the outage, ${failed} failed attempts retried, ` +
      `${already} answered "already applied"; every lead once, ${inv.events} events`);
  }, 120_000);
});
