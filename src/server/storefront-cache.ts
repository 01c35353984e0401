// A response cache for the public storefront (R-LIST-6): unauthenticated reads of `listings`,
// `listing` and `categories` are answered from memory; nothing an authenticated viewer asks is
// ever cached, so no partner or staff answer is shared. Each process keeps its own cache and
// follows the event history (the same feed subscriptions read, across instances through Redis
// notices and polling): a committed change to what the storefront shows drops exactly the cached
// answers it touches, on every instance.
import { createHash } from "node:crypto";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { createInMemoryCache, useResponseCache } from "@graphql-yoga/plugin-response-cache";
import { getOperationAST, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import { EVENT_CATALOGUE, EVENT_TYPES, isEventType } from "../domain/events.js";
import type { EventFeed, ProgramEventRow } from "../events/feed.js";
import type { Prisma } from "../generated/prisma/client.js";
import { schema } from "../graphql/schema.js";

/**
 * The root fields a public answer may be cached for; every other one makes an answer uncacheable.
 * `eventPosition` is kept with the page it was read with: the answer shows every event up to it, and
 * an event after it drops the answer (or comes to a subscriber after it), whenever it is served.
 */
const STOREFRONT_FIELDS = new Set(["listings", "listing", "categories", "eventPosition"]);
/** Storefront pages carry their marketplace: a tag for "every page of this storefront". */
const PAGE_TYPE = "QueryListingsConnection";
const MARKETPLACES = ["COMMERCIAL", "FEDRAMP"] as const;

/** Events that change the storefront without being a listing's own public change (the event catalogue's storefront effects). */
const STOREFRONT_EVENT_TYPES: readonly string[] = EVENT_TYPES.filter((t) => !["none", "listing"].includes(EVENT_CATALOGUE[t].storefront));

export interface CacheEntity {
  readonly typename: string;
  readonly id?: string;
}

/**
 * What an event changes on the storefront, as cache entities, by its storefront effect in the event
 * catalogue: a listing's public change drops the listing itself (its detail page and every page
 * showing it) and every page of its marketplace (what a page holds, its order and its counts all move
 * when a listing appears, disappears or changes). Tier and app changes touch the partner or app shown
 * on listings; usage moves the popularity order; a policy renames tiers on every badge.
 */
export function storefrontEntities(e: Pick<ProgramEventRow, "type" | "publicChange" | "listingId" | "partnerId" | "appId" | "subjectId" | "marketplace">): CacheEntity[] {
  const pages = (m: string | null) => (m ? [m] : MARKETPLACES).map((id) => ({ typename: PAGE_TYPE, id }));
  if (e.publicChange) {
    return [...(e.listingId ? [{ typename: "Listing", id: encodeGlobalID("Listing", e.listingId) }] : []), ...pages(e.marketplace)];
  }
  if (!isEventType(e.type)) return [];
  switch (EVENT_CATALOGUE[e.type].storefront) {
    case "partner":
      return e.partnerId ? [{ typename: "Partner", id: encodeGlobalID("Partner", e.partnerId) }, ...pages(null)] : pages(null);
    case "app":
      return [{ typename: "App", id: encodeGlobalID("App", e.appId ?? e.subjectId) }, ...pages(null)];
    case "popularity":
      return pages(null);
    case "ladder":
      return [{ typename: "Partner" }, ...pages(null)];
    case "listing":
    case "none":
      return [];
  }
}

/** JSON with object keys sorted, so equal variables give equal keys whatever their order. */
function stableJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

export interface StorefrontCache {
  /** For the Yoga plugin list. */
  readonly plugin: Plugin;
  /** Drops the cached answers holding these entities (a typename alone: every answer holding one). */
  invalidate(entities: readonly CacheEntity[]): void;
  /** Follows the event history from now on, invalidating as events arrive; returns the stop. */
  follow(feed: EventFeed): () => void;
}

/** `ttlMs` 0: no cache at all (every answer computed). */
export function createStorefrontCache(opts: { ttlMs?: number; max?: number } = {}): StorefrontCache {
  if (opts.ttlMs === 0) return { plugin: {}, invalidate: () => {}, follow: () => () => {} };
  const memory = createInMemoryCache({ max: opts.max ?? 5_000 });
  // A kept answer is written out once: Yoga serializes a result with its `stringify` when it has one.
  const cache: typeof memory = {
    get: (id) => memory.get(id),
    set: (id, result, entities, ttl) => {
      let json: string | undefined;
      return memory.set(id, { ...result, stringify: (sanitized: unknown) => (json ??= JSON.stringify(sanitized)) } as typeof result, entities, ttl);
    },
    invalidate: (entities) => memory.invalidate(entities),
  };
  // An answer computed while an invalidating event arrived may hold what that event changed: it is
  // served, but not kept. Each invalidation starts a new generation.
  let generation = 0;
  const startedIn = new WeakMap<object, number>();
  const uncached = Object.fromEntries(
    Object.keys(schema.getQueryType()!.getFields()).filter((f) => !STOREFRONT_FIELDS.has(f)).map((f) => [`Query.${f}`, 0]),
  );
  const isPublic = (request: Request | undefined) => !!request?.headers && !request.headers.has("authorization");

  const plugin: Plugin = {
    onPluginInit({ addPlugin }) {
      addPlugin(useResponseCache({
        cache,
        session: () => null,
        // Before execution only the header is known; at execution the viewer is checked as well.
        enabled: (request, context) => isPublic(request) && ((context as { viewer?: { kind: string } }).viewer?.kind ?? "public") === "public",
        // Clock-driven fields ("recently updated", the popularity window) change without an event.
        ttl: opts.ttlMs ?? 60_000,
        ttlPerSchemaCoordinate: {
          ...uncached,
          // An app's listings on other marketplaces: which are visible changes with no entity of this answer.
          "App.listings": 0,
        },
        // The plugin's default key hashes with WebCrypto (asynchronous, and an eighth of a cache hit's
        // CPU); the same parts, hashed synchronously.
        buildResponseCacheKey: ({ documentString, variableValues, operationName, sessionId }) =>
          createHash("sha256").update(`${documentString}|${operationName ?? ""}|${stableJson(variableValues ?? {})}|${sessionId ?? ""}`).digest("hex"),
        // A page's marketplace tags it (the connection has no id of its own).
        idFields: ["id", "marketplace"],
        // Committed changes invalidate through the event history, on every instance, not mutation answers.
        invalidateViaMutation: false,
        includeExtensionMetadata: false,
        // Errors are not cached; neither is "not found": the listing may appear later with no entity to name it.
        shouldCacheResult: ({ result }: { result: ExecutionResult }) =>
          !result.errors?.length && !!result.data && Object.values(result.data).every((v) => v !== null),
        onTtl: ({ ttl, context }: { ttl: number; context: object }) => (startedIn.get(context) === generation ? ttl : 0),
      }));
    },
    onExecute({ args }) {
      // With invalidateViaMutation off the plugin would cache a mutation's answer like a query's: an
      // unauthenticated mutation (the CLIs' admin socket, a public inquiry) must never be replayed.
      const query = getOperationAST(args.document, args.operationName ?? undefined)?.operation === "query";
      startedIn.set(args.contextValue as object, query ? generation : -1);
    },
  };

  const invalidate = (entities: readonly CacheEntity[]) => {
    if (!entities.length) return;
    generation++;
    void cache.invalidate(entities);
  };

  return {
    plugin,
    invalidate,
    follow(feed) {
      const where: Prisma.EventWhereInput = { OR: [{ publicChange: true }, { type: { in: [...STOREFRONT_EVENT_TYPES] } }] };
      const events = feed.subscribe({ after: null, where, matches: (e) => e.publicChange || STOREFRONT_EVENT_TYPES.includes(e.type) });
      void (async () => {
        for await (const e of events) invalidate(storefrontEntities(e));
      })();
      return () => void events.return?.();
    },
  };
}
