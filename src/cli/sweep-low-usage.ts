// npm run sweep:low-usage -- [--as-of YYYY-MM-DD]
// The low-usage sweep (R-USE-2): notices, delistings and recoveries, each with its event. Running it
// again for the same date changes nothing. It shows its progress in-process and through the admin socket.
import { parseDate } from "../config.js";
import type { SweepReport } from "../program/low-usage.js";
import { openAdminClient } from "./admin-client.js";
import { fatal, parseArgs } from "./common.js";
import { endWithSummary, peakRss, progressLine } from "./report.js";

const { flags } = parseArgs(process.argv.slice(2));
const run = { started: Date.now(), memory: peakRss() };
const client = await openAdminClient();
await endWithSummary(client, run, async () => {
  const asOf = typeof flags["as-of"] === "string" ? parseDate("--as-of", flags["as-of"]) : undefined;
  // In-process or through the running server's admin socket: the same sweep, the same progress.
  const report: SweepReport = await client.job("low-usage-sweep", { asOf: asOf?.toISOString().slice(0, 10) ?? null }, (p) =>
    progressLine(`sweeping ${p.examined.toLocaleString("en-US")} of ${p.total.toLocaleString("en-US")} listings  ${Math.floor((100 * p.examined) / Math.max(p.total, 1))}%`));
  const asOfText = typeof report.asOf === "string" ? report.asOf : report.asOf.toISOString().slice(0, 10);
  return {
    title: `low-usage sweep as of ${asOfText} (via ${client.via})`,
    rows: [
      ["policy", report.policyYear ? `${report.policyYear} v${report.policyVersion}` : "program defaults"],
      ["minimum active customers", report.minimum],
      ["window (months)", report.windowMonths],
      ["notice (days)", report.noticeDays],
      ["listings examined", report.examined],
      ["put at risk (notice)", report.putAtRisk],
      ["delisted (LOW_USAGE)", report.delisted],
      ["recovered (back to LIVE)", report.recovered],
      ["unchanged", report.unchanged],
      ["changed meanwhile (skipped)", report.conflicts],
    ],
  };
});
