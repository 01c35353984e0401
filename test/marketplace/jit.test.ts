// graphql-jit for the storefront's reads (issue 12, item 3): the marketplace frontend's queries run
// compiled, with the same answers as graphql-js and without one Prisma statement; a document that
// reaches a prisma-plugin resolver (which looks its selections up by `info.path`, a fresh object per
// call under jit) never does. The schema walk below fails when a field the storefront's documents
// may select is loaded by the Prisma plugin instead of read from the storefront's rows.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { execute, getNamedType, isLeafType, isObjectType, Kind, parse, type DefinitionNode, type DocumentNode } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveViewer } from "../../src/auth/viewer.js";
import { STOREFRONT_READS } from "../../src/graphql/nodes/storefront.js";
import { schema } from "../../src/graphql/schema.js";
import { jitEnabledFor, jitExecutions } from "../../src/server/jit.js";
import { startTestService, type TestService } from "../support/harness.js";
import { loadDemoWorld } from "../support/world.js";

const root = path.resolve(import.meta.dirname, "../..");

/** The checked-in operations of a frontend, each as a document with the fragments it uses. */
function operations(folder: string): Map<string, DocumentNode> {
  const dir = path.join(root, "schema/operations", folder);
  const defs: DefinitionNode[] = readdirSync(dir).filter((f) => f.endsWith(".graphql")).flatMap((f) => parse(readFileSync(path.join(dir, f), "utf8")).definitions);
  const fragments = defs.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const out = new Map<string, DocumentNode>();
  for (const d of defs) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const text = JSON.stringify(d);
    const used = fragments.filter((f) => text.includes(`"value":"${f.name.value}"`));
    out.set(d.name!.value, { kind: Kind.DOCUMENT, definitions: [d, ...used] });
  }
  return out;
}

const STOREFRONT_QUERIES = ["Categories", "ListingDetail", "MarketplaceListings", "StorefrontSearch"];

describe("which documents graphql-jit runs", () => {
  it("every query of the storefront frontend, and nothing else it sends", () => {
    const ops = operations("marketplace");
    for (const name of STOREFRONT_QUERIES) expect(jitEnabledFor({ document: ops.get(name)! }), name).toBe(true);
    // Its subscription and its mutation run on the standard executor.
    for (const [name, doc] of ops) if (!STOREFRONT_QUERIES.includes(name)) expect(jitEnabledFor({ document: doc }), name).toBe(false);
  });

  it("no operation of the partner dashboard: they read through the Prisma plugin", () => {
    const ops = operations("partner");
    expect(ops.size).toBeGreaterThan(3);
    for (const [name, doc] of ops) expect(jitEnabledFor({ document: doc }), name).toBe(false);
  });

  it("a document that reaches a prisma-plugin resolver anywhere is not run by graphql-jit", () => {
    const prismaReaching = [
      `{ listings { edges { node { id revisions { id } } } } }`, // Listing.revisions: a Prisma relation
      `{ listings { edges { node { app { partner { name } } } } } }`, // App.partner: loaded by the plugin
      `{ listing(id: "x") { partner { name members { totalCount } } } }`,
      `{ listing(id: "x") { delistingRisk { deadline } } }`,
      `{ listings { totalCount } viewer { role } }`, // a root beside the storefront's
      `{ myListings { edges { node { id } } } }`,
      `query A { listings { totalCount } } query B { categories { slug } }`, // one compiled query per document
      `mutation { __typename }`,
      `subscription { listingChanges { position } }`,
      `{ listings { edges { node { ...on Listing { content { categories { slug } name history: revisions { id } } } } } } }`,
    ];
    for (const text of prismaReaching) expect(jitEnabledFor({ document: parse(text), operationName: text.startsWith("query A") ? "A" : undefined }), text).toBe(false);
    // The same shapes without the Prisma part are run by it.
    for (const text of [`{ listings { edges { node { id content { name categories { slug } } } } } }`, `{ listing(id: "x") { partner { name tierBadge { name } } } }`, `{ __typename categories { slug } }`]) {
      expect(jitEnabledFor({ document: parse(text) }), text).toBe(true);
    }
  });

  it("every field a jit-run document may select is read from the storefront's rows, never loaded by the Prisma plugin", () => {
    const loadedByPrisma = (ext: Record<string, unknown>) => "pothosPrismaRelationField" in ext || "pothosPrismaLoaded" in ext || "pothosPrismaFallback" in ext;
    let checked = 0;
    for (const [rootField, { type: rootType, allowed }] of Object.entries(STOREFRONT_READS)) {
      const field = schema.getQueryType()!.getFields()[rootField]!;
      expect(getNamedType(field.type).name, rootField).toBe(rootType);
      expect(loadedByPrisma(field.extensions as Record<string, unknown>), `Query.${rootField}`).toBe(false);
      for (const [typeName, readable] of Object.entries(allowed)) {
        const type = schema.getType(typeName);
        if (!isObjectType(type)) throw new Error(`${typeName} is not an object type of the schema`);
        const fields = type.getFields();
        for (const name of readable.fields) {
          if (name === "__typename") continue;
          const f = fields[name];
          expect(f, `${typeName}.${name}`).toBeDefined();
          expect(isLeafType(getNamedType(f!.type)), `${typeName}.${name} is a leaf`).toBe(true);
          expect(!loadedByPrisma(f!.extensions as Record<string, unknown>) || "storefrontRow" in f!.extensions, `${typeName}.${name}`).toBe(true);
          checked++;
        }
        for (const [name, next] of Object.entries(readable.nested)) {
          const f = fields[name];
          expect(f, `${typeName}.${name}`).toBeDefined();
          expect(getNamedType(f!.type).name, `${typeName}.${name}`).toBe(next);
          // A relation of a prisma-plugin type is answered from the row (StorefrontRowsPlugin), not loaded.
          expect(!loadedByPrisma(f!.extensions as Record<string, unknown>) || "storefrontRow" in f!.extensions, `${typeName}.${name} is loaded by Prisma`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});

describe("the storefront's queries on graphql-jit (public viewer, demo catalogue)", () => {
  let t: TestService;
  let recording = false;
  const statements: string[] = [];
  beforeAll(async () => {
    t = await startTestService({ env: { STOREFRONT_CACHE_MS: "0" }, log: (e) => {
      // The event feed's own polling is not part of a request.
      if (recording && !/FROM "public"\."Event"/.test(e.query)) statements.push(e.query);
    } });
    await loadDemoWorld(t);
  });
  afterAll(() => t?.close());

  it("answer as graphql-js does, compiled, with the storefront's own statements only (no Prisma)", async () => {
    const ops = operations("marketplace");
    const first = await t.gql(`{ listings(first: 1) { edges { node { id } } } }`);
    const listingId = first.data.listings.edges[0].node.id as string;
    const cases: [string, Record<string, unknown>][] = [
      ["MarketplaceListings", { first: 5 }],
      ["StorefrontSearch", { search: "sync", filter: { dataFlows: ["BIDIRECTIONAL", "PUSH"] }, sort: "NAME", first: 5 }],
      ["ListingDetail", { id: listingId }],
      ["Categories", {}],
    ];
    const s = t.service;
    const viewer = await resolveViewer(null, s.tokens, s.program.prisma);
    const context = { viewer, prisma: s.program.prisma, sql: s.db.sql, program: s.program, requestId: "jit-test", tokens: s.tokens, feed: s.feed, readAfter: s.feed.head() };
    for (const [name, variables] of cases) {
      const document = ops.get(name)!;
      const query = (await import("graphql")).print(document);
      const before = { ...jitExecutions };
      statements.length = 0;
      recording = true;
      const r = await t.gql(query, variables);
      recording = false;
      expect(r.errors, name).toBeUndefined();
      expect(jitExecutions.jit - before.jit, `${name} ran on graphql-jit`).toBe(1);
      expect(statements.length, name).toBeGreaterThan(0);
      // Prisma's statements name their tables with the schema ("public"."Listing"); the storefront's do not.
      expect(statements.filter((q) => q.includes(`"public".`)), name).toEqual([]);
      const reference = await execute({ schema, document, variableValues: variables, contextValue: context });
      expect(reference.errors, name).toBeUndefined();
      expect(r.data, name).toEqual(JSON.parse(JSON.stringify(reference.data)));
      // Something to compare: cards, the listing, the categories.
      expect(JSON.stringify(r.data).length, name).toBeGreaterThan(200);
    }
  });

  it("a query that reaches Prisma runs on graphql-js, and a refused variable is the same 400 as without jit", async () => {
    const before = { ...jitExecutions };
    const r = await t.gql(`{ listings(first: 2) { edges { node { id app { partner { name } } } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.listings.edges).toHaveLength(2);
    expect(jitExecutions.jit).toBe(before.jit);
    expect(jitExecutions.graphqlJs).toBe(before.graphqlJs + 1);

    const bad = await t.gql(`query($s: ListingSort) { listings(sort: $s) { totalCount } }`, { s: "NOPE" });
    expect(bad.status).toBe(400);
    expect(bad.errors?.[0]?.message).toMatch(/Variable "\$s" got invalid value "NOPE"/);
    // A resolver's refusal keeps its code and message under jit.
    const cursor = await t.gql(`{ listings(after: "not-a-cursor") { totalCount } }`);
    expect(cursor.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(cursor.errors?.[0]?.message).toMatch(/after: not a cursor of this connection/);
    expect((cursor.errors?.[0] as { path?: unknown } | undefined)?.path).toEqual(["listings"]);
  });
});
