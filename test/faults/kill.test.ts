// kill -9 of a server process in the middle of 1,000 concurrent mutations (PostgreSQL + Redis).
// Afterwards every committed change has exactly one event and no event lacks its change; then a new
// process starts and the clients retry, with the same Idempotency-Key, every request that got no
// answer: each intended change ends applied exactly once (and the new process logs each retry as a
// JSON line with its request id). Runs in the PostgreSQL pass (.ci/run).
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres } from "../support/harness.js";
import { killAll, listening, startServer, stop, type Run } from "../support/processes.js";
import {
  dedicatedDatabase, demoActors, eventInvariants, leadsPerCompany, LOAD_ENV, pool, sendLeadOnce, type Actor, type Attempt,
} from "../support/faults.js";

const TOTAL = 1000;
const CLIENTS = 100;
/** The process is killed once this many requests have been answered. */
const KILL_AFTER = 300;

describe.runIf(onPostgres)("kill -9 during 1,000 concurrent mutations (PostgreSQL + Redis)", () => {
  let db: Awaited<ReturnType<typeof dedicatedDatabase>>;
  let env: Record<string, string>;
  let servers: Run[] = [];
  let actors: Actor[];

  beforeAll(async () => {
    db = await dedicatedDatabase(process.env.DATABASE_URL!, "pp_t_kill");
    env = { ...LOAD_ENV, DATABASE_URL: db.url, ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}) };
    const first = startServer({ ...env, SEED_DEMO_DATA: "true", DATA_DIR: await mkdtemp(path.join(os.tmpdir(), "pp-kill-")) });
    servers.push(first);
    await listening(first);
    actors = (await demoActors(db.url)).partners;
  }, 120_000);

  afterAll(async () => {
    for (const s of servers) await stop(s).catch(() => {});
    killAll();
    await db?.drop();
  });

  it("every committed change has exactly one event; retried with the same keys, each intended change is applied once", async () => {
    const base = await listening(servers[0]!);
    const requests = Array.from({ length: TOTAL }, (_, i) => ({ i, actor: actors[i % actors.length]!, company: `Fault ${i}`, key: `fault-${i}` }));
    const outcome = new Map<number, Attempt>();
    let answered = 0;
    let killedAt = -1;
    await pool(requests, CLIENTS, async (r) => {
      const a = await sendLeadOnce(base, r.actor, r.company, r.key);
      outcome.set(r.i, a);
      if (a.kind !== "no-response") answered++;
      if (answered >= KILL_AFTER && killedAt < 0) {
        killedAt = answered;
        servers[0]!.child.kill("SIGKILL");
      }
    });
    const exit = await servers[0]!.exited;
    expect(exit.signal).toBe("SIGKILL");
    const first = [...outcome.values()];
    const applied = first.filter((a) => a.kind === "applied");
    const lost = requests.filter((r) => outcome.get(r.i)?.kind !== "applied");
    // Nothing but answers and dropped connections: no request was refused.
    expect(first.filter((a) => a.kind === "refused" || a.kind === "already-applied")).toEqual([]);
    expect(lost.length).toBeGreaterThan(0);

    // Right after the kill: each committed lead has exactly one event, no event lacks its lead, and
    // each recorded key has the lead its request made (they committed together or not at all).
    const afterKill = await eventInvariants(db.url, { keyPrefix: "fault-", companyPrefix: "Fault " });
    expect(afterKill).toMatchObject({ leadsWithoutOneEvent: 0, eventsWithoutLead: 0, eventsWithoutSubject: [], keysWithoutLead: 0 });
    const committed = await leadsPerCompany(db.url, "Fault ");
    for (const a of applied) expect(a.kind === "applied" && a.leadId).toBeTruthy();
    for (const r of requests) if (outcome.get(r.i)?.kind === "applied") expect(committed.get(r.company)).toBe(1);
    const committedUnanswered = lost.filter((r) => committed.get(r.company) === 1).length;

    // A new process; the clients retry every request that got no answer, with the same key.
    const second = startServer({ ...env, SEED_DEMO_DATA: "false", DATA_DIR: await mkdtemp(path.join(os.tmpdir(), "pp-kill-")) });
    servers.push(second);
    const base2 = await listening(second);
    const retried = new Map<number, Attempt>();
    await pool(lost, CLIENTS, async (r) => {
      retried.set(r.i, await sendLeadOnce(base2, r.actor, r.company, r.key));
    });
    const retries = [...retried.values()];
    expect(retries.filter((a) => a.kind === "refused" || a.kind === "no-response")).toEqual([]);
    // A request whose change had committed is not applied again: it is replayed, or reported as applied.
    for (const r of lost) {
      const a = retried.get(r.i)!;
      if (committed.get(r.company) === 1) expect(a.kind === "already-applied" || (a.kind === "applied" && a.replayed)).toBe(true);
      else expect(a).toMatchObject({ kind: "applied", replayed: false });
    }

    // The new process logged every retry as one JSON line with its request id (npm start's logs).
    const logLines = second.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const requestLines = logLines.filter((l) => l.msg === "request" && l.operation === "SendLead");
    expect(requestLines.length).toBeGreaterThanOrEqual(lost.length);
    for (const l of requestLines) {
      expect(l).toMatchObject({ level: "info", method: "POST", operationType: "mutation" });
      expect(typeof l.requestId === "string" && typeof l.durationMs === "number" && typeof l.status === "number").toBe(true);
    }

    const final = await leadsPerCompany(db.url, "Fault ");
    expect(final.size).toBe(TOTAL);
    expect([...final.values()].every((n) => n === 1)).toBe(true);
    const end = await eventInvariants(db.url, { keyPrefix: "fault-", companyPrefix: "Fault " });
    expect(end).toMatchObject({ leadsWithoutOneEvent: 0, eventsWithoutLead: 0, eventsWithoutSubject: [], keysWithoutLead: 0 });
    console.log(`kill -9 after ${killedAt} answers: ${applied.length} applied and answered, ${lost.length} unanswered ` +
      `(${committedUnanswered} of them committed before the kill); retries: ` +
      `${retries.filter((a) => a.kind === "applied" && !a.replayed).length} applied now, ` +
      `${retries.filter((a) => a.kind === "applied" && a.replayed).length} replayed, ` +
      `${retries.filter((a) => a.kind === "already-applied").length} already applied; ${end.leads} leads, ${end.events} events`);
  }, 180_000);
});
