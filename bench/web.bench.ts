// npm run bench -- web [--runs N]
// How soon the storefront's first page is interactive for a visitor (issue 17: under 1 s on the demo
// data on this machine): `npm start` on a fresh embedded data folder (demo data and catalogue), then
// Debian's Chromium (playwright-core) opens http://127.0.0.1:<port>/ N times, each in a new context
// (an empty cache, as a first visit) and N times again in one context (a return visit: the hashed
// assets from the browser's cache). Per visit: the document interactive (domInteractive), the first
// listing cards in the document (a MutationObserver from navigation start), and when the cards'
// links answer a keyboard (the first card focused and its link followed by Enter). The median and
// the slowest count; the first visit after start-up also counts alone (the server's first answer).
// PGLITE_WORKER, when set, is passed to the server (the embedded database on its own thread or not).
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { freePort } from "../test/support/processes.js";
import { machine, percentile, progress, writeSection } from "./results-file.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf("--runs") + 1] ?? 0) || 15;
const CHROMIUM = "/usr/bin/chromium";
const TARGET_MS = 1000;

if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);

interface Visit { interactive: number; cards: number; keyboard: number }

async function visit(context: BrowserContext, base: string): Promise<Visit> {
  const page = await context.newPage();
  await page.addInitScript(() => {
    new MutationObserver((_m, observer) => {
      if (document.querySelector(".cards .card")) {
        (window as unknown as { firstCardsAt: number }).firstCardsAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(`${base}/`, { waitUntil: "domcontentloaded" });
  await page.locator(".cards .card").first().waitFor({ timeout: 30_000 });
  const cards = await page.evaluate(() => (window as unknown as { firstCardsAt: number }).firstCardsAt);
  const interactive = await page.evaluate(() => (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).domInteractive);
  // Usable: the first card's link takes focus and Enter opens the listing's page.
  const link = page.locator(".cards .card a").first();
  await link.focus();
  await page.keyboard.press("Enter");
  await page.locator(".listing-page").waitFor({ timeout: 30_000 });
  const keyboard = await page.evaluate(() => performance.now());
  await page.close();
  return { interactive, cards, keyboard };
}

const work = await mkdtemp(path.join(os.tmpdir(), "pp-bench-web-"));
const loadBefore = os.loadavg();
execFileSync(process.execPath, [path.join(root, "scripts", "build.mjs"), "--if-stale"], { cwd: root, stdio: "inherit" });
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn("npm", ["start"], {
  cwd: root, detached: true, stdio: ["ignore", "ignore", "pipe"],
  env: { PATH: process.env.PATH!, HOME: process.env.HOME!, TMPDIR: os.tmpdir(), DATA_DIR: path.join(work, "data"), PORT: String(port), NO_COLOR: "1", ...(process.env.PGLITE_WORKER ? { PGLITE_WORKER: process.env.PGLITE_WORKER } : {}) },
});
let stderr = "";
server.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  for (let i = 0; ; i++) {
    if (server.exitCode !== null) throw new Error(`npm start exited:\n${stderr}`);
    if (await fetch(`${base}/ready`).then((r) => r.status === 200, () => false)) break;
    if (i > 6000) throw new Error("npm start not ready within 120 s");
    await new Promise((r) => setTimeout(r, 20));
  }
  progress(`web: server ready on ${base}; ${RUNS} first visits, then ${RUNS} return visits`);
  const first: Visit[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    first.push(await visit(context, base));
    await context.close();
    progress(`web: first visit ${i + 1}: cards at ${first[i]!.cards.toFixed(0)} ms`);
  }
  const again: Visit[] = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await visit(context, base);
  for (let i = 0; i < RUNS; i++) {
    again.push(await visit(context, base));
    progress(`web: return visit ${i + 1}: cards at ${again[i]!.cards.toFixed(0)} ms`);
  }
  await context.close();

  const stat = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { median: percentile(s, 50), max: s[s.length - 1]! };
  };
  const row = (what: string, visits: Visit[]) => {
    const c = stat(visits.map((v) => v.cards));
    const d = stat(visits.map((v) => v.interactive));
    const k = stat(visits.map((v) => v.keyboard));
    return `| ${what} | ${visits.length} | ${d.median.toFixed(0)} / ${d.max.toFixed(0)} | ${c.median.toFixed(0)} / ${c.max.toFixed(0)} | ${k.median.toFixed(0)} / ${k.max.toFixed(0)} | ${c.max <= TARGET_MS ? "met" : c.median <= TARGET_MS ? "met by the median" : "missed"} |`;
  };
  const loadAfter = os.loadavg();
  const md = `## Web frontends: the storefront's first page (issue 17)

Command: \`npm run bench -- web\` (\`--runs ${RUNS}\`): \`npm start\` on a new embedded data folder (demo data and the
demo catalogue), then Debian's Chromium (headless, playwright-core) on the same machine opens the storefront.
A first visit is a new browser context (nothing cached); a return visit reuses one (the hashed assets cached,
\`index.html\` revalidated). Times are from navigation start, in ms: the document interactive, the first
listing cards in the document, and the listing page open after the first card's link was focused and
followed with Enter (the page answering a keyboard).
Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${machine()}. Load average before: ${loadBefore.map((l) => l.toFixed(2)).join(" ")}; after: ${loadAfter.map((l) => l.toFixed(2)).join(" ")} (the browser and the server share the 2 cores).

| visit | visits | document interactive, median / slowest | first cards, median / slowest | keyboard to the listing page, median / slowest | first page under ${TARGET_MS} ms |
|---|---:|---:|---:|---:|---|
${row("first (nothing cached; the first one right after start-up)", first)}
${row("return (assets cached)", again)}

The first visit after start-up alone: first cards at ${first[0]!.cards.toFixed(0)} ms.
`;
  progress(md);
  await writeSection("web", md);
} finally {
  await browser.close().catch(() => {});
  if (server.exitCode === null) {
    const gone = new Promise((r) => server.once("exit", r));
    process.kill(-server.pid!, "SIGTERM");
    await gone;
  }
  await rm(work, { recursive: true, force: true });
}
