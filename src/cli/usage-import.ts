// npm run usage:import -- FILE [--format csv|ndjson] [--batch N] [--as-of YYYY-MM-DD]
// Imports usage rows (R-USE-1) from a CSV (header: appId,month,activeCustomers,installs,uninstalls,
// pushCalls,pullCalls) or NDJSON file. All or nothing: the file is checked first and, if any row is
// bad, each bad row is reported with its line number and nothing is imported (exit 1). See
// src/program/usage-file.ts for the policy. In-process (PostgreSQL, or no server holding the embedded
// database) batches go straight into the database; otherwise through the admin socket's GraphQL.
import { parseDate } from "../config.js";
import { systemActor } from "../events/log.js";
import { checkUsageFile, formatOf, importUsageFile, type BatchResult, type ImportBatch } from "../program/usage-file.js";
import { appPartners, MAX_USAGE_BATCH, writeUsageRows } from "../program/usage.js";
import { openAdminClient, type AdminClient } from "./admin-client.js";
import { fatal, parseArgs } from "./common.js";
import { endProgress, mib, peakRss, progressLine, rate, summaryTable } from "./report.js";

const { flags, positional } = parseArgs(process.argv.slice(2));
const file = positional[0];
if (!file) fatal(new Error("usage: npm run usage:import -- FILE [--format csv|ndjson] [--batch N] [--as-of YYYY-MM-DD]"));

function writerFor(client: AdminClient): { batchSize: number; write: (b: ImportBatch) => Promise<BatchResult>; known: (ids: readonly string[]) => Promise<ReadonlySet<string>> } {
  const service = client.service;
  if (service) {
    const program = service.program;
    return {
      batchSize: typeof flags.batch === "string" ? Number(flags.batch) : 5000,
      known: async (ids) => new Set((await appPartners(program.prisma, ids)).keys()),
      write: async ({ rows }) => {
        const { lastPosition, ...r } = await program.change(async (tx) => writeUsageRows(tx, rows, await appPartners(tx, rows.map((x) => x.appId)), systemActor));
        if (lastPosition !== null) program.bus.notifyCommitted(lastPosition);
        return r;
      },
    };
  }
  return {
    batchSize: Math.min(typeof flags.batch === "string" ? Number(flags.batch) : 2000, MAX_USAGE_BATCH),
    known: async (ids) => {
      const data = await client.graphql<{ nodes: ({ id: string } | null)[] }>(
        `query($ids: [ID!]!) { nodes(ids: $ids) { ... on App { id } } }`,
        { ids: ids.map((id) => Buffer.from(`App:${id}`).toString("base64")) },
      );
      return new Set(data.nodes.filter((n): n is { id: string } => !!n?.id).map((n) => Buffer.from(n.id, "base64").toString("utf8").slice(4)));
    },
    write: async ({ inputs }) => {
      const data = await client.graphql<{ recordUsage: { __typename: string; message?: string; problems?: { field: string; message: string }[]; rows?: number; created?: number; replaced?: number } }>(
        `mutation($rows: [UsageRowInput!]!) { recordUsage(rows: $rows) { __typename
           ... on MutationRecordUsageSuccess { data { rows created replaced } }
           ... on Error { message } ... on InvalidInput { problems { field message } } } }`,
        { rows: inputs.map((r) => ({ ...r, activeCustomers: Number(r.activeCustomers), installs: Number(r.installs), uninstalls: Number(r.uninstalls), pushCalls: String(r.pushCalls), pullCalls: String(r.pullCalls) })) },
      );
      const res = data.recordUsage as { __typename: string; message?: string; data?: BatchResult };
      if (!res.data) throw new Error(`the batch was refused: ${res.message ?? res.__typename}`);
      return res.data;
    },
  };
}

const memory = peakRss();
const client = await openAdminClient();
try {
  const format = formatOf(file!, typeof flags.format === "string" ? flags.format : undefined);
  const asOf = typeof flags["as-of"] === "string" ? parseDate("--as-of", flags["as-of"]) : client.service?.program.today() ?? new Date();
  const writer = writerFor(client);
  const started = Date.now();
  const check = await checkUsageFile(file!, {
    format, asOf, knownApps: writer.known,
    onProgress: (p) => progressLine(`checking ${p.lines.toLocaleString("en-US")} rows  ${p.totalBytes ? Math.floor((100 * p.bytes) / p.totalBytes) : 0}%  ${rate(p.lines, Date.now() - started)} rows/s`),
  });
  endProgress();
  if (check.badRows > 0) {
    for (const b of check.bad) process.stderr.write(`line ${b.line}: ${b.reason}\n`);
    if (check.badRows > check.bad.length) process.stderr.write(`... and ${check.badRows - check.bad.length} more bad rows\n`);
    process.stderr.write(`error: ${check.badRows} of ${check.rows} rows are bad; nothing was imported. Fix them and import the file again.\n`);
    await client.close();
    process.exit(1);
  }
  const checkedMs = Date.now() - started;
  const importStart = Date.now();
  const result = await importUsageFile(file!, {
    format, asOf, batchSize: writer.batchSize, write: writer.write,
    onProgress: (p) => progressLine(`importing ${p.written.toLocaleString("en-US")} of ${check.rows.toLocaleString("en-US")} rows  ${Math.floor((100 * p.lines) / Math.max(check.rows, 1))}%  ${rate(p.written, Date.now() - importStart)} rows/s  rss ${mib(memory.sample())}`),
  });
  endProgress();
  const totalMs = Date.now() - started;
  console.log(summaryTable(`usage import: ${file} (${format}, via ${client.via})`, [
    ["rows in file", check.rows],
    ["app-months written", result.written],
    ["  new", result.created],
    ["  replaced (recorded before)", result.replaced],
    ["apps", check.apps],
    ["months", result.firstMonth ? `${result.firstMonth} .. ${result.lastMonth}` : "-"],
    ["batches (each one transaction)", result.batches],
    ["check pass", `${(checkedMs / 1000).toFixed(1)} s`],
    ["import pass", `${((Date.now() - importStart) / 1000).toFixed(1)} s`],
    ["rows/s overall", rate(check.rows, totalMs)],
    ["peak memory (RSS)", mib(memory.peak)],
  ]));
} catch (err) {
  endProgress();
  await client.close();
  fatal(err);
}
memory.stop();
await client.close();
