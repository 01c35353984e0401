// npm run bench -- import
// Usage import (npm run usage:import -- FILE) of a generated 1,000,000-row CSV on PostgreSQL:
// rows per second (check pass + import pass) and the importer's memory as the file is read (RSS at
// 250k, 500k and 1M rows). Target: at least 20,000 rows/s with memory flat.
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createBenchDatabase, cliEnv, dropBenchDatabase, generateProgram, runCli } from "./program-data.js";
import { machine, progress, writeSection } from "./results-file.js";

const DB = "pp_bench_import";
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const HEAP_CAP_MB = 160;
const dir = await mkdtemp(path.join(os.tmpdir(), "pp-bench-import-"));
const file = path.join(dir, "usage.csv");

try {
  progress("import: generating 10,000 partners with 30,000 apps ...");
  const url = await createBenchDatabase(DB);
  await generateProgram(url, { partners: 10_000, appsPerPartner: 3, usage: false });
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const apps = (await c.query<{ id: string }>(`SELECT "id"::text AS id FROM "App" ORDER BY "id"`)).rows.map((r) => r.id);
  progress(`import: writing ${ROWS.toLocaleString("en-US")} rows to ${file} ...`);
  const out = createWriteStream(file);
  const write = (line: string) => (out.write(line) ? Promise.resolve() : new Promise<void>((r) => out.once("drain", () => r())));
  await write("appId,month,activeCustomers,installs,uninstalls,pushCalls,pullCalls\n");
  let n = 0;
  // Month by month, every app in each month (2023-01 onwards), as a monthly export would list them.
  for (let m = 0; n < ROWS; m++) {
    const month = `${2023 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`;
    let chunk = "";
    for (let i = 0; i < apps.length && n < ROWS; i++, n++) {
      const active = (i * 7 + m) % 90;
      chunk += `${apps[i]},${month},${active},${active >> 3},${active >> 5},${active * 1234},${i % 3 === 0 ? active * 567 : 0}\n`;
    }
    await write(chunk);
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  const bytes = (await stat(file)).size;

  progress("import: npm run usage:import ...");
  const run = await runCli("src/cli/usage-import.ts", [file], cliEnv(url));
  // Again, every app-month now recorded, with V8's old space capped: it must complete with the same row count.
  progress(`import: the same file again, heap capped at ${HEAP_CAP_MB} MB ...`);
  const again = await runCli("src/cli/usage-import.ts", [file], cliEnv(url), [`--max-old-space-size=${HEAP_CAP_MB}`]);
  const imported = Number((await c.query(`SELECT count(*)::int AS n FROM "UsageMonth"`)).rows[0].n);
  const events = Number((await c.query(`SELECT count(*)::int AS n FROM "Event" WHERE "type" = 'usage.recorded'`)).rows[0].n);
  await c.end();
  if (imported !== ROWS) throw new Error(`expected ${ROWS} usage rows, found ${imported}`);

  // RSS from the importer's own progress lines, at the first batch past each mark.
  const points = [...run.stderr.matchAll(/importing ([\d,]+) of \S+ rows .* rss ([\d.]+) MiB/g)].map((m) => ({ rows: Number(m[1]!.replace(/,/g, "")), rss: Number(m[2]) }));
  const at = (mark: number) => points.find((p) => p.rows >= mark)?.rss ?? NaN;
  const marks = [250_000, 500_000, 1_000_000].filter((m) => m <= ROWS);
  const field = (name: string) => new RegExp(`\\|\\s*${name}\\s*\\|\\s*([^|]+?)\\s*\\|`).exec(run.stdout)?.[1] ?? "?";
  const seconds = parseFloat(field("time"));
  const againSeconds = parseFloat(new RegExp(`\\|\\s*time\\s*\\|\\s*([^|]+?)\\s*\\|`).exec(again.stdout)?.[1] ?? "NaN");
  const againReplaced = /\|\s*replaced \(recorded before\)\s*\|\s*(\d+)/.exec(again.stdout)?.[1] ?? "?";
  const overall = ROWS / seconds;
  progress(`import: ${ROWS} rows in ${seconds} s = ${overall.toFixed(0)} rows/s; process ${run.seconds} s, peak ${(run.maxRssKb / 1024).toFixed(0)} MiB`);

  await writeSection("import", `
## Usage import (issue 4)

Command: \`npm run bench -- import\` (PostgreSQL, fresh database \`${DB}\` with 10,000 partners and 30,000 apps; a generated
CSV of ${ROWS.toLocaleString("en-US")} rows (${(bytes / 1048576).toFixed(0)} MiB, month by month over all apps), imported by
\`npm run usage:import -- FILE\` in-process, timed as its own process with \`/usr/bin/time\`).
Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${machine()}. Load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}.
In-process the importer makes one pass in one transaction: every row validated, app ids looked up once each, rows
upserted in batches of 5,000 (one statement each) while the next batch is parsed; one usage.recorded event
(${events}) is appended last, just before the commit. A bad row anywhere rolls everything back.

| measure | result | target |
|---|---|---|
| rows/s (read, check, write, commit) | ${overall.toFixed(0)} | ≥ 20,000: ${overall >= 20000 ? "met" : "missed"} |
| import time | ${seconds.toFixed(1)} s | |
| whole process (with start-up) | ${run.seconds.toFixed(1)} s, of which ${run.cpuSeconds.toFixed(1)} s CPU in the importer; the rest waiting on PostgreSQL or for a core | |
${marks.map((m) => `| RSS after ${m.toLocaleString("en-US")} rows | ${at(m).toFixed(0)} MiB | flat |`).join("\n")}
| peak RSS (/usr/bin/time) | ${(run.maxRssKb / 1024).toFixed(0)} MiB | |
| the same file again (all ${againReplaced} app-months replaced), old space capped at ${HEAP_CAP_MB} MB | ${againSeconds.toFixed(1)} s (${(ROWS / againSeconds).toFixed(0)} rows/s), peak RSS ${(again.maxRssKb / 1024).toFixed(0)} MiB | completes: memory bounded |
`);
  progress("import: results written to bench/RESULTS.md");
} finally {
  await rm(dir, { recursive: true, force: true });
  await dropBenchDatabase(DB).catch(() => {});
}
