// Visibility classes (program/visibility.ts) and the fan-out declarations (graphql/fan-out.ts), checked
// with fast-check: two viewers of one class (same kind, partner, role, clearance; different member,
// staff user, API token) get the same answer from every visibility predicate and from every
// subscription declared to fan out by class (its filter and its payload, on generated events). A guard
// fails when a subscription field has no declaration, or is declared `visibilityClass` but reads viewer
// identity (anything outside VISIBILITY_CLASS_FIELDS) while subscribing or executing its payload.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import {
  execute, getNamedType, GraphQLObjectType, GraphQLSchema, GraphQLString, isEnumType, isNonNullType, isObjectType, isInterfaceType, isUnionType,
  parse, subscribe, type DocumentNode, type GraphQLField, type GraphQLNamedType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../src/auth/viewer.js";
import { EVENT_TYPES } from "../../src/domain/events.js";
import type { EventFeed, ProgramEventRow } from "../../src/events/feed.js";
import { fanOutOf } from "../../src/graphql/fan-out.js";
import { schema } from "../../src/graphql/schema.js";
import * as visibility from "../../src/program/visibility.js";
import { VISIBILITY_CLASS_FIELDS, visibilityClass } from "../../src/program/visibility.js";
import { startTestService, type TestService } from "../support/harness.js";
import { globalId, loadDemoWorld } from "../support/world.js";

const MARKETPLACES = ["COMMERCIAL", "FEDRAMP"] as const;

/** A viewer of every kind, with an identity of its own: same class, different person. */
const viewerOf = (partners: readonly string[]) =>
  fc.oneof(
    fc.constant<Viewer>({ kind: "public", fedrampCleared: false }),
    fc.record({ partnerId: fc.constantFrom(...partners), role: fc.constantFrom("ADMIN" as const, "MEMBER" as const), fedrampCleared: fc.boolean(), api: fc.boolean() })
      .map(({ api, ...v }): Viewer => ({ kind: "partner", memberId: randomUUID(), ...v, ...(api ? { apiTokenId: randomUUID() } : {}) })),
    fc.record({ role: fc.constantFrom("PROGRAM_STAFF" as const, "INTEGRATION_MANAGER" as const), fedrampCleared: fc.boolean() })
      .map((v): Viewer => ({ kind: "staff", staffId: randomUUID(), ...v })),
  );

/** Another viewer of the same class: the class's fields kept, every identity field new (or dropped). */
function sameClassAs(v: Viewer): Viewer {
  if (v.kind === "partner") return { kind: "partner", partnerId: v.partnerId, role: v.role, fedrampCleared: v.fedrampCleared, memberId: randomUUID(), ...(v.apiTokenId ? {} : { apiTokenId: randomUUID() }) };
  if (v.kind === "staff") return { kind: "staff", role: v.role, fedrampCleared: v.fedrampCleared, staffId: randomUUID() };
  return { kind: "public", fedrampCleared: false };
}

/** A viewer that notes every field read outside its visibility class. */
function recording(viewer: Viewer, reads: Set<string>): Viewer {
  const note = (key: string | symbol) => {
    if (typeof key === "string" && !(VISIBILITY_CLASS_FIELDS as readonly string[]).includes(key)) reads.add(key);
  };
  return new Proxy(viewer, {
    get: (target, key, receiver) => (note(key), Reflect.get(target, key, receiver)),
    has: (target, key) => (note(key), Reflect.has(target, key)),
    ownKeys: (target) => (reads.add("(all keys)"), Reflect.ownKeys(target)),
  });
}

describe("visibility classes: the predicates", () => {
  const partners = [randomUUID(), randomUUID(), randomUUID()];
  // Something any predicate may be asked about: a listing, validation, inquiry or event, all at once.
  const subject = fc.record({
    partnerId: fc.constantFrom(...partners),
    marketplace: fc.constantFrom(...MARKETPLACES),
    state: fc.constantFrom("DRAFT", "IN_REVIEW", "LIVE", "AT_RISK", "DELISTED"),
    type: fc.constantFrom(...EVENT_TYPES),
  }).map((s) => ({ ...s, app: { partnerId: s.partnerId }, listing: { marketplace: s.marketplace } }));

  it("two viewers of one class get the same answer from every visibility predicate (every export of visibility.ts)", () => {
    const predicates = Object.entries(visibility).filter(([name, f]) => typeof f === "function" && name !== "visibilityClass") as [string, (...a: unknown[]) => unknown][];
    expect(predicates.length).toBeGreaterThan(10);
    fc.assert(
      fc.property(viewerOf(partners), subject, fc.constantFrom(...MARKETPLACES), (a, s, marketplace) => {
        const b = sameClassAs(a);
        expect(visibilityClass(b)).toBe(visibilityClass(a));
        for (const [name, f] of predicates) {
          const arg = name === "canSeeMarketplace" ? marketplace : name === "canSeePartnerWork" || name === "canSeePartnerPrivate" ? s.partnerId : s;
          expect(JSON.stringify(f(b, arg)), name).toBe(JSON.stringify(f(a, arg)));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("the class reads nothing of the viewer but VISIBILITY_CLASS_FIELDS, and viewers of different kind, partner, role or clearance differ", () => {
    fc.assert(
      fc.property(viewerOf(partners), viewerOf(partners), (a, b) => {
        const reads = new Set<string>();
        visibilityClass(recording(a, reads));
        expect([...reads]).toEqual([]);
        const classOf = (v: Viewer) => JSON.stringify(VISIBILITY_CLASS_FIELDS.map((k) => (v as Record<string, unknown>)[k]));
        expect(visibilityClass(a) === visibilityClass(b)).toBe(classOf(a) === classOf(b));
      }),
      { numRuns: 300 },
    );
  });
});

// -- The subscriptions, executed as the server executes them (subscribe, then the payload per event). --

/** A selection of everything reachable from a type, a few levels deep (fields without required arguments, lists first: 2). */
function selectionOf(type: GraphQLNamedType, depth: number): string {
  if (isUnionType(type) || isInterfaceType(type)) return "{ __typename }";
  if (!isObjectType(type)) return "";
  const fields = Object.values(type.getFields() as Record<string, GraphQLField<unknown, unknown>>).flatMap((f) => {
    if (f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) return [];
    const named = getNamedType(f.type);
    const args = f.args.some((a) => a.name === "first") ? "(first: 2)" : "";
    if (!isObjectType(named) && !isUnionType(named) && !isInterfaceType(named)) return [`${f.name}${args}`];
    if (depth === 0) return [];
    const sub = selectionOf(named, depth - 1);
    return sub ? [`${f.name}${args} ${sub}`] : [];
  });
  return fields.length ? `{ ${fields.join(" ")} }` : "";
}

/** A feed that records what a subscription asked for and yields nothing. */
function recordingFeed(): { feed: EventFeed; asked: Parameters<EventFeed["subscribe"]>[0][] } {
  const asked: Parameters<EventFeed["subscribe"]>[0][] = [];
  const feed: EventFeed = {
    head: () => 0n,
    startPosition: async () => 0n,
    size: () => 0,
    close() {},
    subscribe(o) {
      asked.push(o);
      return (async function* () {})();
    },
  };
  return { feed, asked };
}

interface Run { subscribeErrors: string; where: string; matched: boolean[]; payloads: unknown[] }

/** One viewer's subscription: its subscribe (errors, filter), then the payload of each matching event. */
async function runSubscription(
  s: GraphQLSchema, document: DocumentNode, variableValues: Record<string, unknown>, viewer: Viewer, events: ProgramEventRow[], base: Record<string, unknown>,
): Promise<Run> {
  const { feed, asked } = recordingFeed();
  const contextValue = { ...base, viewer, feed, requestId: "test" };
  const result = await subscribe({ schema: s, document, variableValues, contextValue });
  if (Symbol.asyncIterator in (result as object)) await (result as AsyncGenerator).return(undefined);
  const subscribeErrors = JSON.stringify((result as { errors?: unknown[] }).errors ?? null);
  const filter = asked[0];
  const matched = events.map((e) => filter?.matches(e) ?? false);
  const payloads: unknown[] = [];
  for (const [i, e] of events.entries()) {
    if (!matched[i]) continue;
    const r = await execute({ schema: s, document, variableValues, contextValue, rootValue: e });
    payloads.push(JSON.parse(JSON.stringify(r)));
  }
  return { subscribeErrors, where: JSON.stringify(filter?.where ?? null), matched, payloads };
}

/** Variables for every argument of a subscription field but `after`: enums from their values, partner ids from the world. */
function documentFor(s: GraphQLSchema, field: string): { document: DocumentNode; args: { name: string; values: unknown[] }[] } {
  const f = s.getSubscriptionType()!.getFields()[field]!;
  const args = f.args.filter((a) => a.name !== "after").map((a) => {
    const named = getNamedType(a.type);
    return { name: a.name, type: String(a.type), values: isEnumType(named) ? named.getValues().map((v) => v.name) : [] as unknown[] };
  });
  const decl = args.length ? `(${args.map((a) => `$${a.name}: ${a.type}`).join(", ")})` : "";
  const use = args.length ? `(${args.map((a) => `${a.name}: $${a.name}`).join(", ")})` : "";
  const sel = selectionOf(getNamedType(f.type), 3);
  return { document: parse(`subscription Sub${decl} { ${field}${use} ${sel} }`), args };
}

describe("visibility classes: the subscriptions", () => {
  let t: TestService;
  let base: Record<string, unknown>;
  let partners: string[];
  let listings: string[];

  beforeAll(async () => {
    t = await startTestService();
    await loadDemoWorld(t);
    const p = t.service.program.prisma;
    partners = (await p.partner.findMany({ select: { id: true } })).map((r) => r.id);
    listings = (await p.listing.findMany({ select: { id: true } })).map((r) => r.id);
    base = { prisma: p, program: t.service.program, tokens: t.service.tokens };
  });
  afterAll(() => t?.close());

  const subscriptionFields = Object.keys(schema.getSubscriptionType()!.getFields());

  it("every subscription field declares how it fans out (visibilityClass or alone)", () => {
    expect(subscriptionFields.length).toBeGreaterThan(0);
    for (const field of subscriptionFields) {
      expect(schema.getSubscriptionType()!.getFields()[field]!.extensions.fanOut, `Subscription.${field} declares no fanOut`).toMatch(/^(visibilityClass|alone)$/);
    }
  });

  const eventOf = () =>
    fc.record({
      type: fc.constantFrom(...EVENT_TYPES),
      marketplace: fc.constantFrom(null, ...MARKETPLACES),
      publicChange: fc.boolean(),
      partner: fc.nat(10),
      listing: fc.nat(10),
      position: fc.bigInt({ min: 1_000_000n, max: 9_000_000_000n }),
    }).map((g): ProgramEventRow => ({
      position: g.position, id: randomUUID(), occurredAt: new Date("2026-01-02T03:04:05Z"), type: g.type, actorKind: "SYSTEM", actorId: null,
      subjectType: "Listing", subjectId: randomUUID(), partnerId: partners[g.partner] ?? null, appId: null, listingId: listings[g.listing] ?? null,
      marketplace: g.marketplace, publicChange: g.publicChange, before: null, after: { state: "LIVE" }, reason: null, requestId: null,
    }) as ProgramEventRow);

  for (const field of Object.keys(schema.getSubscriptionType()!.getFields())) {
    if (fanOutOf(schema, field) !== "visibilityClass") continue;
    it(`Subscription.${field}: two viewers of one class get the same subscribe answer, filter and payloads on generated events, and no identity is read`, async () => {
      const { document, args } = documentFor(schema, field);
      await fc.assert(
        fc.asyncProperty(
          viewerOf(partners),
          fc.array(eventOf(), { minLength: 1, maxLength: 6 }),
          fc.array(fc.nat(1000), { minLength: args.length, maxLength: args.length }),
          async (a, events, picks) => {
            const variables = Object.fromEntries(args.map((arg, i) => {
              const pool = arg.values.length ? arg.values : partners.map((id) => globalId("Partner", id));
              return [arg.name, pool[picks[i]! % pool.length]];
            }));
            const readsA = new Set<string>();
            const readsB = new Set<string>();
            const ra = await runSubscription(schema, document, variables, recording(a, readsA), events, base);
            const rb = await runSubscription(schema, document, variables, recording(sameClassAs(a), readsB), events, base);
            expect(rb).toEqual(ra);
            expect([...readsA, ...readsB], `Subscription.${field} is declared visibilityClass but reads viewer identity`).toEqual([]);
          },
        ),
        { numRuns: 40 },
      );
    }, 120_000);
  }

  it("the guard notices a field declared visibilityClass that reads who the viewer is", async () => {
    const mine = new GraphQLSchema({
      query: new GraphQLObjectType({ name: "Query", fields: { ok: { type: GraphQLString } } }),
      subscription: new GraphQLObjectType({
        name: "Subscription",
        fields: {
          mine: {
            type: GraphQLString,
            extensions: { fanOut: "visibilityClass" },
            subscribe: (_r: unknown, _a: unknown, ctx: { viewer: Viewer; feed?: EventFeed }) =>
              ctx.feed!.subscribe({ after: null, where: {}, matches: () => true }),
            resolve: (_e: unknown, _a: unknown, ctx: { viewer: Viewer }) => (ctx.viewer.kind === "partner" ? ctx.viewer.memberId : null),
          },
        },
      }),
    });
    const reads = new Set<string>();
    const viewer: Viewer = { kind: "partner", memberId: randomUUID(), partnerId: randomUUID(), role: "MEMBER", fedrampCleared: false };
    const [event] = fc.sample(eventOf(), 1);
    await runSubscription(mine, parse("subscription { mine }"), {}, recording(viewer, reads), [event!], base);
    expect([...reads]).toEqual(["memberId"]);
  });
});
