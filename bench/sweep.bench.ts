// npm run bench -- sweep
// The low-usage sweep (npm run sweep:low-usage -- --as-of 2027-01-15) over 30,000 live listings
// with 12 months of usage (10,000 partners, one app in ten silent all year) on PostgreSQL: the
// first sweep (notices for the silent ones) and a second one for the same date (changes nothing).
// Target: under 10 s.
import os from "node:os";
import pg from "pg";
import { createBenchDatabase, cliEnv, dropBenchDatabase, generateProgram, runCli } from "./program-data.js";
import { machine, progress, writeSection } from "./results-file.js";

const DB = "pp_bench_sweep";
const PARTNERS = Number(process.env.BENCH_PARTNERS ?? 10_000);

try {
  progress(`sweep: generating ${PARTNERS.toLocaleString("en-US")} partners ...`);
  const url = await createBenchDatabase(DB);
  const counts = await generateProgram(url, { partners: PARTNERS, appsPerPartner: 3, usage: true });
  const value = (out: string, name: string) => new RegExp(`\\|\\s*${name.replace(/[()]/g, "\\$&")}\\s*\\|\\s*([^|]+?)\\s*\\|`).exec(out)?.[1] ?? "?";
  const runs = [];
  for (const label of ["first sweep", "second sweep, same date"]) {
    const r = await runCli("src/cli/sweep-low-usage.ts", ["--as-of", "2027-01-15"], cliEnv(url));
    const seconds = parseFloat(value(r.stdout, "time"));
    runs.push({ label, seconds, process: r.seconds, rss: r.maxRssKb / 1024, examined: value(r.stdout, "listings examined"), atRisk: value(r.stdout, "put at risk (notice)") });
    progress(`sweep: ${label}: ${seconds} s (process ${r.seconds} s), put at risk ${runs[runs.length - 1]!.atRisk}`);
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const check = (await c.query(`SELECT (SELECT count(*) FROM "Listing" WHERE "state" = 'AT_RISK')::int AS at_risk,
    (SELECT count(*) FROM "Event" WHERE "type" = 'listing.low-usage-notice')::int AS notices`)).rows[0];
  await c.end();
  if (check.at_risk !== check.notices) throw new Error(`each notice needs its event: ${JSON.stringify(check)}`);
  const first = runs[0]!;
  await writeSection("sweep", `
## Low-usage sweep (issue 4)

Command: \`npm run bench -- sweep\` (PostgreSQL, fresh database \`${DB}\`: ${counts.Partner!.toLocaleString("en-US")} partners,
${counts.Listing!.toLocaleString("en-US")} live listings, ${counts.UsageMonth!.toLocaleString("en-US")} usage months), then
\`npm run sweep:low-usage -- --as-of 2027-01-15\` twice, each timed as its own process with \`/usr/bin/time\`.
Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${machine()}. Load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}.
Listings are judged in pages of 5,000 (one usage query per page); the changes of a page are one UPDATE and one event
INSERT in one transaction.

| run | listings | put at risk | sweep (s) | whole process (s) | peak RSS (MiB) |
|---|---:|---:|---:|---:|---:|
${runs.map((r) => `| ${r.label} | ${r.examined} | ${r.atRisk} | ${r.seconds.toFixed(1)} | ${r.process.toFixed(1)} | ${r.rss.toFixed(0)} |`).join("\n")}

Target: under 10 s: ${first.seconds < 10 ? "met" : "missed"} (${first.seconds.toFixed(1)} s for the first sweep; the whole process adds start-up).
`);
  progress("sweep: results written to bench/RESULTS.md");
} finally {
  await dropBenchDatabase(DB).catch(() => {});
}
