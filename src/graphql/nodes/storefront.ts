// The marketplace storefront (R-LIST-6): the listings connection with full-text search, filters,
// sorts and facet counts; a listing by id; and what a listing card or page shows beside its
// content (install, recently updated, the partner's tier badge).
import { formatPrismaCursor, parsePrismaCursor, queryFromInfo } from "@pothos/plugin-prisma";
import {
  getOperationAST, GraphQLError, Kind, visit,
  type ASTNode, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode,
} from "graphql";
import type { DataFlow } from "../../domain/apps.js";
import type { FieldError } from "../../domain/fields.js";
import type { Listing } from "../../generated/prisma/client.js";
import {
  checkStorefrontQuery, MAX_PAGE_SIZE, MAX_SEARCH_CHARS, STOREFRONT_SORTS,
} from "../../domain/storefront.js";
import {
  storefrontListing, storefrontPage, storefrontTotal,
  type StorefrontCard, type StorefrontFacets, type StorefrontSummary,
} from "../../program/storefront.js";
import { listingWhere, storefrontListingWhere } from "../../program/visibility.js";
import { builder } from "../builder.js";
import type { Context } from "../context.js";
import { DataFlowEnum, MarketplaceEnum } from "../enums.js";
import { uuidOrNil } from "../ids.js";
import { ListingNode } from "./listing.js";

/** A query argument the storefront cannot take: a typed GraphQL error, never a 500. */
function badInput(problems: readonly FieldError[]): GraphQLError {
  return new GraphQLError(problems.map((p) => `${p.field}: ${p.message}`).join("; "), {
    extensions: { code: "BAD_USER_INPUT", problems },
  });
}

const ListingSortEnum = builder.enumType("ListingSort", {
  description: "The order of the storefront's listings. Ties are broken by name, then id, so paging is stable.",
  values: {
    RELEVANCE: { description: "Best match first (name counts most, then tagline, then summary and features). Without search text: by name." },
    NAME: { description: "By name, A to Z, ignoring case." },
    NEWEST: { description: "Most recently launched first." },
    POPULARITY: { description: "Most active customers first, summed over the last three complete months." },
  } satisfies Record<(typeof STOREFRONT_SORTS)[number], unknown>,
});

const ListingFilterInput = builder.inputType("ListingFilter", {
  description: "Listings must match every filter given; within one filter, any of its values.",
  fields: (t) => ({
    categories: t.stringList({ required: false, description: "Category slugs (see `categories`). An unknown slug is refused." }),
    tiers: t.stringList({ required: false, description: "Partner tier keys, e.g. SELECT." }),
    dataFlows: t.field({ type: [DataFlowEnum], required: false }),
    dataConnector: t.boolean({ required: false, description: "true: data connectors only; false: everything else." }),
  }),
});

const CategoryFacet = builder.objectRef<StorefrontFacets["categories"][number]>("CategoryFacet").implement({
  fields: (t) => ({ slug: t.exposeString("slug"), name: t.exposeString("name"), count: t.exposeInt("count") }),
});
const TierFacet = builder.objectRef<StorefrontFacets["tiers"][number]>("TierFacet").implement({
  fields: (t) => ({ tier: t.exposeString("key"), name: t.exposeString("name"), count: t.exposeInt("count") }),
});
const DataFlowFacet = builder.objectRef<{ value: DataFlow; count: number }>("DataFlowFacet").implement({
  fields: (t) => ({ dataFlow: t.field({ type: DataFlowEnum, resolve: (f) => f.value }), count: t.exposeInt("count") }),
});
const DataConnectorFacet = builder.objectRef<{ value: boolean; count: number }>("DataConnectorFacet").implement({
  fields: (t) => ({ dataConnector: t.boolean({ resolve: (f) => f.value }), count: t.exposeInt("count") }),
});

const ListingFacetsType = builder.objectRef<StorefrontFacets>("ListingFacets").implement({
  description:
    "Counts for the current search and filters. Each facet counts with every other filter applied but not its own, " +
    "so its other values show what choosing them would add. Every value is listed, zero counts included.",
  fields: (t) => ({
    categories: t.field({ type: [CategoryFacet], description: "Every category, by name.", resolve: (f) => [...f.categories] }),
    tiers: t.field({ type: [TierFacet], description: "Every tier of this year's ladder, lowest first.", resolve: (f) => [...f.tiers] }),
    dataFlows: t.field({ type: [DataFlowFacet], resolve: (f) => [...f.dataFlows] }),
    dataConnector: t.field({ type: [DataConnectorFacet], resolve: (f) => [...f.dataConnector] }),
  }),
});

/** Whether the field's selection (through fragments) asks for `name` at its top level. */
function selects(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === name;
      if (s.kind === Kind.INLINE_FRAGMENT) return visit(s.selectionSet);
      if (seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      return visit(info.fragments[s.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((n) => visit(n.selectionSet));
}

/**
 * What the storefront's statements read, by type: a field here is answered from the row (plain
 * columns, or `extensions.storefrontRow`); `nested` names the type a field leads to. A query that
 * selects anything else below a listing is read through Prisma as before (private and staff fields,
 * revisions, history).
 */
export interface Readable { readonly fields: ReadonlySet<string>; readonly nested: Readonly<Record<string, string>> }
const readable = (fields: string[], nested: Record<string, string> = {}): Readable => ({ fields: new Set(["__typename", ...fields]), nested });
const DETAIL_CONTENT = ["summary", "howItWorks", "features", "videoUrl", "websiteUrl", "learnMoreUrl", "contactKind"];
const common: Record<string, Readable> = {
  Listing: readable(
    ["id", "marketplace", "state", "stateChangedAt", "updatedAt", "firstLiveAt", "contentUpdatedAt", "recentlyUpdated", "installAllowed"],
    { content: "ListingRevision", partner: "Partner", app: "App" },
  ),
  Category: readable(["id", "slug", "name"]),
  Partner: readable(["id", "name", "slug", "website", "tier"], { tierBadge: "TierBadge" }),
  TierBadge: readable(["tier", "name", "rank"]),
  App: readable(["id", "name", "kind", "dataFlow", "status"]),
};
/** The listings page's cards, and the listing page (its content's detail columns too). */
const CARD: Record<string, Readable> = { ...common, ListingRevision: readable(["id", "name", "tagline", "reviewedAt", "screenshots"], { categories: "Category" }) };
const DETAIL: Record<string, Readable> = { ...common, ListingRevision: readable(["id", "name", "tagline", "reviewedAt", "screenshots", ...DETAIL_CONTENT], { categories: "Category" }) };

/** The document's fragments by name (a resolver's `info.fragments`, or collected from a document). */
type Fragments = Readonly<Record<string, FragmentDefinitionNode | undefined>>;

/** The selection sets at `path` below the field (through fragments). */
function selectionsAt(info: GraphQLResolveInfo, path: readonly string[]): SelectionSetNode[] {
  let sets = info.fieldNodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => !!s);
  for (const name of path) sets = sets.flatMap((set) => fieldsOf(info.fragments, set).filter((f) => f.name.value === name && f.selectionSet).map((f) => f.selectionSet!));
  return sets;
}

/** The fields of a selection set, through its fragments. */
function fieldsOf(fragments: Fragments, set: SelectionSetNode, seen = new Set<string>()): FieldNode[] {
  return set.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return [s];
    if (s.kind === Kind.INLINE_FRAGMENT) return fieldsOf(fragments, s.selectionSet, seen);
    if (seen.has(s.name.value)) return [];
    seen.add(s.name.value);
    const fragment = fragments[s.name.value];
    return fragment ? fieldsOf(fragments, fragment.selectionSet, seen) : [];
  });
}

function onlyReadable(fragments: Fragments, set: SelectionSetNode, type: string, allowed: Record<string, Readable>): boolean {
  const r = allowed[type];
  if (!r) return false;
  return fieldsOf(fragments, set).every((f) => {
    const name = f.name.value;
    if (r.fields.has(name)) return !f.selectionSet;
    const next = r.nested[name];
    return next !== undefined && !!f.selectionSet && onlyReadable(fragments, f.selectionSet, next, allowed);
  });
}

// Decided once per document: the field node belongs to one parsed document (Yoga caches those).
const decided = new WeakMap<FieldNode, boolean>();
/** Whether every field the query selects below `path` (a listing) is one the storefront's statement reads. */
function readsOnly(info: GraphQLResolveInfo, path: readonly string[], allowed: Record<string, Readable>): boolean {
  const key = info.fieldNodes[0]!;
  let yes = decided.get(key);
  if (yes === undefined) {
    yes = selectionsAt(info, path).every((set) => onlyReadable(info.fragments, set, "Listing", allowed));
    decided.set(key, yes);
  }
  return yes;
}

/**
 * What a storefront query may hold to be answered from storefront rows and plain objects alone: the
 * `listings` connection (its cards as CARD reads them, page info, total, facets), `listing` (as
 * DETAIL reads it) and `categories` (its own statement). The same sets the resolvers above decide
 * by, so a document this admits never reaches Prisma or a prisma-plugin resolver.
 */
const FACETS: Record<string, Readable> = {
  ListingFacets: readable([], { categories: "CategoryFacet", tiers: "TierFacet", dataFlows: "DataFlowFacet", dataConnector: "DataConnectorFacet" }),
  CategoryFacet: readable(["slug", "name", "count"]),
  TierFacet: readable(["tier", "name", "count"]),
  DataFlowFacet: readable(["dataFlow", "count"]),
  DataConnectorFacet: readable(["dataConnector", "count"]),
};
const LISTINGS_ROOT: Record<string, Readable> = {
  ...CARD,
  ...FACETS,
  QueryListingsConnection: readable(["marketplace", "totalCount"], { edges: "QueryListingsConnectionEdge", pageInfo: "PageInfo", facets: "ListingFacets" }),
  QueryListingsConnectionEdge: readable(["cursor"], { node: "Listing" }),
  PageInfo: readable(["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"]),
};
const ROOTS: Record<string, { type: string; allowed: Record<string, Readable> }> = {
  listings: { type: "QueryListingsConnection", allowed: LISTINGS_ROOT },
  listing: { type: "Listing", allowed: DETAIL },
  categories: { type: "Category", allowed: { Category: common.Category! } },
};

/** Scalar roots a storefront read may hold beside those: answered from the request's context, no statement. */
const CONTEXT_ROOTS = new Set(["__typename", "eventPosition"]);

/** What each storefront root admits, by type (the jit and read-model tests walk the schema with it). */
export const STOREFRONT_READS: Readonly<Record<string, { type: string; allowed: Readonly<Record<string, Readable>> }>> = ROOTS;

const PLAIN_DIRECTIVES = new Set(["skip", "include"]);
/** Whether a node holds a directive other than @skip/@include, anywhere below it. */
const otherDirectives = (node: ASTNode) => {
  let found = false;
  visit(node, { Directive: (d) => { if (!PLAIN_DIRECTIVES.has(d.name.value)) found = true; } });
  return found;
};

/**
 * Whether an operation of this document is a storefront read answered wholly from storefront rows
 * and plain objects: a query whose root fields are `listings`, `listing` and `categories` (and
 * `__typename` and `eventPosition`), each selecting only what the storefront's statements read, with no directive but
 * @skip and @include. graphql-jit runs exactly these
 * (server/jit.ts); anything that reaches a prisma-plugin resolver (which looks its selections up by
 * `info.path`, a fresh object per call under jit) runs on graphql-js.
 */
export function answeredFromStorefrontRows(document: DocumentNode, operationName?: string | null): boolean {
  const op = getOperationAST(document, operationName);
  if (op?.operation !== "query" || otherDirectives(document)) return false;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const roots = fieldsOf(fragments, op.selectionSet);
  return roots.length > 0 && roots.every((f) => {
    if (CONTEXT_ROOTS.has(f.name.value)) return !f.selectionSet;
    const root = ROOTS[f.name.value];
    return !!root && !!f.selectionSet && onlyReadable(fragments, f.selectionSet, root.type, root.allowed);
  });
}

/** Storefront rows stand in for Prisma's Listing rows: every field a card query reaches reads them as they are (CARD, DETAIL). */
const asListings = (cards: StorefrontCard[]) => cards as unknown as Listing[];

interface StorefrontConnection {
  marketplace: "COMMERCIAL" | "FEDRAMP";
  edges: { cursor: string; node: Listing }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  summary: () => Promise<StorefrontSummary>;
}

const cursorOf = (id: string) => formatPrismaCursor({ id }, "id");

function listingIdOfCursor(field: string, cursor: string): string {
  let id: unknown;
  try {
    id = parsePrismaCursor(cursor);
  } catch {
    id = null;
  }
  if (typeof id !== "string" || uuidOrNil(id) !== id) throw badInput([{ field, message: "not a cursor of this connection" }]);
  return id;
}

builder.queryFields((t) => ({
  listings: t.connection(
    {
      type: ListingNode,
      description:
        "Listings on a marketplace's storefront: live or at risk (R-LIST-6); FedRAMP needs clearance. " +
        `Full-text search, filters and sorts; at most ${MAX_PAGE_SIZE} per page.`,
      args: {
        marketplace: t.arg({ type: MarketplaceEnum, required: false, defaultValue: "COMMERCIAL" }),
        search: t.arg.string({
          required: false,
          description: `Words to look for in name, tagline, summary and features (web search syntax: "quoted phrase", or, -without). At most ${MAX_SEARCH_CHARS} characters.`,
        }),
        filter: t.arg({ type: ListingFilterInput, required: false }),
        sort: t.arg({ type: ListingSortEnum, required: false, defaultValue: "RELEVANCE" }),
      },
      resolve: async (_root, args, ctx, info) => {
        const checked = checkStorefrontQuery({
          search: args.search, categories: args.filter?.categories, tiers: args.filter?.tiers, dataFlows: args.filter?.dataFlows,
          dataConnector: args.filter?.dataConnector, sort: args.sort, first: args.first, last: args.last,
        });
        if (!checked.ok) throw badInput(checked.problems);
        const q = checked.query;
        if (args.after && args.before) throw badInput([{ field: "before", message: "give after or before, not both" }]);
        if ((args.first != null && args.before) || (args.last != null && args.after)) {
          throw badInput([{ field: args.before ? "before" : "after", message: "page forward with first and after, backward with last and before" }]);
        }
        const backward = args.last != null || (args.before != null && args.first == null);
        const cursorArg = backward ? "before" : "after";
        const cursorValue = backward ? args.before : args.after;
        const cursor = cursorValue ? listingIdOfCursor(cursorArg, cursorValue) : null;
        const marketplace = args.marketplace ?? "COMMERCIAL";
        const today = ctx.program.today();

        // With facets, the page's statement counts them too (the matches found once for both).
        const wantsFacets = selects(info, "facets");
        const page = await storefrontPage(ctx.sql, ctx.viewer, marketplace, q, { direction: backward ? "backward" : "forward", cursor }, today, { facets: wantsFacets });
        if (page.unknownCategories.length) {
          throw badInput([{ field: "filter.categories", message: `no such category: ${page.unknownCategories.join(", ")}` }]);
        }
        if (!page.cursorFound) throw badInput([{ field: cursorArg, message: "names no listing" }]);
        // The cards as read, unless the query asks for more of a listing than a card holds.
        const rows = !page.cards.length ? [] : readsOnly(info, ["edges", "node"], CARD) ? asListings(page.cards) : await readListings(ctx, info, page.cards.map((c) => c.id));
        const edges = rows.map((node) => ({ cursor: cursorOf(node.id), node }));
        let summary: Promise<StorefrontSummary> | null = page.summary ? Promise.resolve(page.summary) : null;
        const connection: StorefrontConnection = {
          marketplace,
          edges,
          pageInfo: {
            hasNextPage: backward ? cursor !== null : page.hasMore,
            hasPreviousPage: backward ? page.hasMore : cursor !== null,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
          // Without facets, the total is a statement of its own, run only when asked for.
          summary: () => (summary ??= storefrontTotal(ctx.sql, ctx.viewer, marketplace, q).then((total) => ({ total, facets: null }))),
        };
        return connection;
      },
    },
    {
      fields: (c) => ({
        marketplace: c.field({
          type: MarketplaceEnum,
          description: "The marketplace these listings are on.",
          resolve: (connection) => (connection as unknown as StorefrontConnection).marketplace,
        }),
        totalCount: c.int({
          description: "How many listings the search and filters match.",
          resolve: async (connection) => (await (connection as unknown as StorefrontConnection).summary()).total,
        }),
        facets: c.field({
          type: ListingFacetsType,
          resolve: async (connection) => (await (connection as unknown as StorefrontConnection).summary()).facets!,
        }),
      }),
    },
  ),
  listing: t.field({
    type: ListingNode,
    nullable: true,
    description: "A listing by global id, as the viewer may see it (the storefront's listing page); null otherwise. A string that is no Listing id is BAD_USER_INPUT.",
    args: { id: t.arg.globalID({ required: true, for: ListingNode }) },
    resolve: async (_root, args, ctx, info) => {
      const id = uuidOrNil(args.id.id);
      if (readsOnly(info, [], DETAIL)) {
        const card = await storefrontListing(ctx.sql, ctx.viewer, id, ctx.program.today());
        return card ? asListings([card])[0]! : null;
      }
      const query = queryFromInfo({ context: ctx, info });
      return ctx.prisma.listing.findFirst({ ...query, where: { AND: [{ id }, listingWhere(ctx.viewer)] } });
    },
  }),
}));

/** The page's listings with everything the query selects below edges.node, in one statement, in page order. */
async function readListings(ctx: Context, info: GraphQLResolveInfo, ids: string[]): Promise<Listing[]> {
  const query = queryFromInfo({ context: ctx, info, path: ["edges", "node"] });
  const rows = await ctx.prisma.listing.findMany({
    ...query,
    where: { AND: [{ id: { in: ids } }, storefrontListingWhere(ctx.viewer)] },
    relationLoadStrategy: "join",
  });
  const at = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => at.get(a.id)! - at.get(b.id)!);
}

