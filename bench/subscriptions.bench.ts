// npm run bench -- subscriptions
// graphql-ws fan-out on one server process (PostgreSQL + Redis): publish-to-receive latency for
// 1,000 subscribers, memory per idle connection, the subscriber count at which p99 passes 500 ms,
// and a sustained 50 events/s to 1,000 subscribers for 60 s with gap and duplicate checks.
// Events are written by a second process-like publisher through the program's own append path
// (one transaction, commit-ordered position, Redis notice), exactly as a mutation on another
// instance would.
import { readFile } from "node:fs/promises";
import os from "node:os";
import { createClient, type Client } from "graphql-ws";
import pg from "pg";
import WebSocket from "ws";
import { openDatabase } from "../src/db/database.js";
import { createEventBus } from "../src/events/bus.js";
import { systemActor } from "../src/events/log.js";
import { createProgram } from "../src/program/program.js";
import { seedDemoData } from "../src/seed/demo.js";
import { listening, startServer } from "../test/support/processes.js";
import { machine, percentile, progress, writeSection } from "./results-file.js";

const BASE = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const DB = "pp_bench_subs";
const LADDER = (process.env.BENCH_LADDER ?? "1000,2000,3000,4000,6000,8000").split(",").map(Number);
const SUSTAIN_SECONDS = Number(process.env.BENCH_SUSTAIN_SECONDS ?? 60);
const SUSTAIN_RATE = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const adminUrl = () => Object.assign(new URL(BASE), { pathname: "/postgres" }).toString();
const dbUrl = () => Object.assign(new URL(BASE), { pathname: `/${DB}` }).toString();

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

interface Sub { client: Client; received: { position: bigint; at: number }[]; stop: () => void }

async function connect(port: number, n: number, selection: string): Promise<Sub[]> {
  const subs: Sub[] = [];
  let acked = 0;
  for (let i = 0; i < n; i++) {
    const received: Sub["received"] = [];
    const client = createClient({
      url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => {},
      on: { connected: () => void acked++ },
    });
    const stopSub = client.subscribe<{ listingChanges: { position: string } }>(
      { query: `subscription { listingChanges(marketplace: COMMERCIAL) ${selection} }` },
      { next: (m) => { if (m.data) received.push({ position: BigInt(m.data.listingChanges.position), at: performance.now() + performance.timeOrigin }); }, error: () => {}, complete: () => {} },
    );
    subs.push({ client, received, stop: stopSub });
    if (i % 250 === 249) await sleep(50);
  }
  for (let i = 0; i < 400 && acked < n; i++) await sleep(50);
  if (acked < n) throw new Error(`only ${acked} of ${n} subscribers connected`);
  await sleep(1000); // every subscription registered with the server's feed
  return subs;
}

async function disconnect(subs: Sub[]) {
  for (const s of subs) {
    s.stop();
    await s.client.dispose();
  }
}

async function main() {
  const loadAtStart = os.loadavg()[0]!.toFixed(1);
  progress(`subscriptions benchmark on ${machine()}, load average ${loadAtStart}`);
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
  const db = await openDatabase({ databaseUrl: dbUrl(), poolSize: 4 });
  await db.migrate();
  const bus = createEventBus(REDIS);
  const program = createProgram({ prisma: db.prisma, bus });
  await seedDemoData(program);
  const listing = await db.prisma.listing.findFirstOrThrow({ where: { marketplace: "COMMERCIAL", state: "LIVE" } });

  const server = startServer({ DATABASE_URL: dbUrl(), REDIS_URL: REDIS, AUTH_SECRET: "bench-secret-bench-secret-bench-secret", SEED_DEMO_DATA: "false", MIGRATE_ON_START: "false", DATA_DIR: "/tmp/pp-bench-subs", SHUTDOWN_GRACE_MS: "1000" }, process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? []);
  const port = Number(new URL(await listening(server)).port);
  const pid = server.child.pid!;

  /** One public listing change, written like a mutation on another instance. Returns its send time. */
  const publish = async () => {
    const sentAt = performance.now() + performance.timeOrigin;
    const e = await program.change((_tx, record) => record({
      type: "listing.revised", actor: systemActor, subjectId: listing.id, listingId: listing.id,
      partnerId: listing.partnerId, marketplace: "COMMERCIAL", publicChange: true,
      before: { state: "LIVE", liveRevision: null }, after: { state: "LIVE", revision: 1, revisionStatus: "APPROVED" },
    }));
    return { position: e.position, sentAt };
  };

  const latencyRound = async (subs: Sub[], events: number) => {
    const lat: number[] = [];
    for (let k = 0; k < events; k++) {
      const { position, sentAt } = await publish();
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && subs.some((s) => !s.received.some((r) => r.position === position))) await sleep(5);
      for (const s of subs) {
        const r = s.received.find((x) => x.position === position);
        lat.push(r ? r.at - sentAt : Infinity);
      }
      await sleep(200);
    }
    return lat.sort((a, b) => a - b);
  };

  // 1) Memory per idle connection at 1,000 subscribers.
  const rss0 = await rssKb(pid);
  let subs = await connect(port, 1000, "{ position }");
  await sleep(2000);
  const rss1 = await rssKb(pid);
  const perConnKb = (rss1 - rss0) / 1000;
  progress(`1,000 idle subscribers: server RSS ${rss0} → ${rss1} KiB, ${perConnKb.toFixed(1)} KiB per connection`);

  // 2) Latency ladder: one change delivered to all, 10 changes per rung.
  const ladder: { n: number; p50: number; p99: number; max: number; lost: number }[] = [];
  let current = 1000;
  for (const n of LADDER) {
    if (n > current) {
      subs.push(...(await connect(port, n - current, "{ position }")));
      current = n;
    }
    const lat = await latencyRound(subs, 10);
    const lost = lat.filter((x) => !Number.isFinite(x)).length;
    const row = { n, p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat[lat.length - 1]!, lost };
    ladder.push(row);
    progress(`${n} subscribers: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, lost ${lost}`);
    if (row.p99 > 500) break;
  }
  await disconnect(subs.splice(1000));

  // 3) One change with the listing re-read fresh for every subscriber (the payload's real cost).
  await disconnect(subs);
  subs = await connect(port, 1000, "{ position listing { state content { name tagline } partner { name tier } } }");
  const fresh = await latencyRound(subs, 5);
  progress(`1,000 subscribers re-reading the listing: p50 ${percentile(fresh, 50).toFixed(1)} ms, p99 ${percentile(fresh, 99).toFixed(1)} ms`);
  await disconnect(subs);

  // 4) Sustained 50 events/s to 1,000 subscribers.
  subs = await connect(port, 1000, "{ position }");
  const published: { position: bigint; sentAt: number }[] = [];
  const t0 = Date.now();
  let next = t0;
  while (Date.now() - t0 < SUSTAIN_SECONDS * 1000) {
    published.push(await publish());
    next += 1000 / SUSTAIN_RATE;
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    if (published.length % (SUSTAIN_RATE * 10) === 0) progress(`sustained: ${published.length} events in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const achieved = published.length / ((Date.now() - t0) / 1000);
  const sentEnd = Date.now();
  const expected = published.map((p) => p.position);
  // Wait until every subscriber has every event (up to ten minutes): late is measured as latency,
  // and only what never arrives counts as lost.
  const owed = () => subs.reduce((n, s) => n + Math.max(0, expected.length - s.received.length), 0);
  let lastReport = Date.now();
  while (Date.now() - sentEnd < 600_000 && owed() > 0) {
    await sleep(100);
    if (Date.now() - lastReport >= 10_000) {
      lastReport = Date.now();
      progress(`sustained: ${owed().toLocaleString("en")} messages still owed ${((Date.now() - sentEnd) / 1000).toFixed(0)} s after the last publish`);
    }
  }
  const drainMs = Date.now() - sentEnd;
  const deliveredMessages = subs.reduce((n, s) => n + s.received.length, 0);
  const deliveryRate = deliveredMessages / ((Date.now() - t0) / 1000);
  progress(`sustained: ${owed() === 0 ? "all delivered" : "gave up"} ${drainMs} ms after the last publish (${deliveryRate.toFixed(0)} messages/s delivered on average)`);
  const sentAt = new Map(published.map((p) => [p.position, p.sentAt]));
  let gaps = 0;
  let dupes = 0;
  let disorder = 0;
  const lat: number[] = [];
  for (const s of subs) {
    const got = s.received.map((r) => r.position);
    dupes += got.length - new Set(got).size;
    for (let i = 1; i < got.length; i++) if (got[i]! <= got[i - 1]!) disorder++;
    const have = new Set(got);
    gaps += expected.filter((p) => !have.has(p)).length;
    for (const r of s.received) lat.push(r.at - sentAt.get(r.position)!);
  }
  lat.sort((a, b) => a - b);
  progress(`sustained ${achieved.toFixed(1)} events/s for ${SUSTAIN_SECONDS} s: lost ${gaps}, duplicates ${dupes}, out of order ${disorder}, p50 ${percentile(lat, 50).toFixed(1)} ms, p99 ${percentile(lat, 99).toFixed(1)} ms`);
  await disconnect(subs);
  const stopping = Date.now();
  server.child.kill("SIGTERM");
  const exited = await Promise.race([server.exited.then(() => true), sleep(60_000).then(() => false)]);
  if (!exited) server.child.kill("SIGKILL");
  progress(`server stopped ${exited ? "" : "(killed) "}${Date.now() - stopping} ms after SIGTERM`);
  await bus.close();
  await db.close();

  const p99Limit = ladder.find((r) => r.p99 > 500);
  const rung1000 = ladder.find((r) => r.n === 1000)!;
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "lost");
  await writeSection("subscriptions", `## Subscriptions (issue 5)

Command: \`npm run bench -- subscriptions\` (PostgreSQL + Redis; server and clients on the same machine).
Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${machine()}. Load average at the start: ${loadAtStart} (other work was running on the machine when this is well above 1: latencies are then pessimistic).
Latency is from the publisher starting the transaction to the subscriber's client receiving the message
(it includes the commit, the Redis notice, the server's table read and the WebSocket write). The
publisher writes through the program's append path in another process-like client, as a mutation on
another instance would.

| measure | result | target |
|---|---|---|
| p50 / p99, one change to 1,000 subscribers | ${fmt(rung1000.p50)} / ${fmt(rung1000.p99)} ms | p99 ≤ 250 ms: ${rung1000.p99 <= 250 ? "met" : "missed"} |
| memory per idle connection (server RSS delta / 1,000) | ${perConnKb.toFixed(1)} KiB | ≤ 64 KB: ${perConnKb <= 64 ? "met" : "missed"} |
| subscribers at which p99 passes 500 ms | ${p99Limit ? p99Limit.n.toLocaleString("en") : `not reached up to ${LADDER[LADDER.length - 1]!.toLocaleString("en")}`} | report |
| p50 / p99 with the listing re-read for each subscriber (1,000) | ${fmt(percentile(fresh, 50))} / ${fmt(percentile(fresh, 99))} ms | report |
| sustained ${achieved.toFixed(1)} events/s to 1,000 for ${SUSTAIN_SECONDS} s (${(achieved * 1000).toFixed(0)} messages/s asked) | lost ${gaps}, duplicates ${dupes}, out of order ${disorder}; p50 ${fmt(percentile(lat, 50))} ms, p99 ${fmt(percentile(lat, 99))} ms; ${deliveryRate.toFixed(0)} messages/s delivered, the backlog drained ${(drainMs / 1000).toFixed(1)} s after the last event | zero gaps, zero duplicates: ${gaps === 0 && dupes === 0 && disorder === 0 ? "met" : "missed"} |

Ladder (10 changes per rung, each delivered to every subscriber):

| subscribers | p50 ms | p99 ms | max ms | not received |
|---:|---:|---:|---:|---:|
${ladder.map((r) => `| ${r.n.toLocaleString("en")} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.lost} |`).join("\n")}
`);
  progress("wrote bench/RESULTS.md (subscriptions section)");
  const cleanup = new pg.Client({ connectionString: adminUrl() });
  await cleanup.connect();
  await cleanup.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await cleanup.end();
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
