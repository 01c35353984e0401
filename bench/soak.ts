// npm run soak -- --minutes N   (or --seconds N; --write puts the result in bench/RESULTS.md)
// A real server process on PostgreSQL + Redis (a database created for the run, dropped after):
// mixed queries and mutations from several viewers, 200 graphql-ws subscribers, the server's RSS
// sampled over time. Reports the memory slope (least squares, KiB/min, after a warm-up), 5xx
// responses, and for every subscriber the events lost, duplicated or out of order compared with the
// Event table. Progress on stderr; the summary table on stdout.
import { readFile, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createClient, type Client } from "graphql-ws";
import pg from "pg";
import WebSocket from "ws";
import { dedicatedDatabase, demoActors, LOAD_ENV, metricValue, sendLeadOnce, type Actor } from "../test/support/faults.js";
import { listening, startServer, stop } from "../test/support/processes.js";
import { machine, percentile, writeSection } from "./results-file.js";

export interface SoakOptions {
  /** How long the measured load runs, after the warm-up. */
  seconds: number;
  /** Load before the measurement starts (V8's heap grows to its working size); default min(60, seconds / 4). */
  warmupSeconds?: number;
  subscribers?: number;
  /** Mutations per second (sendLead and triageLead). */
  mutationRate?: number;
  /** Queries per second. */
  queryRate?: number;
  databaseUrl?: string;
  redisUrl?: string;
  /** Extra node flags for the server process (e.g. --max-old-space-size=128). */
  nodeArgs?: string[];
  /** Progress lines (stderr by default). */
  progress?: (line: string) => void;
}

export interface SoakResult {
  seconds: number;
  subscribers: number;
  mutations: number;
  queries: number;
  /** HTTP responses with a 5xx status, as the clients saw them. */
  http5xx: number;
  /** The server's own count of 5xx responses on /graphql (its /metrics). */
  server5xx: number;
  /** Requests that got no HTTP answer at all. */
  noAnswer: number;
  /** Answers with GraphQL errors or typed errors (not 5xx). */
  graphqlErrors: number;
  /** Error lines in the server's log. */
  errorLogLines: number;
  latencyMs: { p50: number; p99: number };
  events: number;
  /** Deliveries expected: each subscriber times the events matching its subscription. */
  expectedDeliveries: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  subscriptionErrors: number;
  /** Time from the end of the load until every subscriber had everything. */
  drainMs: number;
  rss: { startMiB: number; endMiB: number; maxMiB: number; slopeKiBPerMin: number; samples: number; warmupSeconds: number };
  heapUsed: { slopeKiBPerMin: number; endMiB: number; totalEndMiB: number };
  /** V8's heap just after each major collection (a drop of 30 % or more between samples): its floor. */
  heapAfterGc: { cycles: number; firstMiB: number; lastMiB: number; slopeKiBPerMin: number };
  loadAverage: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Least-squares slope of y over x. */
export function slope(points: { x: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** A sample from the server's /metrics text; 0 when absent. */
const metric = (text: string, name: string, labels: Record<string, string> = {}) => metricValue(text, name, labels) ?? 0;

interface Subscriber {
  client: Client;
  /** The partner followed (partnerEvents), or null (programEvents: everything). */
  partnerId: string | null;
  positions: bigint[];
  errors: unknown[];
}

const QUERIES: { who: "public" | "staff" | "partner"; query: (a: Actor) => string }[] = [
  { who: "public", query: () => `query Shop { listings(first: 10) { edges { node { id content { name tagline } partner { name } } } } }` },
  { who: "public", query: () => `query Me { viewer { role } }` },
  { who: "staff", query: () => `query Partners { partners(first: 10) { edges { node { name slug tier } } } }` },
  { who: "staff", query: () => `query History { events(first: 20) { edges { node { type position } } } }` },
  { who: "partner", query: () => `query MyLeads { viewer { role partner { name leads(first: 10) { edges { node { company status } } } } } }` },
];

export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  const progress = opts.progress ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const baseUrl = opts.databaseUrl ?? process.env.SOAK_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
  const redisUrl = opts.redisUrl ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const subscriberCount = opts.subscribers ?? 200;
  const mutationRate = opts.mutationRate ?? 5;
  const queryRate = opts.queryRate ?? 20;
  const db = await dedicatedDatabase(baseUrl, "pp_soak");
  const server = startServer(
    { ...LOAD_ENV, DATABASE_URL: db.url, REDIS_URL: redisUrl, SEED_DEMO_DATA: "true", DATA_DIR: await mkdtemp(path.join(os.tmpdir(), "pp-soak-")) },
    opts.nodeArgs ?? [],
  );
  const subs: Subscriber[] = [];
  try {
    const base = await listening(server);
    const port = Number(new URL(base).port);
    const pid = server.child.pid!;
    let errorLogLines = 0;
    // The server logs a line per request: keep only a scan for errors, not the whole text.
    const trimLog = () => {
      const lines = server.stdout.split("\n");
      const rest = lines.pop() ?? "";
      errorLogLines += lines.filter((l) => l.includes(`"level":"error"`)).length;
      server.stdout = rest;
    };
    const { partners, staffToken } = await demoActors(db.url);
    const partnerIds = [...new Set(partners.map((p) => p.partnerId))];
    progress(`soak: server pid ${pid} on ${base}, database ${new URL(db.url).pathname.slice(1)}, ${opts.seconds} s, ${subscriberCount} subscribers, ${mutationRate} mutations/s, ${queryRate} queries/s`);

    // Subscribers: half follow everything (programEvents), half one partner each (partnerEvents).
    let acked = 0;
    for (let i = 0; i < subscriberCount; i++) {
      const partnerId = i % 2 ? partnerIds[i % partnerIds.length]! : null;
      const sub: Subscriber = { partnerId, positions: [], errors: [], client: undefined as unknown as Client };
      sub.client = createClient({
        url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: (e) => void sub.errors.push(e),
        connectionParams: { authorization: `Bearer ${staffToken}` },
        on: { connected: () => void acked++ },
      });
      const query = partnerId
        ? { query: `subscription($p: ID!) { partnerEvents(partnerId: $p) { position } }`, variables: { p: Buffer.from(`Partner:${partnerId}`).toString("base64") } }
        : { query: `subscription { programEvents { position } }` };
      sub.client.subscribe<{ partnerEvents?: { position: string }; programEvents?: { position: string } }>(query, {
        next: (m) => {
          const e = m.data?.partnerEvents ?? m.data?.programEvents;
          if (e) sub.positions.push(BigInt(e.position));
          if (m.errors) sub.errors.push(m.errors);
        },
        error: (e) => void sub.errors.push(e),
        complete: () => {},
      });
      subs.push(sub);
      if (i % 50 === 49) await sleep(50);
    }
    for (let i = 0; i < 600 && acked < subscriberCount; i++) await sleep(50);
    if (acked < subscriberCount) throw new Error(`only ${acked} of ${subscriberCount} subscribers connected`);
    await sleep(1000); // every subscription registered with the server's feed
    const dbc = new pg.Client({ connectionString: db.url });
    await dbc.connect();
    const startPosition = BigInt((await dbc.query(`SELECT coalesce(max(position), 0) AS p FROM "Event"`)).rows[0].p);

    // Load.
    let running = true;
    let mutations = 0, queries = 0, http5xx = 0, noAnswer = 0, graphqlErrors = 0;
    const latencies: number[] = [];
    const newLeads: string[] = [];
    const acceptedLeads: string[] = [];
    const tokenFor = (who: "public" | "staff" | "partner", a: Actor) => (who === "public" ? undefined : who === "staff" ? staffToken : a.token);
    const post = async (query: string, variables: object, token: string | undefined): Promise<any> => {
      const t0 = performance.now();
      try {
        const res = await fetch(`${base}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(30_000),
        });
        if (res.status >= 500) http5xx++;
        const body = (await res.json()) as any;
        latencies.push(performance.now() - t0);
        if (body.errors) graphqlErrors++;
        return body;
      } catch {
        noAnswer++;
        return undefined;
      }
    };
    /** Calls `fire` `rate` times a second, spread over `workers` loops. */
    const paced = (rate: number, workers: number, fire: (n: number) => Promise<void>) =>
      Array.from({ length: workers }, async (_, w) => {
        const every = (1000 * workers) / rate;
        let n = w;
        const start = performance.now() + (w * every) / workers;
        while (running) {
          const due = start + (n / workers) * every;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          if (!running) break;
          await fire(n);
          n += workers;
        }
      });
    const load = [
      ...paced(mutationRate, 4, async (n) => {
        mutations++;
        const actor = partners[n % partners.length]!;
        // Mostly new leads; staff triage some: NEW -> ACCEPTED -> WON.
        if (n % 3 === 2 && (newLeads.length || acceptedLeads.length)) {
          const [leadId, status] = acceptedLeads.length && n % 2 ? [acceptedLeads.shift()!, "WON"] : [newLeads.shift()!, "ACCEPTED"];
          if (!leadId) return;
          const body = await post(`mutation Triage($id: ID!, $s: LeadStatus!) { triageLead(leadId: $id, status: $s) { __typename } }`, { id: leadId, s: status }, staffToken);
          if (body?.data?.triageLead?.__typename === "MutationTriageLeadSuccess" && status === "ACCEPTED") acceptedLeads.push(leadId);
          else if (body && body.data?.triageLead?.__typename !== "MutationTriageLeadSuccess") graphqlErrors++;
          return;
        }
        const t0 = performance.now();
        const a = await sendLeadOnce(base, actor, `Soak ${n}`, `soak-${n}`);
        if (a.kind === "applied") {
          latencies.push(performance.now() - t0);
          newLeads.push(a.leadId);
        } else if (a.kind === "no-response") noAnswer++;
        else if (a.kind === "refused" && a.status >= 500) http5xx++;
        else graphqlErrors++;
      }),
      ...paced(queryRate, 4, async (n) => {
        queries++;
        const q = QUERIES[n % QUERIES.length]!;
        const actor = partners[n % partners.length]!;
        await post(q.query(actor), {}, tokenFor(q.who, actor));
      }),
    ];

    // Samples: RSS from /proc, heap and counters from /metrics; the slope counts after the warm-up.
    const warmupSeconds = opts.warmupSeconds ?? Math.min(120, opts.seconds / 4);
    const sampleMs = opts.seconds >= 300 ? 2000 : 1000;
    const rss: { x: number; y: number }[] = [];
    const heap: { x: number; y: number }[] = [];
    const heapTotal: number[] = [];
    const t0 = Date.now();
    let lastProgress = 0;
    let scrape = "";
    while (Date.now() - t0 < (warmupSeconds + opts.seconds) * 1000) {
      await sleep(sampleMs);
      trimLog();
      const minutes = (Date.now() - t0) / 60_000;
      const kib = await rssKiB(pid);
      scrape = await fetch(`${base}/metrics`).then((r) => r.text()).catch(() => scrape);
      rss.push({ x: minutes, y: kib });
      heap.push({ x: minutes, y: metric(scrape, "nodejs_heap_size_used_bytes") / 1024 });
      heapTotal.push(metric(scrape, "nodejs_heap_size_total_bytes") / 1024);
      if (Date.now() - lastProgress >= (opts.seconds >= 300 ? 30_000 : 10_000)) {
        lastProgress = Date.now();
        const received = subs.reduce((s, x) => s + x.positions.length, 0);
        progress(`soak: ${Math.round((Date.now() - t0) / 1000)} s  mutations ${mutations}  queries ${queries}  5xx ${http5xx}  ` +
          `rss ${(kib / 1024).toFixed(1)} MiB  heap used/total ${(metric(scrape, "nodejs_heap_size_used_bytes") / 2 ** 20).toFixed(1)}/${(metric(scrape, "nodejs_heap_size_total_bytes") / 2 ** 20).toFixed(1)} MiB  ` +
          `external ${(metric(scrape, "nodejs_external_memory_bytes") / 2 ** 20).toFixed(1)} MiB  ` +
          `deliveries ${received}  feed lag ${metric(scrape, "event_feed_lag_events")}  subscriptions ${metric(scrape, "graphql_active_subscriptions")}`);
      }
    }
    running = false;
    await Promise.all(load);
    const loadEnded = Date.now();

    // Every subscriber should end with exactly the events of the table that match it.
    const rows = (await dbc.query<{ position: string; partnerId: string | null }>(`SELECT position, "partnerId" FROM "Event" WHERE position > $1 ORDER BY position`, [startPosition.toString()])).rows;
    await dbc.end();
    const expectedFor = (s: Subscriber) => rows.filter((r) => s.partnerId === null || r.partnerId === s.partnerId).map((r) => BigInt(r.position));
    const expected = subs.map(expectedFor);
    const complete = () => subs.every((s, i) => new Set(s.positions).size >= expected[i]!.length);
    for (let i = 0; i < 1200 && !complete(); i++) await sleep(50);
    await sleep(1000); // anything extra (a duplicate) would arrive now
    const drainMs = Date.now() - loadEnded;
    let lost = 0, duplicates = 0, outOfOrder = 0, subscriptionErrors = 0;
    subs.forEach((s, i) => {
      const want = new Set(expected[i]!);
      const got = new Set(s.positions);
      for (const p of want) if (!got.has(p)) lost++;
      duplicates += s.positions.length - got.size;
      for (let k = 1; k < s.positions.length; k++) if (s.positions[k]! <= s.positions[k - 1]!) outOfOrder++;
      subscriptionErrors += s.errors.length;
    });
    const finalScrape = await fetch(`${base}/metrics`).then((r) => r.text());
    trimLog();
    const steady = (points: { x: number; y: number }[]) => points.filter((p) => p.x * 60 >= warmupSeconds);
    const sorted = [...latencies].sort((a, b) => a - b);
    const floors = steady(heap.filter((p, i) => i > 0 && p.y < heap[i - 1]!.y * 0.7));
    return {
      seconds: opts.seconds,
      subscribers: subscriberCount,
      mutations,
      queries,
      http5xx,
      server5xx: metric(finalScrape, "http_responses_5xx_total", { route: "graphql" }),
      noAnswer,
      graphqlErrors,
      errorLogLines,
      latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99) },
      events: rows.length,
      expectedDeliveries: expected.reduce((s, e) => s + e.length, 0),
      lost,
      duplicates,
      outOfOrder,
      subscriptionErrors,
      drainMs,
      rss: {
        startMiB: (rss[0]?.y ?? 0) / 1024,
        endMiB: (rss.at(-1)?.y ?? 0) / 1024,
        maxMiB: Math.max(...rss.map((p) => p.y)) / 1024,
        slopeKiBPerMin: slope(steady(rss)),
        samples: rss.length,
        warmupSeconds,
      },
      heapUsed: { slopeKiBPerMin: slope(steady(heap)), endMiB: (heap.at(-1)?.y ?? 0) / 1024, totalEndMiB: (heapTotal.at(-1) ?? 0) / 1024 },
      heapAfterGc: {
        cycles: floors.length,
        firstMiB: (floors[0]?.y ?? 0) / 1024,
        lastMiB: (floors.at(-1)?.y ?? 0) / 1024,
        slopeKiBPerMin: slope(floors),
      },
      loadAverage: os.loadavg(),
    };
  } finally {
    for (const s of subs) await s.client.dispose();
    await stop(server).catch(() => server.child.kill("SIGKILL"));
    await db.drop().catch(() => {});
  }
}

export function summaryTable(r: SoakResult): string {
  const f = (n: number, d = 1) => n.toFixed(d);
  return [
    "| measure | result |",
    "|---|---|",
    `| duration | ${f(r.rss.warmupSeconds, 0)} s warm-up, then ${r.seconds} s measured (${r.rss.samples} memory samples) |`,
    `| load | ${r.mutations} mutations (sendLead with Idempotency-Key, triageLead), ${r.queries} queries, ${r.subscribers} graphql-ws subscribers |`,
    `| latency p50 / p99 (queries and mutations) | ${f(r.latencyMs.p50)} / ${f(r.latencyMs.p99)} ms |`,
    `| RSS start / end / max | ${f(r.rss.startMiB)} / ${f(r.rss.endMiB)} / ${f(r.rss.maxMiB)} MiB |`,
    `| RSS slope (least squares, after the warm-up) | ${f(r.rss.slopeKiBPerMin)} KiB/min |`,
    `| V8 heap used: slope, end (heap size at the end) | ${f(r.heapUsed.slopeKiBPerMin)} KiB/min, ${f(r.heapUsed.endMiB)} MiB (${f(r.heapUsed.totalEndMiB)} MiB) |`,
    `| V8 heap just after major GCs: cycles, first → last, slope | ${r.heapAfterGc.cycles}, ${f(r.heapAfterGc.firstMiB)} → ${f(r.heapAfterGc.lastMiB)} MiB, ${f(r.heapAfterGc.slopeKiBPerMin)} KiB/min |`,
    `| 5xx responses (clients / server's /metrics) | ${r.http5xx} / ${r.server5xx} |`,
    `| requests without an answer | ${r.noAnswer} |`,
    `| answers with errors (GraphQL or typed) | ${r.graphqlErrors} |`,
    `| error lines in the server log | ${r.errorLogLines} |`,
    `| events committed during the load | ${r.events} |`,
    `| deliveries expected (subscribers × matching events) | ${r.expectedDeliveries} |`,
    `| lost / duplicated / out of order | ${r.lost} / ${r.duplicates} / ${r.outOfOrder} |`,
    `| subscription errors | ${r.subscriptionErrors} |`,
    `| time to drain after the load | ${r.drainMs} ms |`,
    `| load average at the end (1/5/15 min) | ${r.loadAverage.map((x) => f(x, 2)).join(" / ")} |`,
  ].join("\n");
}

async function main() {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const minutes = arg("minutes");
  const secondsArg = arg("seconds");
  const seconds = minutes ? Number(minutes) * 60 : secondsArg ? Number(secondsArg) : 60;
  if (!Number.isFinite(seconds) || seconds < 10) {
    process.stderr.write("usage: npm run soak -- --minutes N | --seconds N (at least 10) [--warmup S] [--subscribers 200] [--mutations-per-second 5] [--queries-per-second 20] [--node-arg FLAG]... [--write]\n");
    process.exit(2);
  }
  const loadBefore = os.loadavg();
  const result = await runSoak({
    seconds,
    ...(arg("warmup") ? { warmupSeconds: Number(arg("warmup")) } : {}),
    subscribers: Number(arg("subscribers") ?? 200),
    nodeArgs: args.flatMap((a, i) => (args[i - 1] === "--node-arg" ? [a] : [])),
    mutationRate: Number(arg("mutations-per-second") ?? 5),
    queryRate: Number(arg("queries-per-second") ?? 20),
  });
  const table = summaryTable(result);
  process.stdout.write(`\n${table}\n`);
  if (args.includes("--write")) {
    await writeSection("soak", `## Soak (issue 7)

Command: \`npm run soak -- --minutes ${f0(seconds / 60)} --write\` (PostgreSQL + Redis; server and clients on the same machine).
Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${machine()}.
Load average before the run: ${loadBefore.map((x) => x.toFixed(2)).join(" / ")} (1/5/15 min).
One server process (\`src/main.ts\`) on a database created for the run; ${result.subscribers} graphql-ws subscribers
(half on \`programEvents\`, half on one partner's \`partnerEvents\`); mutations and queries from five partner
members, staff and the public. The memory slope is a least-squares fit of the server's RSS (from
\`/proc/<pid>/status\`) over time, after the warm-up; lost and duplicated events compare what each
subscriber received with the Event table.

${table}
`);
    process.stderr.write("wrote the soak section of bench/RESULTS.md\n");
  }
  const ok = result.http5xx === 0 && result.lost === 0 && result.duplicates === 0 && result.outOfOrder === 0;
  process.exit(ok ? 0 : 1);
}

const f0 = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`soak failed: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
