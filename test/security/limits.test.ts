// Hostile queries are stopped before any resolver runs, with a clear error; browsers cannot be
// tricked into mutations; mutations and the contact form are rate limited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";
import { globalId as gid, loadDemoWorld, type DemoWorld } from "../support/world.js";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Kind, parse, type OperationDefinitionNode } from "graphql";
import { loadConfig } from "../../src/config.js";
import { schema } from "../../src/graphql/schema.js";
import { CSRF_HEADER, connectionNodes } from "../../src/server/security.js";
import { root } from "../support/processes.js";

let t: TestService;
let w: DemoWorld;
beforeAll(async () => {
  t = await startTestService({
    listen: true,
    env: { GRAPHQL_MAX_DEPTH: "8", GRAPHQL_MAX_COST: "1500", RATE_LIMIT_MUTATIONS_PER_MINUTE: "5", RATE_LIMIT_INQUIRIES_PER_MINUTE: "2", MAX_BODY_BYTES: "65536", MAX_PAGE_SIZE: "50", GRAPHQL_MAX_NODES: "2000" },
  });
  w = await loadDemoWorld(t);
});
afterAll(() => t?.close());

const url = () => `http://127.0.0.1:${t.port}/graphql`;
async function post(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(url(), {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: { message: string; extensions?: any }[] } };
}
const leads = () => t.service.program.prisma.lead.count();
/** A query nested `levels` times (viewer → partner → apps → partner → …). */
const deep = (levels: number) =>
  `{ viewer { partner ${"{ apps(first: 1) { edges { node { partner ".repeat(levels)}{ name }${" } } } }".repeat(levels)} } }`;

describe("hostile queries are rejected before any resolver runs", () => {
  it("too deep, with a clear error — also when the operation or a fragment is named __schema", async () => {
    const r = await post(deep(3), {}, w.staffToken);
    expect(r.body.errors?.[0]?.message).toMatch(/depth/i);
    expect(r.body.data).toBeUndefined();
    const named = await post(`query __schema ${deep(3).slice(0)}`, {}, w.staffToken);
    expect(named.body.errors?.[0]?.message).toMatch(/reserved for introspection|depth/i);
    expect(named.body.data).toBeUndefined();
    const fragment = await post(`{ ...__schema } fragment __schema on Query ${deep(3)}`, {}, w.staffToken);
    expect(fragment.body.errors?.length).toBeGreaterThan(0);
    expect(fragment.body.data).toBeUndefined();
    const ok = await post(deep(1), {}, w.staffToken);
    expect(ok.body.errors).toBeUndefined();
  });

  it("too many aliases, directives or tokens, or too costly: rejected, and a mutation inside never runs", async () => {
    const before = await leads();
    const p = gid("Partner", w.partners.northwind.id);
    const lead = (i: number) => `l${i}: sendLead(partnerId: "${p}", company: "c", contactName: "c", contactEmail: "c@c.example", details: "d") { __typename }`;
    const aliases = await post(`mutation { ${Array.from({ length: 16 }, (_, i) => lead(i)).join(" ")} }`, {}, w.partners.northwind.adminToken);
    expect(aliases.body.errors?.[0]?.message).toMatch(/alias/i);
    const directives = await post(`{ viewer { role ${"@skip(if: false) ".repeat(60)} } }`);
    expect(directives.body.errors?.[0]?.message, JSON.stringify(directives)).toMatch(/directive/i);
    const tokens = await post(`{ ${Array.from({ length: 1100 }, () => "__typename").join(" ")} }`);
    expect(tokens.body.errors?.[0]?.message).toMatch(/token/i);
    const costly = await post(`{ ${Array.from({ length: 14 }, (_, i) => `a${i}: listings(first: 5) { edges { node { id state marketplace updatedAt app { name kind dataFlow status partner { name tier slug } } } } }`).join(" ")} }`);
    expect(costly.body.errors?.[0]?.message).toMatch(/cost/i);
    expect(await leads()).toBe(before);
  });

  it("page sizes over the limit are refused, as literals and as variables", async () => {
    const literal = await post(`{ listings(first: 51) { edges { node { id } } } }`);
    expect(literal.body.errors?.[0]?.extensions?.code, JSON.stringify(literal.body)).toBe("PAGE_SIZE_LIMIT");
    const variable = await post(`query($n: Int) { listings(first: $n) { edges { node { id } } } }`, { n: 1000 });
    expect(variable.body.errors?.[0]?.message).toMatch(/exceeds the limit of 50/);
    expect((await post(`{ listings(first: 50) { edges { node { id } } } }`)).body.errors).toBeUndefined();
  });

  it("nested connections whose pages multiply past the node limit are refused: page sizes in variables, default pages, aliases, fragments", async () => {
    // The cost limit multiplies a literal `first` only; page sizes in variables are counted here.
    // partners × apps: 50 + 50·50 nodes, over the test's limit of 2,000.
    const nested = `query($p: Int, $a: Int) { partners(first: $p) { edges { node { apps(last: $a) { edges { node { name } } } } } } }`;
    const refused = await post(nested, { p: 50, a: 50 }, w.staffToken);
    expect(refused.body.errors?.[0]?.extensions?.code, JSON.stringify(refused.body)).toBe("NODE_LIMIT");
    expect(refused.body.errors?.[0]?.message).toBe(
      "This query could return up to 2550 nodes (each connection's first/last times those of the connections it is nested in); the limit is 2000: ask for smaller pages or fewer nested connections");
    expect(refused.body.data).toBeUndefined();
    expect(refused.status).toBe(400);
    // No first/last: a connection's default page of 20 counts; aliases each count (20 + 5 × 20·20).
    const aliases = await post(`{ partners { edges { node { ${[1, 2, 3, 4, 5].map((i) => `a${i}: apps { edges { node { name } } }`).join(" ")} } } } }`, {}, w.staffToken);
    expect(aliases.body.errors?.[0]?.message, JSON.stringify(aliases.body)).toMatch(/^This query could return up to 2020 nodes/);
    const fragments = await post(`query($n: Int) { partners(first: $n) { ...P } } fragment P on QueryPartnersConnection { edges { node { ... on Partner { apps(first: $n) { edges { node { name } } } } } } }`, { n: 50 }, w.staffToken);
    expect(fragments.body.errors?.[0]?.extensions?.code, JSON.stringify(fragments.body)).toBe("NODE_LIMIT");
    // The same shapes with smaller pages are answered.
    const small = await post(nested, { p: 10, a: 10 }, w.staffToken);
    expect(small.body.errors, JSON.stringify(small.body)).toBeUndefined();
    expect(small.body.data.partners.edges.length).toBeGreaterThan(0);
    const fewer = await post(`{ partners { edges { node { a1: apps { edges { node { name } } } } } } }`, {}, w.staffToken);
    expect(fewer.body.errors, JSON.stringify(fewer.body)).toBeUndefined();
  });

  it("every operation the frontends send stays within the default node limit at the largest pages its variables allow", async () => {
    const dir = path.join(root, "schema", "operations");
    const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith(".graphql"));
    expect(files.length).toBeGreaterThan(5);
    const limits = loadConfig({}).limits;
    for (const f of files) {
      const document = parse(await readFile(path.join(dir, f), "utf8"));
      for (const op of document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
        // Every Int variable at the page limit: the most the operation can ask for.
        const variables = Object.fromEntries((op.variableDefinitions ?? []).map((v) => [v.variable.name.value, limits.maxPageSize]));
        const nodes = connectionNodes(schema, document, op, variables);
        expect(nodes, `${f} ${op.name?.value}`).toBeLessThanOrEqual(limits.maxNodes);
      }
    }
  });

  it("a request body over the limit is refused with 413 before it is parsed", async () => {
    const res = await fetch(url(), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: `{ viewer { role } }`, variables: { junk: "x".repeat(100_000) } }) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe("BODY_TOO_LARGE");
  });

  it("no field suggestions that would reveal the schema", async () => {
    const r = await post(`{ listingz { id } }`);
    expect(r.body.errors?.[0]?.message).not.toMatch(/did you mean/i);
  });

  it("unexpected errors are masked: no stack, no internals", async () => {
    const r = await t.gql(`{ node(id: "${gid("Listing", "00000000-0000-4000-8000-000000000000")}") { id } }`);
    expect(r.status).toBe(200);
    const broken = await startTestService();
    await broken.service.db.close(); // every database read now fails inside a resolver
    const res = await broken.gql(`{ categories { name } }`);
    expect(res.errors?.[0]?.message).toBe("Unexpected error.");
    expect(JSON.stringify(res.errors)).not.toMatch(/stack|prisma|at \//i);
    await broken.close().catch(() => {});
  });
});

describe("browsers and CSRF", () => {
  it("mutations are never executed over GET", async () => {
    const q = encodeURIComponent(`mutation { sendLead(partnerId: "x", company: "c", contactName: "c", contactEmail: "c@c.example", details: "d") { __typename } }`);
    const res = await fetch(`${url()}?query=${q}`, { headers: { [CSRF_HEADER]: "1", authorization: `Bearer ${w.partners.northwind.adminToken}` } });
    expect(res.status).toBe(405);
  });

  it("a simple cross-site request (GET or form post without the CSRF header) is refused", async () => {
    const q = encodeURIComponent(`{ viewer { role } }`);
    expect((await fetch(`${url()}?query=${q}`)).status).toBe(403);
    expect((await fetch(`${url()}?query=${q}`, { headers: { [CSRF_HEADER]: "1" } })).status).toBe(200);
    const form = await fetch(url(), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `query=${q}` });
    expect(form.status).toBe(403);
  });
});

describe("rate limits", () => {
  it("mutations per token are limited, with 429 and a retry hint", async () => {
    const token = w.partners.cobalt.adminToken;
    const p = gid("Partner", w.partners.cobalt.id);
    const statuses: number[] = [];
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await post(`mutation { sendLead(partnerId: "${p}", company: "c${i}", contactName: "c", contactEmail: "c@c.example", details: "d") { __typename } }`, {}, token);
      statuses.push(r.status);
      codes.push(r.body.errors?.[0]?.extensions?.code ?? r.body.data?.sendLead?.__typename);
    }
    expect(codes.slice(0, 5).every((c) => c === "MutationSendLeadSuccess")).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(codes.slice(5)).toEqual(["RATE_LIMITED", "RATE_LIMITED"]);
    // Another partner's token has its own budget.
    const other = await post(`mutation { sendLead(partnerId: "${gid("Partner", w.partners.northwind.id)}", company: "n", contactName: "c", contactEmail: "c@c.example", details: "d") { __typename } }`, {}, w.partners.northwind.adminToken);
    expect(other.body.data?.sendLead?.__typename).toBe("MutationSendLeadSuccess");
  });

  it("the public contact form is limited per address", async () => {
    const listing = await t.service.program.prisma.listing.findFirstOrThrow({ where: { marketplace: "COMMERCIAL", state: "LIVE" } });
    const send = () => post(`mutation { sendInquiry(listingId: "${gid("Listing", listing.id)}", senderName: "S", senderEmail: "s@s.example", message: "hi") { __typename } }`);
    const results = [await send(), await send(), await send()];
    expect(results.slice(0, 2).map((r) => r.body.data?.sendInquiry?.__typename)).toEqual(["MutationSendInquirySuccess", "MutationSendInquirySuccess"]);
    expect(results[2]!.status, JSON.stringify(results.map((r) => r.body))).toBe(429);
  });
});
