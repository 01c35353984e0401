// Recording usage per app per month (R-USE-1): rows are checked by the rule, de-duplicated (a later
// row for the same app-month wins) and upserted in one statement per batch, with one usage.recorded
// event per batch in the same transaction. The GraphQL mutation and the bulk import share this writer.
import { randomUUID } from "node:crypto";
import type { Viewer } from "../auth/viewer.js";
import { latestPerAppMonth, validateUsageRow, type UsageRow, type UsageRowInput } from "../domain/usage.js";
import { monthKey } from "../domain/dates.js";
import { actorOf, type Actor, type NewEventOf, type Tx } from "../events/log.js";
import type { FieldError } from "../domain/fields.js";
import { InvalidInput } from "./refusals.js";
import { isUuid } from "./ids.js";
import { appendEvents, changeInBatch } from "./event-batch.js";
import { requireStaff } from "./guard.js";
import type { Program } from "./program.js";

/** Rows per GraphQL call (the bulk import sends batches of this size through the admin socket). */
export const MAX_USAGE_BATCH = 5000;

export interface UsageWriteResult {
  readonly rows: number;
  /** App-months that had no row before. */
  readonly created: number;
  /** App-months recorded again: the new row replaced the old one. */
  readonly replaced: number;
  readonly apps: number;
}

/** The partner of each known app id; ids that are not apps are missing from the map. */
export async function appPartners(tx: Pick<Tx, "$queryRawUnsafe">, appIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(appIds)].filter(isUuid);
  if (ids.length === 0) return new Map();
  const rows = await tx.$queryRawUnsafe<{ id: string; partnerId: string }[]>(
    `SELECT a."id"::text AS id, a."partnerId"::text AS "partnerId" FROM "App" a
     WHERE a."id" = ANY(ARRAY(SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb)))`,
    JSON.stringify(ids),
  );
  return new Map(rows.map((r) => [r.id, r.partnerId]));
}

export interface UsageUpsertResult extends UsageWriteResult {
  readonly firstMonth: string | null;
  readonly lastMonth: string | null;
}

/**
 * Upserts checked rows (at most one per app-month: use latestPerAppMonth) whose apps exist, in the
 * caller's transaction, as one statement; the counts come back as one row.
 */
export async function upsertUsageRows(tx: Pick<Tx, "$queryRawUnsafe">, rows: readonly UsageRow[], recordedAt: Date): Promise<UsageUpsertResult> {
  if (rows.length === 0) return { rows: 0, created: 0, replaced: 0, apps: 0, firstMonth: null, lastMonth: null };
  const payload = rows.map((r) => ({
    appId: r.appId, month: monthKey(r.month) + "-01", activeCustomers: r.activeCustomers, installs: r.installs, uninstalls: r.uninstalls,
    pushCalls: r.pushCalls.toString(), pullCalls: r.pullCalls.toString(),
  }));
  // xmax = 0 only on a freshly inserted row: that tells a new app-month from a replaced one.
  const [sum] = await tx.$queryRawUnsafe<{ rows: number; created: number; apps: number; first: string | null; last: string | null }[]>(
    `WITH written AS (
       INSERT INTO "UsageMonth" ("appId", "month", "activeCustomers", "installs", "uninstalls", "pushCalls", "pullCalls", "recordedAt")
       SELECT r."appId", r."month", r."activeCustomers", r."installs", r."uninstalls", r."pushCalls", r."pullCalls", $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS r("appId" uuid, "month" date, "activeCustomers" int, "installs" int, "uninstalls" int,
         "pushCalls" bigint, "pullCalls" bigint)
       ON CONFLICT ("appId", "month") DO UPDATE SET
         "activeCustomers" = EXCLUDED."activeCustomers", "installs" = EXCLUDED."installs", "uninstalls" = EXCLUDED."uninstalls",
         "pushCalls" = EXCLUDED."pushCalls", "pullCalls" = EXCLUDED."pullCalls", "recordedAt" = EXCLUDED."recordedAt"
       RETURNING "appId", "month", (xmax = 0) AS inserted
     )
     SELECT count(*)::int AS rows, (count(*) FILTER (WHERE inserted))::int AS created, count(DISTINCT "appId")::int AS apps,
       to_char(min("month"), 'YYYY-MM') AS first, to_char(max("month"), 'YYYY-MM') AS last
     FROM written`,
    JSON.stringify(payload), recordedAt.toISOString(),
  );
  const r = sum!;
  return { rows: r.rows, created: r.created, replaced: r.rows - r.created, apps: r.apps, firstMonth: r.first, lastMonth: r.last };
}

/** The usage.recorded event of one batch or one whole import (R-EVT-1): counts and the months covered. */
export function usageRecordedEvent(actor: Actor, result: UsageUpsertResult, extra: Record<string, unknown> = {}): NewEventOf<"usage.recorded"> {
  return {
    type: "usage.recorded", actor, subjectId: randomUUID(),
    after: { rows: result.rows, created: result.created, replaced: result.replaced, apps: result.apps, firstMonth: result.firstMonth, lastMonth: result.lastMonth, ...extra },
  };
}

/**
 * One batch with its usage.recorded event, in the caller's transaction. One event per batch, not per
 * app: a big import stays a handful of events and the change still commits with its event (R-EVT-1);
 * the rows themselves are the per-app record.
 */
export async function writeUsageRows(tx: Tx, rows: readonly UsageRow[], actor: Actor, at: Date): Promise<UsageUpsertResult & { lastPosition: bigint | null }> {
  const result = await upsertUsageRows(tx, rows, at);
  const lastPosition = result.rows ? await appendEvents(tx, [usageRecordedEvent(actor, result)], at) : null;
  return { ...result, lastPosition };
}

/** Field problems for rows whose app does not exist, named by their position in the batch. */
export function unknownAppProblems(rows: readonly { appId: string }[], partnerOf: ReadonlyMap<string, string>, name: (i: number) => string): FieldError[] {
  const problems: FieldError[] = [];
  rows.forEach((r, i) => {
    if (!partnerOf.has(r.appId)) problems.push({ field: `${name(i)}.appId`, message: `no app with id ${r.appId}` });
  });
  return problems;
}

/**
 * R-USE-1: staff (or the program's own tools) record a batch of usage rows. All or nothing: one bad
 * row (its index and reason are reported) and nothing is written.
 */
export async function recordUsage(program: Program, viewer: Viewer, input: readonly UsageRowInput[]): Promise<UsageWriteResult> {
  requireStaff(viewer);
  if (input.length === 0) throw new InvalidInput([{ field: "rows", message: "send at least one usage row" }], "R-USE-1");
  if (input.length > MAX_USAGE_BATCH) {
    throw new InvalidInput([{ field: "rows", message: `at most ${MAX_USAGE_BATCH} rows per call (got ${input.length}); split the batch` }], "R-USE-1");
  }
  const asOf = program.today();
  const problems: FieldError[] = [];
  const checked: UsageRow[] = [];
  const indexOf: number[] = [];
  input.forEach((row, i) => {
    const d = validateUsageRow(row, asOf);
    if (d.ok) {
      checked.push(d.value);
      indexOf.push(i);
    }
    else for (const e of d.refusal.fieldErrors ?? []) problems.push({ field: `rows[${i}].${e.field}`, message: e.message });
  });
  if (problems.length) throw new InvalidInput(problems, "R-USE-1");
  const rows = latestPerAppMonth(checked);
  return changeInBatch(program, async (tx) => {
    const partnerOf = await appPartners(tx, rows.map((r) => r.appId));
    const unknown = unknownAppProblems(checked, partnerOf, (i) => `rows[${indexOf[i]}]`);
    if (unknown.length) throw new InvalidInput(unknown, "R-USE-1");
    const { lastPosition, rows: written, created, replaced, apps } = await writeUsageRows(tx, rows, actorOf(viewer), program.now());
    return { result: { rows: written, created, replaced, apps }, lastPosition };
  });
}
