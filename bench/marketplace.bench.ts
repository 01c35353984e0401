// npm run bench -- marketplace
// The storefront's speed ladder (issue 6), every rung measured in one run on this machine with
// autocannon (32 connections, a warm-up, several rounds, the median round reported):
//   1 node:http answering the same bytes as rung 3 (the ceiling)
//   2 bare graphql-yoga answering { __typename }
//   3 the first page of 20 listings with partner, tier and categories (MarketplaceListings), PostgreSQL, uncached
//   4 the same through the response cache
//   5 the same data read with raw pg in one statement and serialized by hand
//   6 a full-text search with two filters and facets (StorefrontSearch), uncached
//   7 rung 3 on the embedded PGlite
//   3′ rung 3 executed by graphql-js (GRAPHQL_JIT=false), to show what graphql-jit buys
// and, as one of the remedies the issue names, rung 3 on two server processes (3×2), the
// connections split between them as a load balancer would.
// Each server is a process of its own, all started before the first round; each round measures
// every rung in turn, so a change in the machine's load falls on all rungs alike. The load
// generator runs in this process. A PostgreSQL database and a PGlite folder with 10,000 live
// listings are made for the run and removed after it.
// Environment: BENCH_DATABASE_URL (or DATABASE_URL; default postgresql://postgres@127.0.0.1:5432/test),
// BENCH_LISTINGS, BENCH_SECONDS (per round), BENCH_ROUNDS, BENCH_WARMUP (seconds), BENCH_RUNGS
// (e.g. "3,5"), BENCH_MAX_LOAD (wait for the 1-minute load average to fall below it, up to
// BENCH_LOAD_WAIT seconds), BENCH_PROFILE=DIR (--cpu-prof of the program's server processes into DIR),
// BENCH_WRITE=0 (do not write bench/RESULTS.md).
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtemp, readdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { print } from "graphql";
import pg from "pg";
import { openDatabase } from "../src/db/database.js";
import { createEventBus } from "../src/events/bus.js";
import { createProgram } from "../src/program/program.js";
import { seedDemoData } from "../src/seed/demo.js";
import { MarketplaceListingsDocument, StorefrontSearchDocument } from "../schema/operations/generated/graphql.js";
import { cleanEnv, root } from "../test/support/processes.js";
import { generatedSpecs, insertCatalogue } from "../test/support/catalogue.js";
import { machine, progress, writeSection } from "./results-file.js";

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
const autocannon = createRequire(import.meta.url)("autocannon") as (opts: object) => Promise<CannonResult>;

const BASE = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const DB = "pp_bench_market";
const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const RUNGS = new Set((process.env.BENCH_RUNGS ?? "1,2,3,33,32,4,5,6,7").split(",").map(Number));
const MAX_LOAD = Number(process.env.BENCH_MAX_LOAD ?? 1.5);
const LOAD_WAIT = Number(process.env.BENCH_LOAD_WAIT ?? 600);
const PROFILE = process.env.BENCH_PROFILE;
const CONNECTIONS = 32;
const SECRET = "bench-secret-bench-secret-bench-secret";

const rungName = (n: number) => (n === 32 ? "3×2" : n === 33 ? "3′" : String(n));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dbUrl = (name: string) => Object.assign(new URL(BASE), { pathname: `/${name}` }).toString();
const load1 = () => os.loadavg()[0]!;

// The frontend's own documents: the storefront's first page, and a search with two filters and facets.
const PAGE = { query: print(MarketplaceListingsDocument), operationName: "MarketplaceListings", variables: { first: 20 } };
const SEARCH = {
  query: print(StorefrontSearchDocument),
  operationName: "StorefrontSearch",
  variables: { search: "budget forecast", filter: { categories: ["accounting", "erp", "estimating"], dataFlows: ["PUSH", "BIDIRECTIONAL"] }, first: 20 },
};
const TYPENAME = { query: "{ __typename }" };

interface Server { url: string; child: ChildProcess }

// CPU per request, from /proc: on a shared 2-core machine far steadier than throughput.
const TICK_MS = 1000 / 100; // CLK_TCK: 100 on Linux

/** utime + stime of a process (or, with `thread`, of its main thread alone), in ms (0 once it is gone). */
async function cpuMs(pid: number, thread = false): Promise<number> {
  try {
    const stat = await readFile(thread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** The local ports of a process's TCP connections to PostgreSQL's port. */
async function postgresClientPorts(pid: number, pgPort: number): Promise<Set<number>> {
  const inodes = new Set<string>();
  try {
    for (const fd of await readdir(`/proc/${pid}/fd`)) {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m) inodes.add(m[1]!);
    }
  } catch {
    return new Set();
  }
  const ports = new Set<number>();
  for (const table of ["tcp", "tcp6"]) {
    const text = await readFile(`/proc/${pid}/net/${table}`, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || !inodes.has(cols[9]!)) continue;
      if (parseInt(cols[2]!.split(":")[1]!, 16) === pgPort) ports.add(parseInt(cols[1]!.split(":")[1]!, 16));
    }
  }
  return ports;
}

/** CPU ms of the PostgreSQL backends serving these server processes (matched by client port), by backend pid. */
async function backendCpu(admin: pg.Client, pids: number[], pgPort: number): Promise<Map<number, number>> {
  const ports = new Set<number>();
  for (const pid of pids) for (const port of await postgresClientPorts(pid, pgPort)) ports.add(port);
  const out = new Map<number, number>();
  if (!ports.size) return out;
  const { rows } = await admin.query<{ pid: number; client_port: number }>(
    `SELECT pid, client_port FROM pg_stat_activity WHERE datname = $1 AND client_port = ANY($2::int[])`, [DB, [...ports]]);
  for (const r of rows) out.set(r.pid, await cpuMs(r.pid));
  return out;
}

interface CpuSample { server: number; main: number; backends: Map<number, number> }
async function sampleCpu(admin: pg.Client, servers: Server[], pgPort: number, withPg: boolean): Promise<CpuSample> {
  const pids = servers.map((s) => s.child.pid!);
  let server = 0;
  let main = 0;
  for (const pid of pids) {
    server += await cpuMs(pid);
    main += await cpuMs(pid, true);
  }
  return { server, main, backends: withPg ? await backendCpu(admin, pids, pgPort) : new Map() };
}
/** Server and PostgreSQL CPU ms per request between two samples (a backend that appeared counts from zero). */
function cpuPerRequest(a: CpuSample, b: CpuSample, requests: number, withPg: boolean): { server: number; main: number; pg: number | null } {
  let pgMs = 0;
  for (const [pid, ms] of b.backends) pgMs += ms - (a.backends.get(pid) ?? 0);
  return { server: (b.server - a.server) / Math.max(requests, 1), main: (b.main - a.main) / Math.max(requests, 1), pg: withPg ? pgMs / Math.max(requests, 1) : null };
}

/** Starts a process and waits for its port: "listening PORT" or the program's "… on http://localhost:PORT/graphql". */
async function startProcess(args: string[], env: Record<string, string>, nodeArgs: string[] = []): Promise<Server> {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", ...args], { cwd: root, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (err += s));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no port within 60 s:\n${out}${err}`)), 60_000);
    const onData = (s: string) => {
      out += s;
      const m = /listening (\d+)/.exec(out) ?? /on http:\/\/localhost:(\d+)\/graphql/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      // From now on the output (one JSON line per request) is read and dropped.
      child.stdout!.off("data", onData).on("data", () => {});
      resolve(Number(m[1]));
    };
    child.stdout!.setEncoding("utf8").on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited (${code}) before listening:\n${out}${err}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

async function stopProcess(s: Server) {
  const exited = new Promise((r) => s.child.once("exit", r));
  s.child.kill("SIGTERM");
  if (!(await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]))) s.child.kill("SIGKILL");
}

const programServer = (env: Record<string, string>) =>
  startProcess(["src/main.ts"], {
    PORT: "0", HOST: "127.0.0.1", NODE_ENV: "production", AUTH_SECRET: SECRET, SEED_DEMO_DATA: "false", MIGRATE_ON_START: "false",
    SHUTDOWN_GRACE_MS: "1000", ...env,
  }, PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE}`] : []);

async function post(url: string, body: object): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

async function checked(url: string, body: object): Promise<string> {
  const r = await post(url, body);
  const json = JSON.parse(r.text) as { data?: unknown; errors?: unknown };
  if (r.status !== 200 || json.errors || !json.data) throw new Error(`${url}: ${r.status} ${r.text.slice(0, 500)}`);
  return r.text;
}

interface Measure { rps: number; p50: number; p99: number; failed: number; load: number; serverCpu: number; mainCpu: number; pgCpu: number | null }

const cannonOptions = (urls: string[], body: object) => ({
  url: urls.map((u) => `${u}/graphql`), method: "POST", connections: CONNECTIONS, pipelining: 1,
  headers: { "content-type": "application/json" }, body: JSON.stringify(body),
});

function summarize(rounds: CannonResult[], loads: number[], cpu: { server: number; main: number; pg: number | null }[]): Measure {
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const pgs = cpu.map((c) => c.pg).filter((v): v is number => v !== null);
  return {
    rps: median(rounds.map((r) => r.requests.average)), p50: median(rounds.map((r) => r.latency.p50)), p99: median(rounds.map((r) => r.latency.p99)),
    failed: rounds.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0), load: median(loads),
    serverCpu: median(cpu.map((c) => c.server)), mainCpu: median(cpu.map((c) => c.main)), pgCpu: pgs.length ? median(pgs) : null,
  };
}

/** The same data, whatever the order of each listing's categories. */
function normalized(text: string) {
  const json = JSON.parse(text);
  // The frontend's query reads the event position with the page (to subscribe after it); the raw rung has no event feed.
  delete json.data.eventPosition;
  for (const e of json.data.listings.edges) e.node.content.categories.sort((a: { slug: string }, b: { slug: string }) => a.slug.localeCompare(b.slug));
  return JSON.stringify(json);
}

async function quietMachine(): Promise<{ waited: number; load: number }> {
  const t0 = Date.now();
  while (load1() > MAX_LOAD && Date.now() - t0 < LOAD_WAIT * 1000) {
    progress(`load average ${load1().toFixed(2)} > ${MAX_LOAD}: waiting (up to ${LOAD_WAIT} s)`);
    await sleep(15_000);
  }
  return { waited: Math.round((Date.now() - t0) / 1000), load: load1() };
}

async function seed(prisma: Parameters<typeof insertCatalogue>[0]) {
  const program = createProgram({ prisma, bus: createEventBus(undefined) });
  await seedDemoData(program);
  await insertCatalogue(prisma, generatedSpecs(LISTINGS), program.today());
  await program.bus.close();
}

async function main() {
  progress(`marketplace benchmark on ${machine()}`);
  const admin = new pg.Client({ connectionString: dbUrl("postgres") });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB}`);
  const pgDb = await openDatabase({ databaseUrl: dbUrl(DB), poolSize: 4 });
  await pgDb.migrate();
  await seed(pgDb.prisma);
  await pgDb.prisma.$executeRawUnsafe("VACUUM ANALYZE");
  await pgDb.close();
  progress(`PostgreSQL: ${LISTINGS.toLocaleString("en")} listings seeded in ${DB}`);
  const work = await mkdtemp(path.join(os.tmpdir(), "pp-bench-market-"));
  if (RUNGS.has(7)) {
    const lite = await openDatabase({ dataDir: path.join(work, "pglite") });
    await lite.migrate();
    await seed(lite.prisma);
    await lite.prisma.$executeRawUnsafe("VACUUM ANALYZE");
    await lite.close();
    progress(`PGlite: ${LISTINGS.toLocaleString("en")} listings seeded in ${work}/pglite`);
  }

  const quiet = await quietMachine();
  progress(`load average ${quiet.load.toFixed(2)} at start${quiet.waited ? ` (waited ${quiet.waited} s)` : ""}`);
  const started = new Date();
  const results = new Map<number, Measure>();
  const notes: string[] = [];
  // Which rungs' servers talk to this PostgreSQL (their backends' CPU is counted).
  interface Rung { rung: number; label: string; start: () => Promise<Server>; body: object; check?: (text: string) => void; instances?: number; postgres?: boolean }
  const pgPort = Number(new URL(BASE).port || 5432);

  // Rung 3's answer, for rung 1's bytes and rung 5's check.
  const uncached = () => programServer({ DATABASE_URL: dbUrl(DB), DATA_DIR: work, STOREFRONT_CACHE_MS: "0" });
  const reference = await uncached();
  const pageText = await checked(reference.url, PAGE);
  await stopProcess(reference);
  const bytesFile = path.join(work, "page.json");
  await writeFile(bytesFile, pageText);

  const rungs = ([
    { rung: 1, label: "node:http, same bytes", start: () => startProcess(["bench/marketplace-servers.ts", "static", bytesFile], {}), body: PAGE },
    { rung: 2, label: "bare yoga, { __typename }", start: () => startProcess(["bench/marketplace-servers.ts", "yoga"], {}), body: TYPENAME },
    { rung: 3, label: "first page of 20, PostgreSQL, uncached", start: uncached, body: PAGE, postgres: true },
    { rung: 33, label: "the same on graphql-js (GRAPHQL_JIT=false)", start: () => programServer({ DATABASE_URL: dbUrl(DB), DATA_DIR: work, STOREFRONT_CACHE_MS: "0", GRAPHQL_JIT: "false" }), body: PAGE, postgres: true },
    { rung: 32, label: "the same on two server processes", start: uncached, body: PAGE, instances: 2, postgres: true },
    { rung: 4, label: "the same, response cache", start: () => programServer({ DATABASE_URL: dbUrl(DB), DATA_DIR: work }), body: PAGE, postgres: true },
    {
      rung: 5, label: "raw pg + hand serialization", postgres: true, start: () => startProcess(["bench/marketplace-servers.ts", "raw", dbUrl(DB)], {}), body: PAGE,
      check: (text) => {
        if (normalized(text) !== normalized(pageText)) throw new Error(`rung 5 does not answer the same data as rung 3:\n${text.slice(0, 400)}\n${pageText.slice(0, 400)}`);
      },
    },
    {
      rung: 6, label: "search + two filters + facets, uncached", start: uncached, body: SEARCH, postgres: true,
      check: (text) => {
        const total = JSON.parse(text).data.listings.totalCount as number;
        notes.push(`Rung 6 matches ${total.toLocaleString("en")} of the ${LISTINGS.toLocaleString("en")} listings.`);
      },
    },
    { rung: 7, label: "first page of 20, PGlite, uncached", start: () => programServer({ DATA_DIR: work, STOREFRONT_CACHE_MS: "0" }), body: PAGE },
  ] satisfies Rung[] as Rung[]).filter((r) => RUNGS.has(r.rung));

  // Every server up and checked first; then each round measures every rung in turn, so a change in
  // the machine's load during the run falls on all rungs alike.
  const servers = new Map<number, Server[]>();
  try {
    for (const r of rungs) {
      const list: Server[] = [];
      servers.set(r.rung, list);
      for (let i = 0; i < (r.instances ?? 1); i++) list.push(await r.start());
      for (const server of list) {
        const text = await checked(server.url, r.body);
        r.check?.(text);
        progress(`rung ${rungName(r.rung)} (${r.label}): ${text.length} bytes per response`);
      }
    }
    for (const r of rungs) await autocannon({ ...cannonOptions(servers.get(r.rung)!.map((s) => s.url), r.body), duration: WARMUP });
    const rounds = new Map<number, { results: CannonResult[]; loads: number[]; cpu: { server: number; main: number; pg: number | null }[] }>(
      rungs.map((r) => [r.rung, { results: [], loads: [], cpu: [] }]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const r of rungs) {
        const acc = rounds.get(r.rung)!;
        acc.loads.push(load1());
        const list = servers.get(r.rung)!;
        const before = await sampleCpu(admin, list, pgPort, !!r.postgres);
        const res = await autocannon({ ...cannonOptions(list.map((s) => s.url), r.body), duration: SECONDS });
        const cpu = cpuPerRequest(before, await sampleCpu(admin, list, pgPort, !!r.postgres), res.requests.total, !!r.postgres);
        acc.results.push(res);
        acc.cpu.push(cpu);
        progress(`round ${round}, rung ${rungName(r.rung)}: ${res.requests.average.toFixed(0)} req/s, p50 ${res.latency.p50} ms, p99 ${res.latency.p99} ms, server CPU ${cpu.server.toFixed(2)} ms/req (main thread ${cpu.main.toFixed(2)})${cpu.pg === null ? "" : `, PostgreSQL CPU ${cpu.pg.toFixed(2)} ms/req`} (load ${load1().toFixed(2)})`);
      }
    }
    for (const r of rungs) results.set(r.rung, summarize(rounds.get(r.rung)!.results, rounds.get(r.rung)!.loads, rounds.get(r.rung)!.cpu));
  } finally {
    for (const list of servers.values()) for (const server of list) await stopProcess(server);
  }
  const endLoad = load1();

  await rm(work, { recursive: true, force: true });
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.end();

  const r = (n: number) => results.get(n);
  const ratio = (a: number, b: number, target: number) => {
    const x = r(a);
    const y = r(b);
    if (!x || !y) return "–";
    const v = x.rps / y.rps;
    return `${(v * 100).toFixed(0)}% (target ≥ ${target * 100}%: ${v >= target ? "met" : "missed"})`;
  };
  const p99 = (n: number, target: number) => {
    const x = r(n);
    return x ? `${x.p99} ms (target ≤ ${target} ms: ${x.p99 <= target ? "met" : "missed"})` : "–";
  };
  const cpu = (n: number, target: number) => {
    const x = r(n);
    return x ? `${x.serverCpu.toFixed(2)} ms (target ≤ ${target} ms: ${x.serverCpu <= target ? "met" : "missed"})` : "–";
  };
  const labels: Record<number, string> = {
    1: "`node:http`, the same response bytes as rung 3 (ceiling)",
    2: "bare graphql-yoga, `{ __typename }`",
    3: "first page of 20 with partner, tier, categories (MarketplaceListings), PostgreSQL, uncached",
    4: "the same through the response cache",
    5: "the same data: raw `pg`, one statement, hand serialization",
    6: "full-text search, two filters, facets (StorefrontSearch), uncached",
    7: "rung 3 on the embedded PGlite",
    32: "rung 3 on two server processes (connections split between them)",
    33: "rung 3 executed by graphql-js instead of graphql-jit (`GRAPHQL_JIT=false`)",
  };
  // The load during the rounds is the benchmark's own (load generator, server, PostgreSQL on the same
  // cores); only the load before it started tells whether other work shared the machine.
  const busy = quiet.load > MAX_LOAD;
  const markdown = `## Marketplace read side (issues 6 and 12)

Command: \`npm run bench -- marketplace\` (PostgreSQL at \`BENCH_DATABASE_URL\`/\`DATABASE_URL\`, a database made for the run).
Date: ${started.toISOString().slice(0, 10)}. Machine: ${machine()}.
${LISTINGS.toLocaleString("en")} live listings; autocannon in the benchmark's process, ${CONNECTIONS} connections, ${WARMUP} s warm-up per rung, then ${ROUNDS} rounds of ${SECONDS} s, each round measuring every rung in turn (a change in the machine's load falls on all rungs alike); the median round is reported.
Every server is a process of its own, all started before the first round; the program's run with \`NODE_ENV=production\` (per-request JSON log lines on, as in production).
Load average (1 min): ${quiet.load.toFixed(2)} at the start${quiet.waited ? ` after waiting ${quiet.waited} s` : ""}, ${endLoad.toFixed(2)} at the end (during the rounds the load is the benchmark's own: load generator, server and PostgreSQL share the ${os.cpus().length} cores)${busy ? ` — **the machine was busy (other engineers' test runs share its ${os.cpus().length} cores): absolute numbers are low and noisy; the ratios, measured side by side, are the useful part**` : ""}.

Server CPU is utime+stime of the server process(es) from \`/proc/<pid>/stat\` over each measured round, divided by its requests; PostgreSQL CPU the same for the backends serving that server (matched by client port through \`pg_stat_activity\`); both the median round. "Of which its main thread" is the server's JavaScript thread alone (\`/proc/<pid>/task/<pid>/stat\`); the rest is the process's other threads: garbage collection and I/O helpers, and on rung 7 PGlite's own thread (the embedded database runs on a worker thread, src/db/pglite-client.ts), so rung 7's database work is in its server CPU.

| rung | what | req/s | server CPU ms/req | of which its main thread | PostgreSQL CPU ms/req | p50 ms | p99 ms | failed | load (median of its rounds) |
|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|
${[1, 2, 3, 33, 32, 4, 5, 6, 7].map((n) => {
    const m = r(n);
    return m
      ? `| ${rungName(n)} | ${labels[n]} | ${m.rps.toFixed(0)} | ${m.serverCpu.toFixed(2)} | ${m.mainCpu.toFixed(2)} | ${m.pgCpu === null ? "–" : m.pgCpu.toFixed(2)} | ${m.p50} | ${m.p99} | ${m.failed} | ${m.load.toFixed(2)} |`
      : `| ${rungName(n)} | ${labels[n]} | not run | | | | | | | |`;
  }).join("\n")}

| target | result |
|---|---|
| rung 3 ≥ 35% of rung 2 | ${ratio(3, 2, 0.35)}; on two processes (3×2): ${ratio(32, 2, 0.35)} |
| rung 4 ≥ 80% of rung 2 | ${ratio(4, 2, 0.8)} |
| rung 3 ≥ 60% of rung 5 (issue 12: aim at 100%) | ${ratio(3, 5, 0.6)}; 3×2: ${ratio(32, 5, 0.6)} |
| server CPU of rung 3 ≤ 2.5 ms/request | ${cpu(3, 2.5)} |
| rung 6 ≥ 35% of rung 5 | ${ratio(6, 5, 0.35)} |
| server CPU of rung 6 ≤ 4 ms/request | ${cpu(6, 4)} |
| rung 7 (PGlite) ≥ 50% of rung 3 | ${ratio(7, 3, 0.5)} |
| p99 of rung 3 ≤ 50 ms | ${p99(3, 50)}; 3×2: ${p99(32, 50)} |
| p99 of rung 6 ≤ 100 ms | ${p99(6, 100)} |

${notes.join(" ")}

${FINDINGS}
`;
  process.stdout.write(`${markdown}\n`);
  if (process.env.BENCH_WRITE !== "0") {
    await writeSection("marketplace", markdown);
    progress("wrote bench/RESULTS.md (marketplace section)");
  }
}

/** What profiling showed and what was done about it: kept beside the benchmark, so a rerun keeps it. */
const FINDINGS = (await readFile(new URL("./marketplace-findings.md", import.meta.url), "utf8")).trim();

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
