// npm run sweep:low-usage -- [--as-of YYYY-MM-DD]
// The low-usage sweep (R-USE-2): notices, delistings and recoveries, each with its event. Running it
// again for the same date changes nothing. In-process it shows progress; through the admin socket it
// runs as the staff mutation.
import { systemViewer } from "../auth/viewer.js";
import { parseDate } from "../config.js";
import { runLowUsageSweep, type SweepReport } from "../program/low-usage.js";
import { openAdminClient } from "./admin-client.js";
import { fatal, parseArgs } from "./common.js";
import { endProgress, mib, peakRss, progressLine, summaryTable } from "./report.js";

const { flags } = parseArgs(process.argv.slice(2));
const memory = peakRss();
const client = await openAdminClient();
try {
  const asOf = typeof flags["as-of"] === "string" ? parseDate("--as-of", flags["as-of"]) : undefined;
  const started = Date.now();
  let report: SweepReport;
  if (client.service) {
    report = await runLowUsageSweep(client.service.program, systemViewer, {
      asOf, onProgress: (p) => progressLine(`sweeping ${p.examined.toLocaleString("en-US")} of ${p.total.toLocaleString("en-US")} listings  ${Math.floor((100 * p.examined) / Math.max(p.total, 1))}%`),
    });
  } else {
    progressLine("sweeping through the running server ...");
    const data = await client.graphql<{ runLowUsageSweep: { __typename: string; message?: string; data?: SweepReport } }>(
      `mutation($asOf: Date) { runLowUsageSweep(asOf: $asOf) { __typename ... on Error { message }
         ... on MutationRunLowUsageSweepSuccess { data { asOf policyYear policyVersion minimum windowMonths noticeDays examined putAtRisk delisted recovered unchanged conflicts } } } }`,
      { asOf: asOf?.toISOString().slice(0, 10) ?? null },
    );
    if (!data.runLowUsageSweep.data) throw new Error(data.runLowUsageSweep.message ?? data.runLowUsageSweep.__typename);
    report = data.runLowUsageSweep.data;
  }
  endProgress();
  const asOfText = typeof report.asOf === "string" ? report.asOf : report.asOf.toISOString().slice(0, 10);
  console.log(summaryTable(`low-usage sweep as of ${asOfText} (via ${client.via})`, [
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
    ["time", `${((Date.now() - started) / 1000).toFixed(1)} s`],
    ["peak memory (RSS)", mib(memory.peak)],
  ]));
} catch (err) {
  endProgress();
  await client.close();
  fatal(err);
}
memory.stop();
await client.close();
