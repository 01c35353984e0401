// Idempotency keys on mutations: the first request with a key runs and its key commits with its
// change; a retry gets the stored response without running again; a key whose change committed but
// whose response was never stored (the process died in between) is reported as already applied;
// the same key for a different request is refused; keys expire. On PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres, startTestService, type TestService } from "../support/harness.js";
import { globalId, loadDemoWorld, type DemoWorld } from "../support/world.js";
import { actorKeyOf, createIdempotencyKeys, requestFingerprint } from "../../src/program/idempotency.js";
import { sendLead } from "../../src/program/leads.js";

let t: TestService;
let w: DemoWorld;
let partnerGid: string;
beforeAll(async () => {
  t = await startTestService();
  w = await loadDemoWorld(t);
  partnerGid = globalId("Partner", w.partners.northwind.id);
});
afterAll(() => t?.close());

const SEND_LEAD = `mutation Send($p: ID!, $c: String!, $e: String!) {
  sendLead(partnerId: $p, company: $c, contactName: "Cy", contactEmail: $e, details: "wants the sync") {
    __typename
    ... on MutationSendLeadSuccess { data { id company } }
    ... on Error { message }
  }
}`;

interface Reply { status: number; body: any; replayed: string | null }

async function post(query: string, variables: Record<string, unknown>, token: string, key?: string): Promise<Reply> {
  const res = await t.service.yoga.fetch("http://test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...(key !== undefined ? { "idempotency-key": key } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: await res.json(), replayed: res.headers.get("idempotent-replayed") };
}

const lead = (company: string, key?: string, token = w.partners.northwind.adminToken) =>
  post(SEND_LEAD, { p: partnerGid, c: company, e: "cy@buyer.example" }, token, key);
const leadsNamed = (company: string) => t.service.program.prisma.lead.count({ where: { company } });
const eventsFor = (company: string) => t.service.program.prisma.event.count({ where: { type: "lead.sent", after: { path: ["company"], equals: company } } });

describe(`Idempotency-Key on mutations (${onPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("a retry with the same key returns the stored response and changes nothing", async () => {
    const first = await lead("Replay Co", "key-replay-1");
    expect(first.status).toBe(200);
    expect(first.body.data.sendLead.__typename).toBe("MutationSendLeadSuccess");
    expect(first.replayed).toBeNull();
    for (let i = 0; i < 3; i++) {
      const again = await lead("Replay Co", "key-replay-1");
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(again.replayed).toBe("true");
    }
    expect(await leadsNamed("Replay Co")).toBe(1);
    expect(await eventsFor("Replay Co")).toBe(1);
    const row = await t.service.program.prisma.idempotencyKey.findFirstOrThrow({ where: { key: "key-replay-1" } });
    expect(row.operation).toBe("sendLead");
    expect(row.response).toEqual(first.body);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(24 * 3600_000);
  });

  it("without a key, the same request twice is applied twice (keys are opt-in)", async () => {
    await lead("No Key Co");
    await lead("No Key Co");
    expect(await leadsNamed("No Key Co")).toBe(2);
  });

  it("twenty concurrent requests with one key: applied once, every one answered with the same lead", async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, () => lead("Race Co", "key-race")));
    const ids = new Set(replies.map((r) => r.body.data?.sendLead?.data?.id));
    expect([...ids].every(Boolean), JSON.stringify(replies.map((r) => r.body))).toBe(true);
    expect(ids.size).toBe(1);
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(await leadsNamed("Race Co")).toBe(1);
    expect(await eventsFor("Race Co")).toBe(1);
  });

  it("the same key with other variables or another mutation is refused with IDEMPOTENCY_KEY_REUSED", async () => {
    await lead("Reuse Co", "key-reuse");
    const other = await lead("Reuse Co 2", "key-reuse");
    expect(other.status).toBe(422);
    expect(other.body.errors[0].extensions.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(other.body.errors[0].message).toMatch(/different request \(sendLead\)/);
    const triage = await post(`mutation { triageLead(leadId: "00000000-0000-0000-0000-000000000000", status: ACCEPTED) { __typename } }`, {}, w.staffToken, "key-reuse");
    // Another actor's key space: staff never meet Northwind's key.
    expect(triage.body.errors).toBeUndefined();
    expect(await leadsNamed("Reuse Co 2")).toBe(0);
  });

  it("the same key from two actors is two keys", async () => {
    const member = w.partners.northwind.memberToken!;
    const a = await lead("Two Actors Co", "key-shared");
    const b = await lead("Two Actors Co", "key-shared", member);
    expect(a.body.data.sendLead.data.id).not.toBe(b.body.data.sendLead.data.id);
    expect(await leadsNamed("Two Actors Co")).toBe(2);
  });

  it("a change committed whose response was never stored (process died in between): the retry says already applied, and applies nothing", async () => {
    const keys = createIdempotencyKeys(t.service.program.prisma);
    const viewer = { kind: "partner", memberId: "", partnerId: w.partners.northwind.id, role: "ADMIN", fedrampCleared: false } as const;
    const admin = await t.service.program.prisma.partnerMember.findFirstOrThrow({ where: { partnerId: w.partners.northwind.id, role: "ADMIN" } });
    const me = { ...viewer, memberId: admin.id };
    const variables = { p: partnerGid, c: "Crashed Co", e: "cy@buyer.example" };
    // What the server does for the first request, up to its commit, and no further.
    const { parse, print } = await import("graphql");
    const guard = keys.guard(t.service.program, {
      actorKey: actorKeyOf(me), key: "key-crashed", operation: "sendLead",
      fingerprint: requestFingerprint(print(parse(SEND_LEAD)), undefined, variables),
    });
    await sendLead(guard.program, me, { partnerId: w.partners.northwind.id, company: "Crashed Co", contactName: "Cy", contactEmail: "cy@buyer.example", details: "d" });
    expect(guard.state()).toBe("recorded");
    // Make it look old, so the retry does not wait for a response that will never come.
    await t.service.program.prisma.idempotencyKey.updateMany({ where: { key: "key-crashed" }, data: { createdAt: new Date(Date.now() - 60_000) } });
    const t0 = Date.now();
    const retry = await post(SEND_LEAD, variables, w.partners.northwind.adminToken, "key-crashed");
    expect(retry.status).toBe(409);
    expect(retry.body.errors[0].extensions).toMatchObject({ code: "IDEMPOTENCY_KEY_ALREADY_APPLIED", operation: "sendLead" });
    expect(retry.body.errors[0].message).toMatch(/already applied/);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await leadsNamed("Crashed Co")).toBe(1);
  });

  it("a key and its change commit together: a change that rolls back leaves no key", async () => {
    const keys = createIdempotencyKeys(t.service.program.prisma);
    const claim = { actorKey: "STAFF:test", key: "key-rollback", operation: "test", fingerprint: "f".repeat(64) };
    const guard = keys.guard(t.service.program, claim);
    await expect(guard.program.change(async (tx) => {
      await tx.lead.create({ data: { partnerId: w.partners.northwind.id, company: "Rolled Back Co", contactName: "x", contactEmail: "x@x.example", details: "x", submittedById: w.ids.staffId } });
      throw new Error("boom after the claim");
    })).rejects.toThrow("boom");
    expect(guard.state()).toBe("unclaimed");
    expect(await t.service.program.prisma.idempotencyKey.count({ where: { key: "key-rollback" } })).toBe(0);
    expect(await leadsNamed("Rolled Back Co")).toBe(0);
  });

  it("a refused mutation records no key: the same request may be sent again", async () => {
    const bad = await post(SEND_LEAD, { p: partnerGid, c: "Bad Email Co", e: "not-an-email" }, w.partners.northwind.adminToken, "key-refused");
    expect(bad.body.data.sendLead.__typename).not.toBe("MutationSendLeadSuccess");
    expect(await t.service.program.prisma.idempotencyKey.count({ where: { key: "key-refused" } })).toBe(0);
    const fixed = await lead("Bad Email Co", "key-refused");
    expect(fixed.body.data.sendLead.__typename).toBe("MutationSendLeadSuccess");
  });

  it("an expired key is forgotten: the request runs as a new one, and the sweep deletes expired keys", async () => {
    await lead("Expiring Co", "key-expiring");
    const prisma = t.service.program.prisma;
    await prisma.idempotencyKey.updateMany({ where: { key: "key-expiring" }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const again = await lead("Expiring Co", "key-expiring");
    expect(again.replayed).toBeNull();
    expect(await leadsNamed("Expiring Co")).toBe(2);
    const row = await prisma.idempotencyKey.findFirstOrThrow({ where: { key: "key-expiring" } });
    expect(row.expiresAt.getTime()).toBeGreaterThan(Date.now());
    await prisma.idempotencyKey.updateMany({ where: { key: "key-expiring" }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const removed = await createIdempotencyKeys(prisma).sweep();
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(await prisma.idempotencyKey.count({ where: { key: "key-expiring" } })).toBe(0);
  });

  it("a run that commits page by page (runLowUsageSweep) records its key with the response once it has finished; a retry replays it", async () => {
    const sweep = `mutation { runLowUsageSweep { __typename ... on MutationRunLowUsageSweepSuccess { data { examined } } ... on Error { message } } }`;
    const first = await post(sweep, {}, w.staffToken, "key-sweep");
    expect(first.body.data.runLowUsageSweep.__typename).toBe("MutationRunLowUsageSweepSuccess");
    const row = await t.service.program.prisma.idempotencyKey.findFirstOrThrow({ where: { key: "key-sweep" } });
    expect(row).toMatchObject({ operation: "runLowUsageSweep", response: first.body });
    const again = await post(sweep, {}, w.staffToken, "key-sweep");
    expect(again.replayed).toBe("true");
    expect(again.body).toEqual(first.body);
  });

  it("a malformed key, or a key on several root fields, is refused before anything runs; on a query it is ignored", async () => {
    const long = await lead("Long Key Co", "k".repeat(121));
    expect(long.status).toBe(400);
    expect(long.body.errors[0].extensions.code).toBe("IDEMPOTENCY_KEY_INVALID");
    const spaced = await lead("Long Key Co", "has space");
    expect(spaced.body.errors[0].extensions.code).toBe("IDEMPOTENCY_KEY_INVALID");
    expect(await leadsNamed("Long Key Co")).toBe(0);
    const two = await post(`mutation($p: ID!) {
      a: sendLead(partnerId: $p, company: "Two Co", contactName: "C", contactEmail: "c@c.example", details: "d") { __typename }
      b: sendLead(partnerId: $p, company: "Two Co", contactName: "C", contactEmail: "c@c.example", details: "d") { __typename }
    }`, { p: partnerGid }, w.partners.northwind.adminToken, "key-two");
    expect(two.status).toBe(400);
    expect(two.body.errors[0].extensions.code).toBe("IDEMPOTENCY_KEY_UNSUPPORTED");
    expect(await leadsNamed("Two Co")).toBe(0);
    const query = await post(`{ viewer { role } }`, {}, w.partners.northwind.adminToken, "key-query");
    expect(query.body.data.viewer.role).toBeTruthy();
    expect(await t.service.program.prisma.idempotencyKey.count({ where: { key: "key-query" } })).toBe(0);
  });
});
