// npm run assess -- --year YYYY [--supersede --reason "..."] [--as-of YYYY-MM-DD]
// The annual tier assessment (R-TIER-2, R-TIER-8): every partner on the year's results, frozen, in
// pages of partners. Refused for an assessed year unless superseded with a reason.
import { parseDate } from "../config.js";
import type { AssessmentRunReport } from "../program/tiers.js";
import { openAdminClient } from "./admin-client.js";
import { fatal, parseArgs } from "./common.js";
import { endWithSummary, mib, peakRss, progressLine, rate } from "./report.js";

const usage = 'usage: npm run assess -- --year YYYY [--supersede --reason "why"] [--as-of YYYY-MM-DD]';
const { flags } = parseArgs(process.argv.slice(2));
if (typeof flags.year !== "string" || !/^\d{4}$/.test(flags.year)) fatal(new Error(usage));
const year = Number(flags.year);
const supersede = flags.supersede === true;
const reason = typeof flags.reason === "string" ? flags.reason : null;

const run = { started: Date.now(), memory: peakRss() };
const client = await openAdminClient();
await endWithSummary(client, run, async () => {
  const asOf = typeof flags["as-of"] === "string" ? parseDate("--as-of", flags["as-of"]) : undefined;
  const started = Date.now();
  // In-process or through the running server's admin socket: the same assessment, the same progress.
  const report: AssessmentRunReport = await client.job("tier-assessment", { year, supersede, reason, asOf: asOf?.toISOString().slice(0, 10) ?? null }, (p) =>
    progressLine(`assessing ${p.done.toLocaleString("en-US")} of ${p.total.toLocaleString("en-US")} partners  ${Math.floor((100 * p.done) / Math.max(p.total, 1))}%  ${rate(p.done, Date.now() - started)} partners/s${client.service ? `  rss ${mib(run.memory.sample())}` : ""}`));
  return {
    title: `tier assessment of ${report.year}, effective ${report.effectiveYear} (policy v${report.policyVersion}, via ${client.via})`,
    rows: [
      ["partners in the program", report.partners],
      ["assessed now", report.assessed],
      ["  of which superseded", report.superseded],
      ["already assessed (left as is)", report.alreadyAssessed],
      ["nothing to supersede", report.nothingToSupersede],
      ["promoted", report.promoted],
      ["demoted", report.demoted],
      ["unchanged", report.unchanged],
      ["Premier invitations applied", report.premierApplied],
      ["Premier invitations lapsed", report.premierLapsed],
      ...report.byTier.map((b) => [`  result ${b.tierKey}`, b.partners] as const),
    ],
  };
});
