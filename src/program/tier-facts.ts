// Reads what the tier rules decide on, for a page of partners at once: the policy's ladder, each
// partner's apps (live at the period's end, monthly usage), leads and inquiries of the year. The
// annual assessment, progress and what-if all read through here, so they judge the same facts.
import type { AppYearFacts, InquiryFacts, LeadFacts, Ladder, PremierInvitationFacts, Tier } from "../domain/tiers.js";
import type { DataFlow } from "../domain/apps.js";
import type { LeadStatus } from "../domain/leads.js";
import { addDays, isoDate } from "../domain/dates.js";
import { MARKETPLACES, type Marketplace } from "../domain/listings/marketplaces.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { RuleViolation } from "./refusals.js";

export type Reader = Pick<PrismaClient, "programPolicy" | "$queryRawUnsafe">;

export interface PolicyLadder {
  readonly id: string;
  readonly year: number;
  readonly version: number;
  readonly lockedAt: Date | null;
  readonly ladder: Ladder;
}

const tierSelect = {
  key: true, name: true, rank: true, invitationOnly: true, requiresBidirectional: true, minActiveCustomers: true, minLiveApps: true,
  minLeadsSent: true, minWinRate: true, minRetention: true, maxResponseHours: true,
} as const;

/** The latest policy version of `year` (exact: false → of the latest year up to `year`), with its ladder. */
export async function policyLadder(db: Reader, year: number, opts: { exact?: boolean } = {}): Promise<PolicyLadder> {
  const policy = await db.programPolicy.findFirst({
    where: opts.exact === false ? { year: { lte: year } } : { year },
    orderBy: [{ year: "desc" }, { version: "desc" }],
    select: { id: true, year: true, version: true, lockedAt: true, tiers: { select: tierSelect, orderBy: { rank: "asc" } } },
  });
  if (!policy || policy.tiers.length === 0) {
    throw new RuleViolation({
      rule: "R-TIER-1",
      message: `There is no program policy with a tier ladder for ${year}.`,
      missing: [`a program policy for ${year} with its tier ladder`],
      toSatisfy: `Program staff create the policy for ${year} (createProgramPolicy).`,
    });
  }
  const ladder: Tier[] = policy.tiers.map((t) => ({ ...t }));
  return { id: policy.id, year: policy.year, version: policy.version, lockedAt: policy.lockedAt, ladder };
}

/** Everything the tier rules need about one partner over one year (up to a period end). */
export interface PartnerYearBundle {
  readonly firstLaunch: Date | null;
  readonly apps: AppYearFacts[];
  readonly leads: LeadFacts[];
  readonly inquiries: InquiryFacts[];
}

const ids = (list: readonly string[]) => JSON.stringify([...new Set(list)]);
// = ANY(ARRAY(...)): the id list is built once and probed by index or hash. The plainer IN (SELECT ...
// FROM jsonb_array_elements_text(...)) was planned as a nested loop that re-read the list for every
// row, which made each page of the assessment slower than the last.
const IN_IDS = (column: string) => `${column} = ANY(ARRAY(SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb)))`;

/**
 * The facts of `partnerIds` for `year`, with `periodEnd` the last day counted (Dec 31 for the
 * assessment, the as-of day for progress). Usage rows span the month before the year (opening
 * customers) to periodEnd's month; computeFigures keeps only the partner's own period.
 * An app is live at the period's end when its listing's history (the last state recorded up to
 * then) says LIVE or AT_RISK; a listing with no such history counts by its state now, if it had gone
 * live by then.
 *
 * `marketplaces`: the figures as a viewer who sees only these may see them (R-LIST-6): only listings
 * there make an app live, an app listed only elsewhere is left out with its usage, and so are the
 * inquiries sent through listings elsewhere. The assessment counts every marketplace.
 */
export async function loadYearFacts(db: Reader, partnerIds: readonly string[], year: number, periodEnd: Date, marketplaces: readonly Marketplace[] = MARKETPLACES): Promise<Map<string, PartnerYearBundle>> {
  const bundles = new Map<string, PartnerYearBundle>();
  for (const id of partnerIds) bundles.set(id, { firstLaunch: null, apps: [], leads: [], inquiries: [] });
  if (partnerIds.length === 0) return bundles;
  const cutoff = addDays(periodEnd, 1);
  const from = new Date(Date.UTC(year, 0, 1));
  const usageFrom = new Date(Date.UTC(year - 1, 11, 1));
  const [apps, live, usage, leads, inquiries] = await Promise.all([
    db.$queryRawUnsafe<{ id: string; partnerId: string; name: string; dataFlow: DataFlow; launchedAt: Date | null }[]>(
      `SELECT "id"::text AS id, "partnerId"::text AS "partnerId", "name", "dataFlow"::text AS "dataFlow", "launchedAt"
       FROM "App" a WHERE ${IN_IDS(`a."partnerId"`)}
         AND (EXISTS (SELECT 1 FROM "Listing" l WHERE l."appId" = a."id" AND l."marketplace"::text = ANY($2::text[]))
              OR NOT EXISTS (SELECT 1 FROM "Listing" l WHERE l."appId" = a."id"))
       ORDER BY a."createdAt", a."id"`,
      ids(partnerIds), marketplaces,
    ),
    db.$queryRawUnsafe<{ appId: string }[]>(
      `SELECT DISTINCT l."appId"::text AS "appId" FROM "Listing" l
       LEFT JOIN LATERAL (
         SELECT e."after"->>'state' AS state FROM "Event" e
         WHERE e."listingId" = l."id" AND e."occurredAt" < $2::timestamptz AND e."after"->>'state' IS NOT NULL
         ORDER BY e."position" DESC LIMIT 1
       ) h ON true
       WHERE ${IN_IDS(`l."partnerId"`)} AND l."marketplace"::text = ANY($3::text[])
         AND COALESCE(h.state, CASE WHEN l."firstLiveAt" < $2::timestamptz THEN l."state"::text END) IN ('LIVE', 'AT_RISK')`,
      ids(partnerIds), cutoff.toISOString(), marketplaces,
    ),
    db.$queryRawUnsafe<{ appId: string; month: Date; activeCustomers: number; installs: number; uninstalls: number; pushCalls: bigint; pullCalls: bigint }[]>(
      `SELECT u."appId"::text AS "appId", u."month", u."activeCustomers", u."installs", u."uninstalls", u."pushCalls", u."pullCalls"
       FROM "UsageMonth" u JOIN "App" a ON a."id" = u."appId"
       WHERE ${IN_IDS(`a."partnerId"`)} AND u."month" >= $2::date AND u."month" < $3::date`,
      ids(partnerIds), isoDate(usageFrom), isoDate(cutoff),
    ),
    db.$queryRawUnsafe<{ partnerId: string; createdAt: Date; status: LeadStatus; statusChangedAt: Date }[]>(
      `SELECT "partnerId"::text AS "partnerId", "createdAt", "status"::text AS status, "statusChangedAt" FROM "Lead"
       WHERE ${IN_IDS(`"partnerId"`)} AND (("createdAt" >= $2::timestamptz AND "createdAt" < $3::timestamptz)
         OR ("statusChangedAt" >= $2::timestamptz AND "statusChangedAt" < $3::timestamptz))`,
      ids(partnerIds), from.toISOString(), cutoff.toISOString(),
    ),
    db.$queryRawUnsafe<{ partnerId: string; createdAt: Date; respondedAt: Date | null }[]>(
      `SELECT i."partnerId"::text AS "partnerId", i."createdAt", i."respondedAt" FROM "Inquiry" i JOIN "Listing" l ON l."id" = i."listingId"
       WHERE ${IN_IDS(`i."partnerId"`)} AND i."createdAt" >= $2::timestamptz AND i."createdAt" < $3::timestamptz AND l."marketplace"::text = ANY($4::text[])`,
      ids(partnerIds), from.toISOString(), cutoff.toISOString(), marketplaces,
    ),
  ]);
  const liveApps = new Set(live.map((l) => l.appId));
  const usageByApp = new Map<string, AppYearFacts["usage"][number][]>();
  for (const u of usage) {
    const list = usageByApp.get(u.appId) ?? [];
    list.push({
      month: new Date(u.month), activeCustomers: Number(u.activeCustomers), installs: Number(u.installs), uninstalls: Number(u.uninstalls),
      pushCalls: BigInt(u.pushCalls), pullCalls: BigInt(u.pullCalls),
    });
    usageByApp.set(u.appId, list);
  }
  const mutable = (id: string) => bundles.get(id) as { firstLaunch: Date | null; apps: AppYearFacts[]; leads: LeadFacts[]; inquiries: InquiryFacts[] };
  for (const a of apps) {
    const b = mutable(a.partnerId);
    const launched = a.launchedAt ? new Date(a.launchedAt) : null;
    if (launched && (b.firstLaunch === null || launched < b.firstLaunch)) b.firstLaunch = launched;
    b.apps.push({ appId: a.id, name: a.name, declaredFlow: a.dataFlow, liveAtPeriodEnd: liveApps.has(a.id), usage: usageByApp.get(a.id) ?? [] });
  }
  for (const l of leads) mutable(l.partnerId).leads.push({ createdAt: new Date(l.createdAt), status: l.status, statusChangedAt: new Date(l.statusChangedAt) });
  for (const i of inquiries) mutable(i.partnerId).inquiries.push({ createdAt: new Date(i.createdAt), respondedAt: i.respondedAt ? new Date(i.respondedAt) : null });
  return bundles;
}

export type TierSource = "ENTRY" | "ASSESSMENT" | "INVITATION" | "RECORDED";

/** The tier a partner held in a year, and where it came from (R-TIER-2): the latest tier year at or before it. */
export interface TierHeld {
  readonly tierKey: string;
  readonly source: TierSource;
  /** The year that tier was set for (the join year, or the year an assessment set); later years carry it until the next. */
  readonly sinceYear: number;
  readonly assessmentId: string | null;
}

/**
 * The tier each partner held during `year` (R-TIER-2): its tier year for `year`, else the latest one
 * before it (tiers change only at an assessment). A partner with none (it joined after `year`) is
 * absent: it held no tier that year. The partner record is never read: it is not history.
 */
export async function tiersHeld(db: Reader, partnerIds: readonly string[], year: number): Promise<Map<string, TierHeld>> {
  const rows = await db.$queryRawUnsafe<{ id: string; tierKey: string; source: TierSource; year: number; assessmentId: string | null }[]>(
    `SELECT DISTINCT ON (y."partnerId") y."partnerId"::text AS id, y."tierKey", y."source"::text AS source, y."year", y."assessmentId"::text AS "assessmentId"
     FROM "PartnerTierYear" y
     WHERE ${IN_IDS(`y."partnerId"`)} AND y."year" <= $2
     ORDER BY y."partnerId", y."year" DESC`,
    ids(partnerIds), year,
  );
  return new Map(rows.map((r) => [r.id, { tierKey: r.tierKey, source: r.source, sinceYear: Number(r.year), assessmentId: r.assessmentId }]));
}

/** Staff invitations (not withdrawn) to take effect in `effectiveYear`. */
export async function invitationsFor(db: Reader, partnerIds: readonly string[], effectiveYear: number): Promise<Map<string, PremierInvitationFacts & { id: string }>> {
  const rows = await db.$queryRawUnsafe<{ id: string; partnerId: string; invitedAt: Date; customerCentricity: string; strategicAlignment: string; executiveSponsorship: string }[]>(
    `SELECT "id"::text AS id, "partnerId"::text AS "partnerId", "invitedAt", "customerCentricity", "strategicAlignment", "executiveSponsorship"
     FROM "PremierInvitation" WHERE ${IN_IDS(`"partnerId"`)} AND "effectiveYear" = $2 AND "status" <> 'WITHDRAWN'`,
    ids(partnerIds), effectiveYear,
  );
  return new Map(rows.map((r) => [r.partnerId, {
    id: r.id, effectiveYear, invitedAt: new Date(r.invitedAt),
    grounds: { customerCentricity: r.customerCentricity, strategicAlignment: r.strategicAlignment, executiveSponsorship: r.executiveSponsorship },
  }]));
}
