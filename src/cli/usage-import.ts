// npm run usage:import -- FILE [--format csv|ndjson] [--batch N] [--as-of YYYY-MM-DD]
// Imports usage rows (R-USE-1) from a CSV (header: appId,month,activeCustomers,installs,uninstalls,
// pushCalls,pullCalls) or NDJSON file. All or nothing: each bad row is reported with its line number
// and, if there is any, nothing is imported (exit 1). In-process (PostgreSQL, or no server holding
// the embedded database) the file streams into the database in one pass and one transaction;
// through the running server's admin socket it is checked first, then sent in batches to the
// recordUsage mutation. See src/program/usage-file.ts for the policy.
import { parseDate } from "../config.js";
import { systemActor } from "../events/log.js";
import { appendEvents } from "../program/event-batch.js";
import { checkUsageFile, formatOf, importUsageFile, importUsageFileAtomically, type BadRow, type CheckReport, type ImportReport } from "../program/usage-file.js";
import { appPartners, MAX_USAGE_BATCH, upsertUsageRows, usageRecordedEvent } from "../program/usage.js";
import type { Program } from "../program/program.js";
import { openAdminClient, type AdminClient } from "./admin-client.js";
import { fatal, parseArgs } from "./common.js";
import { endProgress, endWithSummary, mib, peakRss, progressLine, rate } from "./report.js";

const { flags, positional } = parseArgs(process.argv.slice(2));
const file = positional[0];
if (!file) fatal(new Error("usage: npm run usage:import -- FILE [--format csv|ndjson] [--batch N] [--as-of YYYY-MM-DD]"));
const batchFlag = typeof flags.batch === "string" ? Number(flags.batch) : undefined;
if (batchFlag !== undefined && !(Number.isInteger(batchFlag) && batchFlag > 0)) fatal(new Error("--batch must be a whole number of rows"));

const memory = peakRss();
const started = Date.now();
const importing = (written: number, lines: number, total: number | string, pct: number) =>
  progressLine(`importing ${written.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} rows  ${pct}%  ${rate(lines, Date.now() - started)} rows/s  rss ${mib(memory.sample())}`);

/** In-process: one pass, one transaction. */
async function direct(program: Program, format: "csv" | "ndjson", asOf: Date): Promise<{ check: CheckReport } | { report: ImportReport & { apps: number } }> {
  let lastPosition: bigint | null = null;
  const result = await importUsageFileAtomically(file!, {
    format, asOf, batchSize: batchFlag ?? 5000,
    transaction: (work) => program.prisma.$transaction((tx) => work({
      knownApps: async (ids) => new Set((await appPartners(tx, ids)).keys()),
      write: (rows) => upsertUsageRows(tx, rows, program.now()),
      finish: async (r) => {
        lastPosition = await appendEvents(tx, [usageRecordedEvent(systemActor, r, { batches: r.batches, file: file!.split("/").pop() })], program.now());
      },
    }), { maxWait: 10_000, timeout: 6 * 3_600_000 }),
    onProgress: (p) => importing(p.written, p.lines, "?", p.totalBytes ? Math.floor((100 * p.bytes) / p.totalBytes) : 0),
  });
  if (lastPosition !== null) program.bus.notifyCommitted(lastPosition);
  return result.ok ? { report: result.report } : { check: result.check };
}

/** Through the admin socket: a check pass, then batches of the recordUsage mutation. */
async function viaServer(client: AdminClient, format: "csv" | "ndjson", asOf: Date): Promise<{ check: CheckReport } | { report: ImportReport & { apps: number } }> {
  const check = await checkUsageFile(file!, {
    format, asOf,
    knownApps: async (ids) => {
      const data = await client.graphql<{ nodes: ({ id: string } | null)[] }>(
        `query($ids: [ID!]!) { nodes(ids: $ids) { ... on App { id } } }`,
        { ids: ids.map((id) => Buffer.from(`App:${id}`).toString("base64")) },
      );
      return new Set(data.nodes.filter((n): n is { id: string } => !!n?.id).map((n) => Buffer.from(n.id, "base64").toString("utf8").slice(4)));
    },
    onProgress: (p) => progressLine(`checking ${p.lines.toLocaleString("en-US")} rows  ${p.totalBytes ? Math.floor((100 * p.bytes) / p.totalBytes) : 0}%  ${rate(p.lines, Date.now() - started)} rows/s`),
  });
  endProgress();
  if (check.badRows > 0) return { check };
  const report = await importUsageFile(file!, {
    format, asOf, batchSize: Math.min(batchFlag ?? 2000, MAX_USAGE_BATCH),
    write: async ({ inputs }) => {
      const data = await client.graphql<{ recordUsage: { __typename: string; message?: string; data?: { rows: number; created: number; replaced: number } } }>(
        `mutation($rows: [UsageRowInput!]!) { recordUsage(rows: $rows) { __typename
           ... on MutationRecordUsageSuccess { data { rows created replaced } } ... on Error { message } } }`,
        { rows: inputs.map((r) => ({ ...r, activeCustomers: Number(r.activeCustomers), installs: Number(r.installs), uninstalls: Number(r.uninstalls), pushCalls: String(r.pushCalls), pullCalls: String(r.pullCalls) })) },
      );
      const res = data.recordUsage;
      if (!res.data) throw new Error(`the batch was refused: ${res.message ?? res.__typename}`);
      return res.data;
    },
    onProgress: (p) => importing(p.written, p.lines, check.rows, Math.floor((100 * p.lines) / Math.max(check.rows, 1))),
  });
  return { report: { ...report, apps: check.apps } };
}

const client = await openAdminClient();
await endWithSummary(client, { started, memory }, async () => {
  const format = formatOf(file!, typeof flags.format === "string" ? flags.format : undefined);
  const asOf = typeof flags["as-of"] === "string" ? parseDate("--as-of", flags["as-of"]) : client.service?.program.today() ?? new Date();
  const outcome = client.service ? await direct(client.service.program, format, asOf) : await viaServer(client, format, asOf);
  endProgress();
  if ("check" in outcome) {
    const { check } = outcome;
    for (const b of check.bad as BadRow[]) process.stderr.write(`line ${b.line}: ${b.reason}\n`);
    if (check.badRows > check.bad.length) process.stderr.write(`... and ${check.badRows - check.bad.length} more bad rows\n`);
    process.stderr.write(`error: ${check.badRows} of ${check.rows} rows are bad; nothing was imported. Fix them and import the file again.\n`);
    await client.close();
    process.exit(1);
  }
  const { report } = outcome;
  return {
    title: `usage import: ${file} (${format}, via ${client.via})`,
    rows: [
      ["rows in file", report.rows],
      ["app-months written", report.written],
      ["  new", report.created],
      ["  replaced (recorded before)", report.replaced],
      ["apps", report.apps],
      ["months", report.firstMonth ? `${report.firstMonth} .. ${report.lastMonth}` : "-"],
      ["batches", report.batches],
      ["rows/s", rate(report.rows, Date.now() - started)],
    ],
  };
});
