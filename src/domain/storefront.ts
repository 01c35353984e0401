// What the marketplace storefront may be asked and what it shows beside a listing's content
// (R-LIST-6): search input, page sizes, the popularity window, "recently updated", "install".
// Plain functions: facts in, an answer out; no GraphQL, no database, no clock.
import { DATA_FLOWS, type DataFlow } from "./apps.js";
import { textLength, type FieldError } from "./fields.js";
import { isShownState, type ListingState } from "./listings/marketplaces.js";

export type StorefrontSort = "RELEVANCE" | "NAME" | "NEWEST" | "POPULARITY";

export const STOREFRONT_SORTS: readonly StorefrontSort[] = ["RELEVANCE", "NAME", "NEWEST", "POPULARITY"];

/** Page size when the client gives none, and the most one page may hold. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Search text longer than this (after trimming) is refused rather than cut. */
export const MAX_SEARCH_CHARS = 200;
/** Filters take at most this many values each. */
export const MAX_FILTER_VALUES = 50;
/** Popularity: active customers summed over this many complete months before today's month. */
export const POPULARITY_MONTHS = 3;
/** "Recently updated": live content approved within this many days. */
export const RECENTLY_UPDATED_DAYS = 30;

export interface StorefrontQueryInput {
  readonly search?: string | null;
  readonly categories?: readonly string[] | null;
  readonly tiers?: readonly string[] | null;
  readonly dataFlows?: readonly DataFlow[] | null;
  readonly dataConnector?: boolean | null;
  readonly sort?: StorefrontSort | null;
  readonly first?: number | null;
  readonly last?: number | null;
}

/** A storefront query as the database layer runs it: normalized, bounded, deduplicated. */
export interface StorefrontQuery {
  /** Null: no text search. */
  readonly text: string | null;
  readonly categories: readonly string[];
  readonly tiers: readonly string[];
  readonly dataFlows: readonly DataFlow[];
  readonly dataConnector: boolean | null;
  /** RELEVANCE without search text orders by name. */
  readonly sort: Exclude<StorefrontSort, "RELEVANCE"> | "RELEVANCE";
  readonly pageSize: number;
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const TIER_KEY = /^[A-Z][A-Z0-9_]*$/;
// C0/C1 controls (NUL included: PostgreSQL text cannot hold it) and lone surrogates become spaces.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const WORD = /[\p{L}\p{N}]/u;

/** Search text as it is searched: controls removed, whitespace collapsed; null when nothing is left to search for. */
export function normalizeSearch(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const text = raw.replace(CONTROL, " ").replace(/\s+/g, " ").trim();
  // Only punctuation or operators ("!!!", "&|", '""'): there is no word to look for.
  return WORD.test(text) ? text : null;
}

/** Checks a storefront query; every problem is named by its argument. */
export function checkStorefrontQuery(input: StorefrontQueryInput): { ok: true; query: StorefrontQuery } | { ok: false; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const raw = input.search ?? null;
  // Far too long is refused before any work on it; otherwise the limit applies to what is searched.
  const text = raw !== null && raw.length > MAX_SEARCH_CHARS * 4 ? raw : normalizeSearch(raw);
  if (text !== null && textLength(text) > MAX_SEARCH_CHARS) problems.push({ field: "search", message: `at most ${MAX_SEARCH_CHARS} characters` });

  const list = <T extends string>(field: string, values: readonly T[] | null | undefined, valid: (v: string) => boolean, what: string): T[] => {
    const unique = [...new Set(values ?? [])];
    if (unique.length > MAX_FILTER_VALUES) problems.push({ field, message: `at most ${MAX_FILTER_VALUES} values` });
    const bad = unique.filter((v) => !valid(v));
    if (bad.length) problems.push({ field, message: `not ${what}: ${bad.slice(0, 5).map((v) => JSON.stringify(v.slice(0, 80))).join(", ")}` });
    return unique;
  };
  const categories = list("filter.categories", input.categories, (v) => v.length <= 60 && SLUG.test(v), "a category slug");
  const tiers = list("filter.tiers", input.tiers, (v) => v.length <= 40 && TIER_KEY.test(v), "a tier key");
  const dataFlows = list("filter.dataFlows", input.dataFlows, (v) => (DATA_FLOWS as readonly string[]).includes(v), "a data flow");

  for (const [field, n] of [["first", input.first], ["last", input.last]] as const) {
    if (n == null) continue;
    if (n < 0) problems.push({ field, message: "must not be negative" });
    else if (n > MAX_PAGE_SIZE) problems.push({ field, message: `at most ${MAX_PAGE_SIZE} listings per page` });
  }
  if (input.first != null && input.last != null) problems.push({ field: "last", message: "give first or last, not both" });
  if (problems.length) return { ok: false, problems };

  const sort = input.sort ?? "RELEVANCE";
  return {
    ok: true,
    query: {
      text,
      categories,
      tiers,
      dataFlows,
      dataConnector: input.dataConnector ?? null,
      sort: sort === "RELEVANCE" && text === null ? "NAME" : sort,
      pageSize: input.first ?? input.last ?? DEFAULT_PAGE_SIZE,
    },
  };
}

/** The months popularity counts: the POPULARITY_MONTHS complete months before today's month, as [from, to). */
export function popularityWindow(today: Date): { from: Date; to: Date } {
  const to = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));
  const from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - POPULARITY_MONTHS, 1));
  return { from, to };
}

/** The live content was approved within RECENTLY_UPDATED_DAYS of today (a first launch counts). */
export function isRecentlyUpdated(contentUpdatedAt: Date | null, today: Date): boolean {
  if (!contentUpdatedAt) return false;
  const age = today.getTime() - contentUpdatedAt.getTime();
  return age <= RECENTLY_UPDATED_DAYS * 86_400_000;
}

/** The storefront offers Install while the listing is shown (live or at risk) and its app is active. */
export function isInstallAllowed(listing: { state: ListingState }, app: { status: "ACTIVE" | "RETIRED" }): boolean {
  return isShownState(listing.state) && app.status === "ACTIVE";
}
