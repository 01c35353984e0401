// The low-usage sweep and each listing's delisting risk (R-USE-2, R-USE-3). lowUsageStatus decides
// every listing; this file only reads the facts in pages and writes the decided changes set-based,
// each with its event in the same transaction. Sweeping twice for one date changes nothing the second time.
import type { Viewer } from "../auth/viewer.js";
import { DEFAULT_LOW_USAGE_POLICY, lowUsageEvent, lowUsageStatus, trailingWindow, type ActiveCustomersMonth, type LowUsagePolicy, type LowUsageResult } from "../domain/usage.js";
import { isoDate, startOfDay } from "../domain/dates.js";
import type { ListingState } from "../domain/listings/marketplaces.js";
import { canSeeMarketplace } from "./visibility.js";
import { actorOf, type NewEvent, type Tx } from "../events/log.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { InvalidInput } from "./refusals.js";
import { appendEvents, changeInBatch } from "./event-batch.js";
import { requireStaff } from "./guard.js";
import type { Program } from "./program.js";

type Reader = Pick<PrismaClient, "programPolicy" | "$queryRawUnsafe">;

export interface LowUsageSettings extends LowUsagePolicy {
  /** The policy the settings come from; null: none exists yet, the program defaults apply. */
  readonly policyYear: number | null;
  readonly policyVersion: number | null;
}

/** The low-usage settings in force on `asOf`: the latest policy version of the latest year up to asOf's year. */
export async function lowUsageSettings(db: Reader, asOf: Date): Promise<LowUsageSettings> {
  const policy = await db.programPolicy.findFirst({
    where: { year: { lte: asOf.getUTCFullYear() } },
    orderBy: [{ year: "desc" }, { version: "desc" }],
    select: { year: true, version: true, lowUsageMinActiveCustomers: true, lowUsageWindowMonths: true, atRiskNoticeDays: true },
  });
  if (!policy) return { ...DEFAULT_LOW_USAGE_POLICY, policyYear: null, policyVersion: null };
  const { year, version, ...settings } = policy;
  return { ...settings, policyYear: year, policyVersion: version };
}

/**
 * Each app's peak month within the window: R-USE-2 judges the highest monthly active customers, so
 * the database hands lowUsageStatus that one month per app instead of every month (a sweep of 30,000
 * apps reads 30,000 rows, not 390,000). Apps with no active customer in the window have no row.
 */
async function usageInWindow(db: Pick<Reader, "$queryRawUnsafe">, appIds: readonly string[], from: Date, through: Date): Promise<Map<string, ActiveCustomersMonth[]>> {
  const byApp = new Map<string, ActiveCustomersMonth[]>();
  if (appIds.length === 0) return byApp;
  const rows = await db.$queryRawUnsafe<{ appId: string; month: string; activeCustomers: number }[]>(
    `SELECT DISTINCT ON (u."appId") u."appId"::text AS "appId", to_char(u."month", 'YYYY-MM-DD') AS month, u."activeCustomers"
     FROM "UsageMonth" u
     WHERE u."appId" = ANY(ARRAY(SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb)))
       AND u."month" >= $2::date AND u."month" <= $3::date AND u."activeCustomers" > 0
     ORDER BY u."appId", u."activeCustomers" DESC, u."month" DESC`,
    JSON.stringify([...new Set(appIds)]), isoDate(from), isoDate(through),
  );
  for (const r of rows) byApp.set(r.appId, [{ month: new Date(`${r.month}T00:00:00.000Z`), activeCustomers: Number(r.activeCustomers) }]);
  return byApp;
}

export interface ListingRiskFacts {
  readonly appId: string;
  readonly state: ListingState;
  readonly atRiskDeadline: Date | null;
  readonly firstLiveAt: Date | null;
}

/** R-USE-2 for one listing, as the sweep would judge it on `asOf` (reads only). */
export async function delistingRisk(db: Reader, listing: ListingRiskFacts, asOf: Date): Promise<LowUsageResult & { readonly state: ListingState; readonly atRiskDeadline: Date | null }> {
  const settings = await lowUsageSettings(db, asOf);
  const window = trailingWindow(asOf, settings.lowUsageWindowMonths);
  const usage = (await usageInWindow(db, [listing.appId], window.from, window.through)).get(listing.appId) ?? [];
  const result = lowUsageStatus({ usage, policy: settings, listing, asOf });
  return { ...result, state: listing.state, atRiskDeadline: listing.atRiskDeadline };
}

export interface SweepReport {
  readonly asOf: Date;
  readonly policyYear: number | null;
  readonly policyVersion: number | null;
  readonly minimum: number;
  readonly windowMonths: number;
  readonly noticeDays: number;
  /** LIVE and AT_RISK listings judged. */
  readonly examined: number;
  readonly putAtRisk: number;
  readonly delisted: number;
  readonly recovered: number;
  readonly unchanged: number;
  /** Listings changed by someone else while the sweep ran: left alone; the next sweep judges them again. */
  readonly conflicts: number;
}

export interface SweepProgress {
  readonly examined: number;
  readonly total: number;
}

interface ListingRow {
  id: string;
  appId: string;
  partnerId: string;
  marketplace: "COMMERCIAL" | "FEDRAMP";
  state: "LIVE" | "AT_RISK";
  atRiskSince: Date | null;
  atRiskDeadline: Date | null;
  firstLiveAt: Date | null;
  version: number;
}

const SHOWN = `('LIVE', 'AT_RISK')`;

/**
 * R-USE-2 / R-USE-3: judges every LIVE and AT_RISK listing on `asOf` (default: the program's today;
 * never after it) and applies the decided notice, delisting or recovery with its event.
 */
export async function runLowUsageSweep(
  program: Program,
  viewer: Viewer,
  opts: { asOf?: Date | null; pageSize?: number; onProgress?: (p: SweepProgress) => void } = {},
): Promise<SweepReport> {
  requireStaff(viewer);
  const today = program.today();
  const asOf = opts.asOf ?? today;
  if (startOfDay(asOf).getTime() > startOfDay(today).getTime()) {
    throw new InvalidInput([{ field: "asOf", message: `must not be after the program's today (${isoDate(today)}): the sweep only judges usage that has happened` }], "R-USE-2");
  }
  const db = program.prisma;
  const settings = await lowUsageSettings(db, asOf);
  const window = trailingWindow(asOf, settings.lowUsageWindowMonths);
  const actor = actorOf(viewer);
  const pageSize = opts.pageSize ?? 5000;
  const [{ total }] = (await db.$queryRawUnsafe<{ total: number }[]>(`SELECT count(*)::int AS total FROM "Listing" WHERE "state" IN ${SHOWN}`)) as [{ total: number }];
  const counts = { examined: 0, putAtRisk: 0, delisted: 0, recovered: 0, unchanged: 0, conflicts: 0 };
  let cursor = "00000000-0000-0000-0000-000000000000";
  let processed = 0;
  for (;;) {
    const page = await db.$queryRawUnsafe<ListingRow[]>(
      `SELECT "id"::text AS id, "appId"::text AS "appId", "partnerId"::text AS "partnerId", "marketplace"::text AS marketplace,
         "state"::text AS state, "atRiskSince", "atRiskDeadline", "firstLiveAt", "version"
       FROM "Listing" WHERE "state" IN ${SHOWN} AND "id" > $1::uuid ORDER BY "id" LIMIT $2`,
      cursor, pageSize,
    );
    if (page.length === 0) break;
    cursor = page[page.length - 1]!.id;
    const usage = await usageInWindow(db, page.map((l) => l.appId), window.from, window.through);
    const changes: { listing: ListingRow; result: LowUsageResult; event: NonNullable<ReturnType<typeof lowUsageEvent>> }[] = [];
    for (const l of page) {
      const listing = { state: l.state, atRiskDeadline: l.atRiskDeadline, atRiskSince: l.atRiskSince, firstLiveAt: l.firstLiveAt };
      const result = lowUsageStatus({ usage: usage.get(l.appId) ?? [], policy: settings, listing, asOf });
      const event = lowUsageEvent(listing, result, asOf);
      if (event) changes.push({ listing: l, result, event });
    }
    // R-LIST-6: the report counts only listings the viewer may see (the sweep itself judges them all).
    const seen = (l: ListingRow) => canSeeMarketplace(viewer, l.marketplace);
    counts.examined += page.filter(seen).length;
    counts.unchanged += page.filter(seen).length - changes.filter((c) => seen(c.listing)).length;
    if (changes.length) {
      const applied = await changeInBatch(program, async (tx) => {
        const at = program.now();
        const updated = await applyChanges(tx, changes, at);
        const events: NewEvent[] = changes.filter((c) => updated.has(c.listing.id)).map(({ listing: l, event }) => ({
          type: event.type, actor, subjectId: l.id, partnerId: l.partnerId, appId: l.appId, listingId: l.id,
          marketplace: l.marketplace, publicChange: event.publicChange,
          before: event.before, after: event.after, reason: event.reason,
        }));
        return { result: updated, lastPosition: await appendEvents(tx, events, at) };
      });
      for (const c of changes) {
        if (!seen(c.listing)) continue;
        if (!applied.has(c.listing.id)) counts.conflicts += 1;
        else if (c.result.action === "PUT_AT_RISK") counts.putAtRisk += 1;
        else if (c.result.action === "DELIST") counts.delisted += 1;
        else counts.recovered += 1;
      }
    }
    processed += page.length;
    opts.onProgress?.({ examined: processed, total });
  }
  return {
    asOf, policyYear: settings.policyYear, policyVersion: settings.policyVersion, minimum: settings.lowUsageMinActiveCustomers,
    windowMonths: settings.lowUsageWindowMonths, noticeDays: settings.atRiskNoticeDays, ...counts,
  };
}

/** Writes each listing's decided state, only where it still has the version read (optimistic concurrency). */
async function applyChanges(tx: Tx, changes: readonly { listing: ListingRow; event: { after: { state: ListingState; atRiskSince: string | null; atRiskDeadline: string | null; delistReason: string | null }; reason: string } }[], at: Date): Promise<Set<string>> {
  const payload = changes.map(({ listing, event }) => ({
    id: listing.id, version: listing.version, state: event.after.state, atRiskSince: event.after.atRiskSince, atRiskDeadline: event.after.atRiskDeadline,
    delistReason: event.after.delistReason, delistNote: event.after.delistReason ? event.reason.slice(0, 2000) : null,
  }));
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE "Listing" AS l SET "state" = c."state"::"ListingState", "atRiskSince" = c."atRiskSince", "atRiskDeadline" = c."atRiskDeadline",
       "delistReason" = c."delistReason"::"DelistReason", "delistNote" = c."delistNote", "stateChangedAt" = $2::timestamptz, "updatedAt" = $2::timestamptz,
       "version" = l."version" + 1
     FROM jsonb_to_recordset($1::jsonb) AS c("id" uuid, "version" int, "state" text, "atRiskSince" timestamptz, "atRiskDeadline" timestamptz,
       "delistReason" text, "delistNote" text)
     WHERE l."id" = c."id" AND l."version" = c."version" AND l."state" IN ${SHOWN}
     RETURNING l."id"::text AS id`,
    JSON.stringify(payload), at.toISOString(),
  );
  return new Set(rows.map((r) => r.id));
}
