// Bulk usage import from a file (R-USE-1), CSV or NDJSON, streamed so memory stays flat however large
// the file is.
//
// The bad-row policy: a file imports whole or not at all. Every row is checked (validateUsageRow, and
// that its app exists) and each bad row is reported with its line number and reason; if any row is
// bad, nothing is imported. Never a silent drop, never a half-applied batch.
// - Straight into the database (importUsageFileAtomically): one pass, in one transaction. Rows are
//   written in batches as they are read; the first bad row stops the writing, the rest of the file
//   is still checked so every bad row is reported, and the transaction is rolled back. A clean file
//   commits with one usage.recorded event, appended last so the event log's lock is held only for
//   the commit.
// - Through the GraphQL batch mutation (checkUsageFile, then importUsageFile): a check pass first,
//   then batches that each commit whole. A crash between batches leaves whole batches applied;
//   re-importing the file replaces the same app-months (idempotent), so running it again finishes it.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { latestPerAppMonth, validateUsageRow, type UsageRow, type UsageRowInput } from "../domain/usage.js";
import type { UsageUpsertResult } from "./usage.js";
import { isUuid } from "./ids.js";

export type UsageFileFormat = "csv" | "ndjson";

/** A file's appId: the app's UUID, or its GraphQL id (`apps { id }`: base64 of "App:<uuid>"), which carries it. */
export function fileAppId(raw: string): string {
  const id = raw.trim();
  if (isUuid(id as unknown) || id === "") return id.toLowerCase();
  if (id.length <= 200 && /^[A-Za-z0-9+/]+={0,2}$/.test(id)) {
    const decoded = Buffer.from(id, "base64").toString("utf8");
    if (decoded.startsWith("App:") && isUuid(decoded.slice(4))) return decoded.slice(4).toLowerCase();
  }
  return id;
}

/** Why rows with this appId are bad: no such app, or not an app id at all (the expected forms named). */
function unknownAppReason(id: string, rows: number): string {
  const more = rows > 1 ? ` (nor on ${rows - 1} more rows of this id)` : "";
  const shown: string = id;
  return isUuid(shown)
    ? `appId: no app with id ${id}${more}`
    : `appId: expected an app's UUID (like 0f8e4c2a-…) or its GraphQL id (as apps { id } shows it), got "${id.length > 60 ? `${id.slice(0, 60)}…` : id}"${more}`;
}

const FIELDS = ["appId", "month", "activeCustomers", "installs", "uninstalls", "pushCalls", "pullCalls"] as const;

export function formatOf(path: string, explicit?: string): UsageFileFormat {
  if (explicit === "csv" || explicit === "ndjson") return explicit;
  if (explicit) throw new Error(`--format must be csv or ndjson, got "${explicit}"`);
  if (/\.(ndjson|jsonl)$/i.test(path)) return "ndjson";
  if (/\.csv$/i.test(path)) return "csv";
  throw new Error(`cannot tell the format of ${path} from its name: use .csv, .ndjson or --format csv|ndjson`);
}

export type ParsedLine = { line: number; input: UsageRowInput } | { line: number; error: string };

/** Splits one CSV line; fields may be "quoted" (with "" for a quote inside). */
function splitCsv(text: string): string[] {
  if (!text.includes('"')) return text.split(",");
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export interface FileProgress {
  readonly bytes: number;
  readonly totalBytes: number;
  readonly lines: number;
}

/** Streams the file's rows with their line numbers (1-based; a CSV's header is line 1). Blank lines are skipped. */
export async function* readUsageFile(path: string, format: UsageFileFormat, onBytes?: (bytes: number) => void): AsyncGenerator<ParsedLine> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  stream.on("data", (chunk) => {
    bytes += chunk.length;
    onBytes?.(bytes);
  });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  let columns: number[] | null = null;
  for await (const raw of lines) {
    n++;
    const text = n === 1 ? raw.replace(/^\uFEFF/, "") : raw;
    if (text.trim() === "") continue;
    if (format === "ndjson") {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        yield { line: n, error: "not valid JSON" };
        continue;
      }
      if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
        yield { line: n, error: "must be a JSON object with " + FIELDS.join(", ") };
        continue;
      }
      const o = doc as Record<string, unknown>;
      yield { line: n, input: { appId: fileAppId(String(o.appId ?? "")), month: String(o.month ?? ""), activeCustomers: o.activeCustomers as never, installs: o.installs as never, uninstalls: o.uninstalls as never, pushCalls: o.pushCalls as never, pullCalls: o.pullCalls as never } };
      continue;
    }
    const cells = splitCsv(text).map((c) => c.trim());
    if (columns === null) {
      const header = cells.map((c) => c.toLowerCase());
      const missing = FIELDS.filter((f) => !header.includes(f.toLowerCase()));
      if (missing.length) throw new Error(`line 1: the CSV header must name ${FIELDS.join(", ")} (missing ${missing.join(", ")})`);
      columns = FIELDS.map((f) => header.indexOf(f.toLowerCase()));
      continue;
    }
    if (cells.length !== columns.length && cells.length < Math.max(...columns) + 1) {
      yield { line: n, error: `has ${cells.length} fields, the header has ${columns.length}` };
      continue;
    }
    const [appId, month, activeCustomers, installs, uninstalls, pushCalls, pullCalls] = columns.map((i) => cells[i] ?? "") as [string, string, string, string, string, string, string];
    yield { line: n, input: { appId: fileAppId(appId), month, activeCustomers, installs, uninstalls, pushCalls, pullCalls } };
  }
}

export interface BadRow {
  readonly line: number;
  readonly reason: string;
}

export interface CheckReport {
  readonly rows: number;
  readonly badRows: number;
  /** The first `maxReported` bad rows, in line order. */
  readonly bad: readonly BadRow[];
  readonly apps: number;
  readonly bytes: number;
}

/** Which of these app ids exist (the caller asks the database, in chunks). */
export type KnownApps = (ids: readonly string[]) => Promise<ReadonlySet<string>>;

/** Pass 1: every row checked; nothing written. */
export async function checkUsageFile(
  path: string,
  opts: { format: UsageFileFormat; asOf: Date; knownApps: KnownApps; maxReported?: number; onProgress?: (p: FileProgress) => void },
): Promise<CheckReport> {
  const totalBytes = (await stat(path)).size;
  const maxReported = opts.maxReported ?? 1000;
  const bad: BadRow[] = [];
  let badRows = 0;
  let rows = 0;
  let bytes = 0;
  const report = (b: BadRow) => {
    badRows++;
    if (bad.length < maxReported) bad.push(b);
  };
  // App ids seen, each with its first line and row count: enough to name the rows of an unknown app.
  const apps = new Map<string, { line: number; rows: number }>();
  for await (const parsed of readUsageFile(path, opts.format, (b) => (bytes = b))) {
    rows++;
    if ("error" in parsed) report({ line: parsed.line, reason: parsed.error });
    else {
      const d = validateUsageRow(parsed.input, opts.asOf);
      if (!d.ok) report({ line: parsed.line, reason: (d.refusal.fieldErrors ?? []).map((e) => `${e.field} ${e.message}`).join("; ") || d.refusal.message });
      else {
        const seen = apps.get(d.value.appId);
        if (seen) seen.rows++;
        else apps.set(d.value.appId, { line: parsed.line, rows: 1 });
      }
    }
    if (rows % 50_000 === 0) opts.onProgress?.({ bytes, totalBytes, lines: rows });
  }
  opts.onProgress?.({ bytes: totalBytes, totalBytes, lines: rows });
  const ids = [...apps.keys()];
  const known = new Set<string>();
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000);
    for (const id of await opts.knownApps(chunk.filter(isUuid))) known.add(id);
  }
  const unknown: BadRow[] = [];
  for (const [id, seen] of apps) {
    if (!known.has(id)) {
      badRows += seen.rows - 1;
      unknown.push({ line: seen.line, reason: unknownAppReason(id, seen.rows) });
    }
  }
  for (const u of unknown) report(u);
  bad.sort((a, b) => a.line - b.line);
  return { rows, badRows, bad, apps: known.size, bytes: totalBytes };
}

export interface ImportBatch {
  /** Checked rows, one per app-month (a later row of the file replaced an earlier one). */
  readonly rows: readonly UsageRow[];
  /** The rows as read, for writers that send them on (the GraphQL batch mutation). */
  readonly inputs: readonly UsageRowInput[];
}

export interface BatchResult {
  readonly rows: number;
  readonly created: number;
  readonly replaced: number;
}

export interface ImportReport {
  readonly rows: number;
  readonly written: number;
  readonly created: number;
  readonly replaced: number;
  readonly batches: number;
  readonly firstMonth: string | null;
  readonly lastMonth: string | null;
}

/** Pass 2: a file that passed checkUsageFile, written in batches of `batchSize` rows, each committed whole by `write`. */
export async function importUsageFile(
  path: string,
  opts: { format: UsageFileFormat; asOf: Date; batchSize: number; write: (batch: ImportBatch) => Promise<BatchResult>; onProgress?: (p: FileProgress & { written: number }) => void },
): Promise<ImportReport> {
  const totalBytes = (await stat(path)).size;
  let bytes = 0;
  let rows = 0;
  const totals = { written: 0, created: 0, replaced: 0, batches: 0 };
  let firstMonth: string | null = null;
  let lastMonth: string | null = null;
  let pending: UsageRow[] = [];
  let inputs: UsageRowInput[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const r = await opts.write({ rows: latestPerAppMonth(pending), inputs });
    totals.written += r.rows;
    totals.created += r.created;
    totals.replaced += r.replaced;
    totals.batches++;
    pending = [];
    inputs = [];
    opts.onProgress?.({ bytes, totalBytes, lines: rows, written: totals.written });
  };
  for await (const parsed of readUsageFile(path, opts.format, (b) => (bytes = b))) {
    rows++;
    if ("error" in parsed) throw new Error(`line ${parsed.line}: ${parsed.error} (the file changed since it was checked?)`);
    const d = validateUsageRow(parsed.input, opts.asOf);
    if (!d.ok) throw new Error(`line ${parsed.line}: ${d.refusal.message} (the file changed since it was checked?)`);
    const key = d.value.month.toISOString().slice(0, 7);
    if (firstMonth === null || key < firstMonth) firstMonth = key;
    if (lastMonth === null || key > lastMonth) lastMonth = key;
    pending.push(d.value);
    inputs.push(parsed.input);
    if (pending.length >= opts.batchSize) await flush();
  }
  await flush();
  return { rows, ...totals, firstMonth, lastMonth };
}

/** What the one-pass import needs from its transaction. */
export interface ImportSession {
  /** Which of these app ids exist. */
  knownApps(ids: readonly string[]): Promise<ReadonlySet<string>>;
  /** Writes one batch (checked rows, one per app-month). */
  write(rows: readonly UsageRow[]): Promise<UsageUpsertResult>;
  /** Called once for a clean file, last, before the commit: appends the import's event. */
  finish(result: UsageUpsertResult & { batches: number }): Promise<void>;
}

export type AtomicImportResult =
  | { readonly ok: true; readonly report: ImportReport & { readonly apps: number } }
  | { readonly ok: false; readonly check: CheckReport };

class BadFile extends Error {
  constructor(readonly check: CheckReport) {
    super(`${check.badRows} bad rows`);
  }
}

/**
 * One pass, all or nothing: `transaction` runs the work in one database transaction and rolls it back
 * when the work throws. Parsing the next batch overlaps with writing the current one.
 */
export async function importUsageFileAtomically(
  path: string,
  opts: {
    format: UsageFileFormat; asOf: Date; batchSize: number; maxReported?: number;
    transaction: <T>(work: (session: ImportSession) => Promise<T>) => Promise<T>;
    onProgress?: (p: FileProgress & { written: number }) => void;
  },
): Promise<AtomicImportResult> {
  const totalBytes = (await stat(path)).size;
  const maxReported = opts.maxReported ?? 1000;
  try {
    const report = await opts.transaction(async (session) => {
      const bad: BadRow[] = [];
      let badRows = 0;
      const reportBad = (b: BadRow) => {
        badRows++;
        if (bad.length < maxReported) bad.push(b);
      };
      const known = new Set<string>();
      const unknown = new Map<string, { line: number; rows: number }>();
      const totals = { rows: 0, created: 0, replaced: 0, batches: 0 };
      const apps = new Set<string>();
      let firstMonth: string | null = null;
      let lastMonth: string | null = null;
      let bytes = 0;
      let lines = 0;
      let pending: { line: number; row: UsageRow }[] = [];
      const flush = async (batch: { line: number; row: UsageRow }[]) => {
        const unseen = [...new Set(batch.map((b) => b.row.appId))].filter((id) => !known.has(id) && !unknown.has(id));
        if (unseen.length) {
          const found = await session.knownApps(unseen.filter(isUuid));
          for (const id of unseen) if (found.has(id)) known.add(id);
        }
        const good: UsageRow[] = [];
        for (const b of batch) {
          if (known.has(b.row.appId)) good.push(b.row);
          else {
            const u = unknown.get(b.row.appId);
            if (u) u.rows++;
            else unknown.set(b.row.appId, { line: b.line, rows: 1 });
          }
        }
        // After the first bad row nothing more is written: the transaction will be rolled back.
        if (badRows > 0 || unknown.size > 0) return;
        const r = await session.write(latestPerAppMonth(good));
        totals.rows += r.rows;
        totals.created += r.created;
        totals.replaced += r.replaced;
        totals.batches++;
        for (const row of good) apps.add(row.appId);
        if (r.firstMonth && (firstMonth === null || r.firstMonth < firstMonth)) firstMonth = r.firstMonth;
        if (r.lastMonth && (lastMonth === null || r.lastMonth > lastMonth)) lastMonth = r.lastMonth;
        opts.onProgress?.({ bytes, totalBytes, lines, written: totals.rows });
      };
      let writing: Promise<void> = Promise.resolve();
      for await (const parsed of readUsageFile(path, opts.format, (b) => (bytes = b))) {
        lines++;
        if ("error" in parsed) {
          reportBad({ line: parsed.line, reason: parsed.error });
          continue;
        }
        const d = validateUsageRow(parsed.input, opts.asOf);
        if (!d.ok) {
          reportBad({ line: parsed.line, reason: (d.refusal.fieldErrors ?? []).map((e) => `${e.field} ${e.message}`).join("; ") || d.refusal.message });
          continue;
        }
        pending.push({ line: parsed.line, row: d.value });
        if (pending.length >= opts.batchSize) {
          await writing;
          const batch = pending;
          pending = [];
          writing = flush(batch);
          writing.catch(() => undefined);
        }
      }
      await writing;
      await flush(pending);
      for (const [id, u] of unknown) {
        badRows += u.rows - 1;
        reportBad({ line: u.line, reason: unknownAppReason(id, u.rows) });
      }
      if (badRows > 0) {
        bad.sort((a, b) => a.line - b.line);
        throw new BadFile({ rows: lines, badRows, bad, apps: known.size, bytes: totalBytes });
      }
      await session.finish({ rows: totals.rows, created: totals.created, replaced: totals.replaced, apps: apps.size, firstMonth, lastMonth, batches: totals.batches });
      return { rows: lines, written: totals.rows, created: totals.created, replaced: totals.replaced, batches: totals.batches, firstMonth, lastMonth, apps: apps.size };
    });
    return { ok: true, report };
  } catch (err) {
    if (err instanceof BadFile) return { ok: false, check: err.check };
    throw err;
  }
}
