// The storefront's reads (R-LIST-6): which listings a search shows, in which order, how many, and
// the facet counts beside them. Set-based SQL: a page is one statement whatever its size (the
// listings themselves are then read in one statement by the GraphQL layer), the summary another.
// Full-text search uses each revision's stored search document (see the storefront_search
// migration); it runs the same on PostgreSQL and PGlite.
import { createHash } from "node:crypto";
import type { Viewer } from "../auth/viewer.js";
import { type ListingState, type Marketplace, SHOWN_STATES, visibleMarketplaces } from "../domain/listings/marketplaces.js";
import { DATA_FLOWS, type DataFlow } from "../domain/apps.js";
import { popularityWindow, type StorefrontQuery } from "../domain/storefront.js";
import type { SqlRunner, Statement } from "../db/database.js";

/** Marks the objects read here: the GraphQL layer resolves their fields from the object as it is. */
export const STOREFRONT_ROW: unique symbol = Symbol("storefront row");

export interface StorefrontCategory { readonly id: string; readonly slug: string; readonly name: string }

/** A listing's live content: the card's part always, the listing page's part from storefrontListing. */
export interface StorefrontContent {
  readonly [STOREFRONT_ROW]: true;
  readonly id: string;
  readonly name: string;
  readonly tagline: string;
  readonly reviewedAt: Date | null;
  readonly categories: readonly StorefrontCategory[];
  readonly screenshots: string[];
  readonly summary?: string;
  readonly howItWorks?: string;
  readonly features?: string[];
  readonly videoUrl?: string | null;
  readonly websiteUrl?: string | null;
  readonly learnMoreUrl?: string | null;
  readonly contactKind?: string;
}

export interface StorefrontPartner {
  readonly [STOREFRONT_ROW]: true;
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly website: string | null;
  readonly tierKey: string;
  /** The tier with its name and rank on this year's ladder (null rank: the ladder does not name it). */
  readonly tierBadge: { readonly key: string; readonly name: string; readonly rank: number | null };
}

export interface StorefrontApp {
  readonly [STOREFRONT_ROW]: true;
  readonly id: string;
  readonly name: string;
  readonly kind: "DATA_CONNECTOR" | "OTHER";
  readonly dataFlow: DataFlow;
  readonly status: "ACTIVE" | "RETIRED";
}

/** A listing card (the page adds its detail columns to the content), with the names Prisma's rows use. */
export interface StorefrontCard {
  readonly [STOREFRONT_ROW]: true;
  readonly id: string;
  readonly partnerId: string;
  readonly appId: string;
  readonly marketplace: Marketplace;
  readonly state: ListingState;
  readonly firstLiveAt: Date | null;
  readonly stateChangedAt: Date;
  readonly updatedAt: Date;
  readonly liveRevision: StorefrontContent | null;
  readonly partner: StorefrontPartner;
  readonly app: StorefrontApp;
}

export const isStorefrontRow = (v: unknown): boolean => typeof v === "object" && v !== null && STOREFRONT_ROW in v;

/** A card's columns, as a driver returns them or as JSON (timestamps as strings) inside a page's array. */
interface CardRow {
  id: string; partnerId: string; appId: string; marketplace: Marketplace; state: ListingState;
  firstLiveAt: Date | string | null; stateChangedAt: Date | string; updatedAt: Date | string;
  revisionId: string | null; name: string; tagline: string; reviewedAt: Date | string | null; categories: StorefrontCategory[] | string; screenshots: string[];
  summary?: string; howItWorks?: string; features?: string[];
  videoUrl?: string | null; websiteUrl?: string | null; learnMoreUrl?: string | null; contactKind?: string;
  partnerName: string; partnerSlug: string; partnerWebsite: string | null; tierKey: string; tierName: string | null; tierRank: number | null;
  appName: string; appKind: StorefrontApp["kind"]; dataFlow: DataFlow; appStatus: StorefrontApp["status"];
}

const shownStates = SHOWN_STATES.map((s) => `'${s}'`).join(", ");

/** The id of this year's policy (its latest version), as a subquery: the ladder a tier badge is named by. */
const policyOf = (params: Params, today: Date) =>
  `(SELECT pp."id" FROM "ProgramPolicy" pp WHERE pp."year" = ${params.add(today.getUTCFullYear(), "::int")} ORDER BY pp."version" DESC LIMIT 1)`;
/** A card's categories (c joined to its revision's links) as a JSON array, by name. */
const CATEGORIES_JSON = `json_agg(json_build_object('id', c."id", 'slug', c."slug", 'name', c."name") ORDER BY c."name")`;

/**
 * What a page reads once per statement (MATERIALIZED), not once per card: the year's ladder, and the
 * categories of every card of the page, grouped by revision in one pass. Per card, the ladder was a
 * rescan of its table and the categories a small hash join and sort of their own (on PGlite, ~40% of
 * the page statement's execution; each scan also asks the file system for the table's size).
 */
function pageLookups(params: Params, today: Date): string {
  return `pg_ladder AS MATERIALIZED (SELECT t."key", t."name", t."rank" FROM "PolicyTier" t WHERE t."policyId" =
        ${policyOf(params, today)}),
    pg_page_categories AS MATERIALIZED (
      SELECT lc."revisionId", ${CATEGORIES_JSON} AS "categories"
      FROM unnest((SELECT "ids" FROM ids)) AS pg_ids("id") JOIN "Listing" l ON l."id" = pg_ids."id"
        JOIN "ListingRevisionCategory" lc ON lc."revisionId" = l."liveRevisionId" JOIN "Category" c ON c."id" = lc."categoryId"
      GROUP BY lc."revisionId")`;
}

/** The card's columns (with `detail`, the listing page's as well), one row per listing; `lookups`: from pageLookups. */
function cardColumns(detail: boolean, lookups = false): string {
  return `pg_page."ord", l."id", l."partnerId", l."appId", l."marketplace"::text AS "marketplace", l."state"::text AS "state",
      l."firstLiveAt", l."stateChangedAt", l."updatedAt",
      r."id" AS "revisionId", r."name", r."tagline", r."reviewedAt", r."screenshots",${detail ? `
      r."summary", r."howItWorks", r."features", r."videoUrl", r."websiteUrl", r."learnMoreUrl", r."contactKind"::text AS "contactKind",` : ""}
      ${lookups ? `coalesce((SELECT pc."categories" FROM pg_page_categories pc WHERE pc."revisionId" = r."id"), '[]'::json)` : `(SELECT coalesce(${CATEGORIES_JSON}, '[]'::json)
         FROM "ListingRevisionCategory" lc JOIN "Category" c ON c."id" = lc."categoryId" WHERE lc."revisionId" = r."id")`} AS "categories",
      p."name" AS "partnerName", p."slug" AS "partnerSlug", p."website" AS "partnerWebsite", p."tierKey", t."name" AS "tierName", t."rank" AS "tierRank",
      a."name" AS "appName", a."kind"::text AS "appKind", a."dataFlow"::text AS "dataFlow", a."status"::text AS "appStatus"`;
}

/** From `pg_page` ("id"): the listing, its live content, partner with this year's tier, and app. */
function cardJoins(params: Params, today: Date, lookups = false): string {
  return `JOIN "Listing" l ON l."id" = pg_page."id"
      LEFT JOIN "ListingRevision" r ON r."id" = l."liveRevisionId"
      JOIN "Partner" p ON p."id" = l."partnerId"
      JOIN "App" a ON a."id" = l."appId"
      ${lookups ? `LEFT JOIN pg_ladder t ON t."key" = p."tierKey"` : `LEFT JOIN "PolicyTier" t ON t."key" = p."tierKey" AND t."policyId" =
        ${policyOf(params, today)}`}`;
}

const date = (v: Date | string) => (typeof v === "string" ? new Date(v) : v);
const dateOrNull = (v: Date | string | null) => (v === null ? null : date(v));

function toCard(r: CardRow): StorefrontCard {
  const content: StorefrontContent | null = r.revisionId === null ? null : {
    [STOREFRONT_ROW]: true, id: r.revisionId, name: r.name, tagline: r.tagline, reviewedAt: dateOrNull(r.reviewedAt), categories: parse(r.categories), screenshots: r.screenshots,
    ...(r.summary !== undefined ? {
      summary: r.summary, howItWorks: r.howItWorks!, features: r.features!,
      videoUrl: r.videoUrl ?? null, websiteUrl: r.websiteUrl ?? null, learnMoreUrl: r.learnMoreUrl ?? null, contactKind: r.contactKind!,
    } : {}),
  };
  return {
    [STOREFRONT_ROW]: true,
    id: r.id, partnerId: r.partnerId, appId: r.appId, marketplace: r.marketplace, state: r.state,
    firstLiveAt: dateOrNull(r.firstLiveAt), stateChangedAt: date(r.stateChangedAt), updatedAt: date(r.updatedAt),
    liveRevision: content,
    partner: {
      [STOREFRONT_ROW]: true, id: r.partnerId, name: r.partnerName, slug: r.partnerSlug, website: r.partnerWebsite, tierKey: r.tierKey,
      tierBadge: { key: r.tierKey, name: r.tierName ?? tierName(r.tierKey), rank: r.tierRank === null ? null : Number(r.tierRank) },
    },
    app: { [STOREFRONT_ROW]: true, id: r.appId, name: r.appName, kind: r.appKind, dataFlow: r.dataFlow, status: r.appStatus },
  };
}

// One name per statement text: the text varies only with the query's shape (which filters, which
// order, cursor or not), so there are a few hundred at most, each prepared once per connection.
const statements = new Map<string, Statement>();
function statement(text: string): Statement {
  let s = statements.get(text);
  if (!s) statements.set(text, (s = { name: `storefront_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`, text }));
  return s;
}

export interface StorefrontPage {
  /** The listings in display order. */
  readonly cards: StorefrontCard[];
  /** More listings beyond this page in the direction read. */
  readonly hasMore: boolean;
  /** Category slugs of the filter that name no category. */
  readonly unknownCategories: string[];
  /** False when the cursor names no listing. */
  readonly cursorFound: boolean;
  /** With `facets`: the total and the facet counts, read by the same statement. */
  readonly summary?: StorefrontSummary;
}

/** Tier key → its name and rank on a year's ladder (the latest policy version). */
export type TierLadder = ReadonlyMap<string, { readonly name: string; readonly rank: number }>;

interface LadderRow { key: string; name: string; rank: number }

/** The year's ladder as one JSON column, lowest tier first. */
function ladderColumn(params: Params, today: Date): string {
  return `(SELECT coalesce(json_agg(json_build_object('key', t."key", 'name', t."name", 'rank', t."rank") ORDER BY t."rank"), '[]'::json) FROM "PolicyTier" t
    WHERE t."policyId" = ${policyOf(params, today)})`;
}

const parse = <T>(v: unknown): T => (typeof v === "string" ? (JSON.parse(v) as T) : (v as T));
const ladderOf = (rows: readonly LadderRow[]): TierLadder => new Map(rows.map((r) => [r.key, { name: r.name, rank: Number(r.rank) }]));

export interface FacetCount<K> {
  readonly value: K;
  readonly count: number;
}

export interface StorefrontFacets {
  readonly categories: readonly { slug: string; name: string; count: number }[];
  readonly tiers: readonly { key: string; name: string; count: number }[];
  readonly dataFlows: readonly FacetCount<DataFlow>[];
  readonly dataConnector: readonly FacetCount<boolean>[];
}

export interface StorefrontSummary {
  readonly total: number;
  readonly facets: StorefrontFacets | null;
}

export interface PageRequest {
  readonly direction: "forward" | "backward";
  /** Listing id of the cursor (after for forward, before for backward). */
  readonly cursor: string | null;
}

/** Positional parameters, numbered as they are added. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown, cast = ""): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

type Dir = "asc" | "desc";
type Key = readonly [expression: string, direction: Dir];

const NAME_KEY = "lower(r.\"name\")";
const ID_KEY = "r.\"listingId\"";
// Each order ends on the listing id, so it is total and a cursor names exactly one position.
const ORDERS: Record<StorefrontQuery["sort"], readonly Key[]> = {
  NAME: [[NAME_KEY, "asc"], [ID_KEY, "asc"]],
  // Shown listings always have firstLiveAt (set when they first go live).
  NEWEST: [["l.\"firstLiveAt\"", "desc"], ["l.\"id\"", "desc"]],
  POPULARITY: [["coalesce(u.\"customers\", 0)", "desc"], [NAME_KEY, "asc"], [ID_KEY, "asc"]],
  RELEVANCE: [["ts_rank(r.\"searchDocument\", q.\"query\")", "desc"], [NAME_KEY, "asc"], [ID_KEY, "asc"]],
};

interface Scope {
  readonly params: Params;
  /** FROM and JOINs. */
  readonly from: string;
  /** Conditions every row of the search meets. */
  readonly where: string;
  /** The filters, one condition each (or "true"), kept apart for disjunctive facet counts. */
  readonly filters: { readonly category: string; readonly tier: string; readonly flow: string; readonly kind: string };
}

interface Joins {
  readonly app: boolean;
  readonly partner: boolean;
  readonly popularity: Date | null;
  /**
   * Read the listings' StorefrontEntry rows (a search, or counts over every listing) instead of
   * joining the normalized tables; false: the normalized tables (a plain page walked in order by
   * their indexes, or one listing by id: the cursor row).
   */
  readonly entries: boolean;
}

/**
 * The StorefrontEntry row under the names the normalized tables give its columns (r, l, a, p), so
 * the same conditions, orders and facet columns read either. These projections of one row are
 * flattened by the planner: the full-text condition reaches the entries' own index.
 */
const ENTRY_ALIASES = `CROSS JOIN LATERAL (SELECT e."revisionId" AS "id", e."listingId" AS "listingId", e."name" AS "name", e."searchDocument" AS "searchDocument") r
      CROSS JOIN LATERAL (SELECT e."listingId" AS "id", e."marketplace" AS "marketplace", e."state" AS "state", e."appId" AS "appId", e."firstLiveAt" AS "firstLiveAt") l
      CROSS JOIN LATERAL (SELECT e."dataFlow" AS "dataFlow", e."kind" AS "kind") a
      CROSS JOIN LATERAL (SELECT e."tierKey" AS "tierKey") p`;

/** The listings and what the search, filters and order need joined to them (parameters for those only). */
function fromClause(params: Params, q: StorefrontQuery, opts: Joins): string {
  const joins: string[] = [];
  const text = q.text === null ? "" : `CROSS JOIN websearch_to_tsquery('english', ${params.add(q.text)}) AS q("query")`;
  if (opts.entries) {
    // One narrow row per listing with a live revision: a search's few hundred matches come from its
    // full-text index with every filter, order and facet column in the row (no join per match).
    joins.push(`"StorefrontEntry" e ${text}`, ENTRY_ALIASES);
  } else {
    joins.push(`"Listing" l JOIN "ListingRevision" r ON r."id" = l."liveRevisionId"`);
    if (text) joins.push(text);
    if (opts.app) joins.push(`JOIN "App" a ON a."id" = l."appId"`);
    if (opts.partner) joins.push(`JOIN "Partner" p ON p."id" = l."partnerId"`);
  }
  if (opts.popularity) {
    const { from, to } = popularityWindow(opts.popularity);
    joins.push(
      `LEFT JOIN (SELECT um."appId", sum(um."activeCustomers") AS "customers" FROM "UsageMonth" um
         WHERE um."month" >= ${params.add(day(from), "::date")} AND um."month" < ${params.add(day(to), "::date")} GROUP BY um."appId") u ON u."appId" = l."appId"`,
    );
  }
  return joins.join("\n");
}

function scope(params: Params, viewer: Viewer, marketplace: Marketplace, q: StorefrontQuery, opts: Joins): Scope {
  const from = fromClause(params, q, opts);
  const where = [
    `l."marketplace" = ${params.add(marketplace, "::\"Marketplace\"")}`,
    // R-LIST-6 in the statement: FedRAMP only for cleared viewers, only live or at-risk listings.
    `l."marketplace" = ANY(${params.add(visibleMarketplaces(viewer), "::text[]::\"Marketplace\"[]")})`,
    `l."state" IN (${shownStates})`,
    ...(q.text !== null ? [`r."searchDocument" @@ q."query"`] : []),
  ].join(" AND ");
  const filters = {
    // A probe of the (revisionId, categoryId) key per candidate row, the category ids found once: as a
    // plain EXISTS the planner hashes every listing's categories (a scan of the whole link table) to
    // answer for the few hundred rows a search leaves.
    category: !q.categories.length ? "true"
      : opts.entries ? `e."categoryIds" && ARRAY(SELECT c."id" FROM "Category" c WHERE c."slug" = ANY(${params.add(q.categories, "::text[]")}))`
      : `coalesce((SELECT true FROM "ListingRevisionCategory" lc WHERE lc."revisionId" = r."id"
           AND lc."categoryId" = ANY(ARRAY(SELECT c."id" FROM "Category" c WHERE c."slug" = ANY(${params.add(q.categories, "::text[]")}))) LIMIT 1), false)`,
    tier: q.tiers.length ? `p."tierKey" = ANY(${params.add(q.tiers, "::text[]")})` : "true",
    // Compared as the enum, so the planner knows how many rows match.
    flow: q.dataFlows.length ? `a."dataFlow" = ANY(${params.add(q.dataFlows, "::text[]::\"DataFlow\"[]")})` : "true",
    kind: q.dataConnector === null ? "true" : `a."kind" = '${q.dataConnector ? "DATA_CONNECTOR" : "OTHER"}'`,
  };
  return { params, from, where, filters };
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const needsApp = (q: StorefrontQuery) => q.dataFlows.length > 0 || q.dataConnector !== null;
const allFilters = (s: Scope) => Object.values(s.filters).filter((f) => f !== "true");

/** Rows strictly after (or before) the cursor row `cur` in the given order. */
function beyondCursor(keys: readonly Key[], backward: boolean): string {
  const cmp = (dir: Dir) => ((dir === "asc") !== backward ? ">" : "<");
  const same = keys.every(([, d]) => d === keys[0]![1]);
  if (same) {
    return `(${keys.map(([e]) => e).join(", ")}) ${cmp(keys[0]![1])} (${keys.map((_, i) => `cur."k${i}"`).join(", ")})`;
  }
  return `(${keys
    .map(([e, d], i) => [...keys.slice(0, i).map(([pe], j) => `${pe} = cur."k${j}"`), `${e} ${cmp(d)} cur."k${i}"`].join(" AND "))
    .map((c) => `(${c})`)
    .join(" OR ")})`;
}


/**
 * One page of the storefront for a search: the cards in display order, ids and cards read in one
 * statement. With `facets`, the same statement counts them too (the summary): the search's matches
 * are found once (m), with every filter's condition and the order's keys as columns, and both the
 * page and the counts are read from them.
 */
export async function storefrontPage(
  db: SqlRunner, viewer: Viewer, marketplace: Marketplace, q: StorefrontQuery, page: PageRequest, today: Date, opts: { facets?: boolean } = {},
): Promise<StorefrontPage> {
  const params = new Params();
  const popularity = q.sort === "POPULARITY" ? today : null;
  const facets = opts.facets === true;
  const s = scope(params, viewer, marketplace, q, { app: facets || needsApp(q), partner: facets || q.tiers.length > 0, popularity, entries: facets || q.text !== null });
  const keys = ORDERS[q.sort];
  // Read from the matches, the order's keys are m's columns k0, k1, ...
  const pageKeys: readonly Key[] = facets ? keys.map(([, d], i) => [`m."k${i}"`, d] as const) : keys;
  const backward = page.direction === "backward";
  const order = pageKeys.map(([e, d]) => `${e} ${(d === "asc") !== backward ? "ASC" : "DESC"}`).join(", ");
  const parts = facets ? facetParts(s, params, today) : null;
  const conditions = parts ? [parts.all] : [s.where, ...allFilters(s)];
  const ctes: string[] = [];
  let found = "true";
  let fromCursor = "";
  if (page.cursor) {
    // The cursor row's own sort keys, computed like every other row's (same search, same window).
    const from = fromClause(params, q, { app: false, partner: false, popularity, entries: false });
    ctes.push(`cur AS (SELECT ${keys.map(([e], i) => `${e} AS "k${i}"`).join(", ")} FROM ${from} WHERE l."id" = ${params.add(page.cursor, "::uuid")})`);
    found = `EXISTS (SELECT 1 FROM cur)`;
    fromCursor = "CROSS JOIN cur";
    conditions.push(beyondCursor(pageKeys, backward));
  }
  if (parts) ctes.push(`m AS MATERIALIZED (SELECT l."id" AS "lid", ${keys.map(([e], i) => `${e} AS "k${i}"`).join(", ")}, ${parts.matchColumns} FROM ${s.from} WHERE ${s.where})`);
  // The page's ids in order, computed once (without MATERIALIZED PostgreSQL inlines the CTE and
  // computes them again for the card join).
  ctes.push(`ids AS MATERIALIZED (SELECT ARRAY(
      SELECT ${parts ? `m."lid" FROM m` : `l."id" FROM ${s.from}`} ${fromCursor}
      WHERE ${conditions.join(" AND ")}
      ORDER BY ${order}
      LIMIT ${params.add(q.pageSize + 1, "::int")}
    ) AS "ids")`);
  if (parts) ctes.push(parts.ctes);
  ctes.push(pageLookups(params, today));
  const unknown = q.categories.length
    ? `ARRAY(SELECT s FROM unnest(${params.add(q.categories, "::text[]")}) AS s WHERE NOT EXISTS (SELECT 1 FROM "Category" c WHERE c."slug" = s))`
    : `ARRAY[]::text[]`;
  // One row: the page's cards as one JSON array (in order), beside the summary. A row per card would
  // repeat the summary on every row, and a driver decodes every field of every row on its own (500
  // fields for a page of 20; on PGlite each is a copy and a decode in JavaScript): one JSON value is
  // one decode.
  const text = `WITH ${ctes.join(",\n")}
    SELECT pg_meta.*, (
      SELECT coalesce(json_agg(to_json(card) ORDER BY card."ord"), '[]'::json) FROM (
        SELECT ${cardColumns(false, true)}
        FROM unnest((SELECT "ids" FROM ids)) WITH ORDINALITY AS pg_page("id", "ord")
        ${cardJoins(params, today, true)}
      ) card
    ) AS "cards"
    FROM (SELECT ${unknown} AS "unknown", ${found} AS "found"${parts ? `, ${parts.columns}` : ""}) pg_meta`;
  const [row] = await db.query<{ unknown: string[]; found: boolean; cards: CardRow[] | string }>(statement(text), params.values);
  const cards = parse<CardRow[]>(row?.cards ?? []).map(toCard);
  const hasMore = cards.length > q.pageSize;
  const shown = cards.slice(0, q.pageSize);
  return {
    cards: backward ? shown.reverse() : shown,
    hasMore,
    unknownCategories: row?.unknown ?? [],
    cursorFound: row?.found ?? true,
    ...(parts ? { summary: summaryOf(row as Record<string, unknown> | undefined) } : {}),
  };
}

/**
 * A listing as the viewer may see it (the listing page): the storefront's listings, and for a
 * partner its own in any state and for staff every one, on the marketplaces the viewer may see
 * (program/visibility.ts listingWhere, in the statement). Null otherwise.
 */
export async function storefrontListing(db: SqlRunner, viewer: Viewer, id: string, today: Date): Promise<StorefrontCard | null> {
  const params = new Params();
  const own = viewer.kind === "partner" ? viewer.partnerId : null;
  const text = `SELECT ${cardColumns(true)}
    FROM (SELECT ${params.add(id, "::uuid")} AS "id", 1 AS "ord") pg_page
    ${cardJoins(params, today)}
    WHERE l."marketplace" = ANY(${params.add(visibleMarketplaces(viewer), "::text[]::\"Marketplace\"[]")})
      AND (l."state" IN (${shownStates}) OR ${params.add(viewer.kind === "staff", "::boolean")} OR l."partnerId" = ${params.add(own, "::uuid")})`;
  const [row] = await db.query<CardRow>(statement(text), params.values);
  return row ? toCard(row) : null;
}

/** The category list (R-LIST-3) by name, for the storefront's filter: one prepared statement, no Prisma. */
export async function storefrontCategories(db: SqlRunner): Promise<{ id: string; slug: string; name: string }[]> {
  return db.query(statement(`SELECT "id", "slug", "name" FROM "Category" ORDER BY "name", "id"`), []);
}

/** How many listings the search shows (a page that asks for facets gets it from its own statement). */
export async function storefrontTotal(db: SqlRunner, viewer: Viewer, marketplace: Marketplace, q: StorefrontQuery): Promise<number> {
  const params = new Params();
  const s = scope(params, viewer, marketplace, q, { app: needsApp(q), partner: q.tiers.length > 0, popularity: null, entries: true });
  const [row] = await db.query<{ total: number }>(
    statement(`SELECT count(*)::int AS "total" FROM ${s.from} WHERE ${[s.where, ...allFilters(s)].join(" AND ")}`), params.values);
  return row?.total ?? 0;
}

/**
 * The facet counts over the matches `m` (every filter's condition a column of it, f_<filter>): the
 * total, tier, data flow and data connector counts in one grouped pass (GROUPING SETS, each facet's
 * count a FILTER aggregate leaving out its own filter); categories, a listing counting once per
 * category, in a second pass over each match's category ids. `m` is read from StorefrontEntry rows
 * (a page with facets always reads them: alias e). Facet counts are disjunctive: each facet counts
 * with every filter applied except its own, so choosing a second category shows what it would add
 * ("Accounting (12)"). The result columns are named s_<part>.
 */
function facetParts(s: Scope, params: Params, today: Date) {
  const f = s.filters;
  // Every filter but the one named, for its facet's counts (disjunctive facets).
  const others = (except: keyof Scope["filters"] | null) =>
    (Object.keys(f) as (keyof Scope["filters"])[]).filter((k) => k !== except).map((k) => `m."f_${k}"`).join(" AND ");
  const counts = (column: string, n: string) =>
    `(SELECT coalesce(json_object_agg(g."${column}", g."${n}") FILTER (WHERE g."${n}" > 0), '{}'::json) FROM g WHERE g."by" = '${column}')`;
  return {
    matchColumns: `e."categoryIds" AS "cats", p."tierKey" AS "tier", a."dataFlow"::text AS "flow", (a."kind" = 'DATA_CONNECTOR')::text AS "connector",
        ${f.category} AS "f_category", ${f.tier} AS "f_tier", ${f.flow} AS "f_flow", ${f.kind} AS "f_kind"`,
    ctes: `g AS (
      SELECT CASE WHEN GROUPING(m."tier") = 0 THEN 'tier' WHEN GROUPING(m."flow") = 0 THEN 'flow' WHEN GROUPING(m."connector") = 0 THEN 'connector' ELSE 'all' END AS "by",
        m."tier", m."flow", m."connector",
        count(*) FILTER (WHERE ${others("tier")})::int AS "nTier",
        count(*) FILTER (WHERE ${others("flow")})::int AS "nFlow",
        count(*) FILTER (WHERE ${others("kind")})::int AS "nKind",
        count(*) FILTER (WHERE ${others(null)})::int AS "nAll"
      FROM m GROUP BY GROUPING SETS ((m."tier"), (m."flow"), (m."connector"), ())
    )`,
    columns: `
      coalesce((SELECT g."nAll" FROM g WHERE g."by" = 'all'), 0) AS "s_total",
      (SELECT coalesce(json_agg(json_build_object('slug', c."slug", 'name', c."name", 'count', coalesce(x."n", 0)) ORDER BY c."name"), '[]'::json)
         FROM "Category" c LEFT JOIN (
           SELECT lc."categoryId", count(*)::int AS "n" FROM m CROSS JOIN unnest(m."cats") AS lc("categoryId")
           WHERE ${others("category")} GROUP BY 1
         ) x ON x."categoryId" = c."id") AS "s_categories",
      ${counts("tier", "nTier")} AS "s_tiers",
      ${counts("flow", "nFlow")} AS "s_flows",
      ${counts("connector", "nKind")} AS "s_kinds",
      ${ladderColumn(params, today)} AS "s_ladder"`,
    /** Every filter, for the page's rows. */
    all: others(null),
  };
}

function summaryOf(row: Record<string, unknown> | undefined): StorefrontSummary {
  return {
    total: Number(row?.s_total ?? 0),
    facets: mergeFacets({
      categories: parse(row?.s_categories ?? []),
      tiers: parse(row?.s_tiers ?? {}),
      flows: parse(row?.s_flows ?? {}),
      kinds: parse(row?.s_kinds ?? {}),
      ladder: parse(row?.s_ladder ?? []),
    }),
  };
}

/** Every value of each facet, zero counts included: tiers in ladder order (then any others), flows in enum order. */
function mergeFacets(raw: {
  categories: { slug: string; name: string; count: number }[];
  tiers: Record<string, number>;
  flows: Record<string, number>;
  kinds: Record<string, number>;
  ladder: LadderRow[];
}): StorefrontFacets {
  const tiers = raw.ladder.map((t) => ({ key: t.key, name: t.name, count: raw.tiers[t.key] ?? 0 }));
  for (const [key, count] of Object.entries(raw.tiers)) if (!tiers.some((t) => t.key === key)) tiers.push({ key, name: tierName(key), count });
  return {
    categories: raw.categories.map((c) => ({ slug: c.slug, name: c.name, count: Number(c.count) })),
    tiers,
    dataFlows: DATA_FLOWS.map((value) => ({ value, count: raw.flows[value] ?? 0 })),
    dataConnector: [true, false].map((value) => ({ value, count: raw.kinds[String(value)] ?? 0 })),
  };
}

/** A tier key the policy does not name, shown as words ("PREMIER" → "Premier"). */
export const tierName = (key: string) => key.charAt(0) + key.slice(1).toLowerCase().replace(/_/g, " ");

/** This year's tier ladder on its own (where no storefront page read brought it along). */
export async function tierLadder(db: SqlRunner, today: Date): Promise<TierLadder> {
  const params = new Params();
  const [row] = await db.query<{ ladder: unknown }>(statement(`SELECT ${ladderColumn(params, today)} AS "ladder"`), params.values);
  return ladderOf(parse(row?.ladder ?? []));
}
