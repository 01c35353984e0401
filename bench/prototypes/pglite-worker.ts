// Prototype for issue 12's rung 7 (not used by the program): PGlite on a worker thread against PGlite
// on the main thread, for the storefront's page statement (3,000 listings, 32 requests in flight),
// with the main thread also doing a fixed amount of work per request standing in for GraphQL and
// HTTP (GQL_MS, default 0.4 ms, about rung 3's server CPU). On the main thread the two take turns on
// one core; on a worker, PostgreSQL runs beside them on the other.
//   node --import tsx bench/prototypes/pglite-worker.ts
// Measured 2026-12-01 (2 cores, AMD EPYC): main thread 784 pages/s (1.39 ms of process CPU a page),
// worker thread 1,070 pages/s (1.54 ms: the page crosses threads by structured clone).
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import os from "node:os"; import path from "node:path"; import { mkdtempSync } from "node:fs";
import { openDatabase } from "../../src/db/database.js";
import { insertCatalogue, generatedSpecs } from "../../test/support/catalogue.js";
import { storefrontPage } from "../../src/program/storefront.js";

const q = { text: null, categories: [], tiers: [], dataFlows: [], dataConnector: null, sort: "NAME", pageSize: 20 } as any;
const viewer = { kind: "public", fedrampCleared: false } as any;
const today = new Date();
const busy = (ms: number) => { const end = performance.now() + ms; let x = 0; while (performance.now() < end) x++; return x; };
const GRAPHQL_MS = Number(process.env.GQL_MS ?? 0.4);

if (isMainThread) {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "proto-")), "pglite");
  {
    const db = await openDatabase({ dataDir: dir });
    await db.migrate();
    await insertCatalogue(db.prisma, generatedSpecs(3000, { seed: 3 }), today);
    await db.prisma.$executeRawUnsafe("VACUUM ANALYZE");
    await db.close();
  }
  const run = async (label: string, page: () => Promise<unknown>) => {
    const N = 3000, C = 32; let done = 0;
    const c0 = process.cpuUsage(); const t0 = performance.now();
    await Promise.all(Array.from({ length: C }, async () => { while (done < N) { done++; const r = await page(); JSON.stringify(r); busy(GRAPHQL_MS); } }));
    const s = (performance.now() - t0) / 1000; const c = process.cpuUsage(c0);
    console.log(`${label}: ${(N / s).toFixed(0)} pages/s, process CPU ${((c.user + c.system) / N / 1000).toFixed(2)} ms/page`);
  };
  // Main thread.
  const db = await openDatabase({ dataDir: dir });
  const direct = () => storefrontPage(db.sql, viewer, "COMMERCIAL", q, { direction: "forward", cursor: null }, today, {});
  for (let i = 0; i < 200; i++) await direct();
  await run("PGlite on the main thread", direct);
  await db.close();
  // Worker thread.
  const worker = new Worker(new URL("./pglite-worker-entry.mjs", import.meta.url), { workerData: { dir } });
  let next = 0; const waiting = new Map<number, (v: unknown) => void>();
  worker.on("message", (m: { id: number; page: unknown }) => { if (m.id === 0) return; waiting.get(m.id)!(m.page); waiting.delete(m.id); });
  await new Promise((r) => worker.once("message", r));
  const viaWorker = () => new Promise((resolve) => { const id = ++next; waiting.set(id, resolve); worker.postMessage(id); });
  for (let i = 0; i < 200; i++) await viaWorker();
  await run("PGlite on a worker thread", viaWorker);
  await worker.terminate();
} else {
  const db = await openDatabase({ dataDir: workerData.dir });
  parentPort!.postMessage({ id: 0, page: null });
  parentPort!.on("message", async (id: number) => {
    const page = await storefrontPage(db.sql, viewer, "COMMERCIAL", q, { direction: "forward", cursor: null }, today, {});
    parentPort!.postMessage({ id, page: JSON.parse(JSON.stringify(page)) });
  });
}
