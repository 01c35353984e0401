// Each workflow rule proven through the API, on the demo program (PGlite or PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";
import { globalId, loadDemoWorld, partnerInProgram, type DemoWorld } from "../support/world.js";
import { content, expectRefusal, mutate, ok } from "../support/mutate.js";

let t: TestService;
let w: DemoWorld;
const prisma = () => t.service.program.prisma;
const gid = globalId;

beforeAll(async () => {
  t = await startTestService();
  w = await loadDemoWorld(t);
});
afterAll(() => t?.close());

async function snapshot() {
  const [events, listings, revisions, validations, apps] = await Promise.all([
    prisma().event.count(), prisma().listing.findMany({ orderBy: { id: "asc" } }), prisma().listingRevision.count(),
    prisma().appValidation.findMany({ orderBy: { id: "asc" } }), prisma().app.count(),
  ]);
  return { events, listings, revisions, validations, apps };
}

async function appOf(slug: string, name: string) {
  return prisma().app.findFirstOrThrow({ where: { name, partner: { slug } } });
}
async function listingOf(name: string, marketplace: "COMMERCIAL" | "FEDRAMP" = "COMMERCIAL") {
  return prisma().listing.findFirstOrThrow({ where: { marketplace, app: { name } } });
}

describe("partners and agreements", () => {
  it("R-PART-2: a partner that has not signed is not in the program and cannot request validation", async () => {
    const brightbeam = w.partners.brightbeam;
    const standing = await t.gql(`query($id: ID!) { partner(id: $id) { agreementStanding { inProgram documents { kind status } } } }`, { id: gid("Partner", brightbeam.id) }, brightbeam.adminToken);
    expect(standing.data.partner.agreementStanding.inProgram).toBe(false);
    expect(standing.data.partner.agreementStanding.documents.map((d: any) => d.status)).toEqual(["MISSING", "MISSING"]);
    const app = ok(await mutate(t, brightbeam.adminToken, `createApp(partnerId: "${gid("Partner", brightbeam.id)}", name: "Beam", kind: OTHER, dataFlow: PUSH)`, "{ id }"));
    const c = ok(await mutate(t, brightbeam.adminToken, `registerTestCustomer(appId: "${app.id}", customerRef: "c1", customerName: "Customer One")`, "{ id }"));
    ok(await mutate(t, brightbeam.adminToken, `recordTestCustomerUse(testCustomerId: "${c.id}")`, "{ id }"));
    // The condition that failed is R-PART-2's; R-APP-4 is the gate it closes.
    const refused = expectRefusal(await mutate(t, brightbeam.adminToken, `requestValidation(appId: "${app.id}", marketplace: COMMERCIAL)`, "{ id }"), "R-PART-2");
    expect(refused.relatedRule).toBe("R-APP-4");
    expect(refused.missing!.join(" ")).toMatch(/Partner Framework Agreement/);
  });

  it("R-PART-4: joining costs nothing: the fee policy is a program setting and no fee field exists", async () => {
    const r = await t.gql(`{ programPolicy { feePolicy } __schema { types { name fields { name } inputFields { name } } } }`);
    expect(r.data.programPolicy.feePolicy).toBe("No fee to join the program.");
    const feeFields = r.data.__schema.types.flatMap((ty: any) => [...(ty.fields ?? []), ...(ty.inputFields ?? [])].map((f: any) => `${ty.name}.${f.name}`))
      .filter((n: string) => /fee/i.test(n));
    expect(feeFields).toEqual(["ProgramPolicy.feePolicy", "ProgramPolicyChanges.feePolicy", "ProgramPolicyInput.feePolicy"]);
  });

  it("R-PART-5: a new agreement version makes partners re-sign; live listings stay live, new listings are blocked", async () => {
    const cobalt = w.partners.cobalt;
    const published = ok(await mutate(t, w.staffToken, `publishAgreement(kind: FRAMEWORK_AGREEMENT, title: "Partner Framework Agreement", body: "PARTNER FRAMEWORK AGREEMENT v2 ...")`, "{ version bodySha256 }"));
    expect(published.version).toBe(2);
    const standing = await t.gql(`query($id: ID!) { partner(id: $id) { agreementStanding { inProgram needsResign } } }`, { id: gid("Partner", w.partners.northwind.id) }, w.partners.northwind.adminToken);
    expect(standing.data.partner.agreementStanding).toEqual({ inProgram: false, needsResign: true });
    expect((await listingOf("Northwind Insights")).state).toBe("LIVE");

    // Cobalt finishes validation, submits its first listing: refused until it re-signs.
    const takeoff = await appOf("cobalt-estimating", "Cobalt Takeoff");
    const v = await prisma().appValidation.findFirstOrThrow({ where: { appId: takeoff.id, status: "IN_PROGRESS" } });
    for (const kind of ["DATA_TRANSFER", "IMPLEMENTATION_UNDERSTANDING"]) {
      ok(await mutate(t, w.managerToken, `recordValidationCheck(validationId: "${gid("AppValidation", v.id)}", kind: ${kind}, passed: true, notes: "ok")`, "{ kind }"));
    }
    ok(await mutate(t, w.managerToken, `completeValidation(validationId: "${gid("AppValidation", v.id)}", outcome: PASSED)`, "{ status }"));
    const listing = await listingOf("Cobalt Takeoff");
    ok(await mutate(t, cobalt.adminToken, `submitListing(listingId: "${gid("Listing", listing.id)}")`, "{ state }"));
    const refused = expectRefusal(await mutate(t, w.staffToken, `approveListing(listingId: "${gid("Listing", listing.id)}")`, "{ state }"), "R-LIST-2");
    expect(refused.missing!.some((m) => m.startsWith("R-PART-5"))).toBe(true);

    const sign = await mutate(t, cobalt.adminToken, `signAgreement(partnerId: "${gid("Partner", cobalt.id)}", kind: FRAMEWORK_AGREEMENT, version: 2, bodySha256: "${published.bodySha256}")`, "{ document { version } }");
    expect(ok(sign).document.version).toBe(2);
    expect(ok(await mutate(t, w.staffToken, `approveListing(listingId: "${gid("Listing", listing.id)}")`, "{ state }")).state).toBe("LIVE");
  });

  it("R-PART-3: only the text as published can be signed, and only by an admin", async () => {
    const nw = w.partners.northwind;
    const wrongHash = await mutate(t, nw.adminToken, `signAgreement(partnerId: "${gid("Partner", nw.id)}", kind: FRAMEWORK_AGREEMENT, version: 2, bodySha256: "${"0".repeat(64)}")`, "{ id }");
    expectRefusal(wrongHash, "R-PART-3");
    const asMember = await mutate(t, nw.memberToken!, `signAgreement(partnerId: "${gid("Partner", nw.id)}", kind: FRAMEWORK_AGREEMENT, version: 2, bodySha256: "x")`, "{ id }");
    expect(asMember.error!.__typename).toBe("Forbidden");
  });
});

describe("App Validation", () => {
  /** A partner of its own with an app whose test customer used it, and the validation it requested. */
  async function requested() {
    const nw = await partnerInProgram(t);
    const app = ok(await mutate(t, nw.adminToken, `createApp(partnerId: "${nw.id}", name: "Cobalt Lite", kind: OTHER, dataFlow: PUSH)`, "{ id }"));
    const c = ok(await mutate(t, nw.adminToken, `registerTestCustomer(appId: "${app.id}", customerRef: "lite-1", customerName: "Harbor")`, "{ id }"));
    ok(await mutate(t, nw.adminToken, `recordTestCustomerUse(testCustomerId: "${c.id}")`, "{ id }"));
    const first = ok(await mutate(t, nw.adminToken, `requestValidation(appId: "${app.id}", marketplace: COMMERCIAL)`, "{ id attempt }"));
    return { nw, app, first };
  }

  it("R-APP-5: a failed validation can be requested again; every attempt is kept", async () => {
    const { nw, app, first } = await requested();
    const again = await mutate(t, nw.adminToken, `requestValidation(appId: "${app.id}", marketplace: COMMERCIAL)`, "{ id }");
    // An open attempt: refused for R-APP-5 (one attempt at a time), nothing created.
    expect(expectRefusal(again, "R-APP-5")).toMatchObject({ relatedRule: "R-APP-4" });
    expect(await t.service.program.prisma.appValidation.count({ where: { appId: Buffer.from(app.id, "base64").toString().split(":")[1]! } })).toBe(1);
    ok(await mutate(t, w.managerToken, `assignIntegrationManager(validationId: "${first.id}")`, "{ status }"));
    ok(await mutate(t, w.managerToken, `recordValidationCheck(validationId: "${first.id}", kind: DEMONSTRATION, passed: false, notes: "Demo crashed")`, "{ kind }"));
    const notYet = expectRefusal(await mutate(t, w.managerToken, `completeValidation(validationId: "${first.id}", outcome: PASSED)`, "{ status }"), "R-APP-3");
    expect(notYet.missing!.length).toBeGreaterThan(0);
    ok(await mutate(t, w.managerToken, `completeValidation(validationId: "${first.id}", outcome: FAILED, notes: "Fix the demo")`, "{ status }"));
    const second = ok(await mutate(t, nw.adminToken, `requestValidation(appId: "${app.id}", marketplace: COMMERCIAL)`, "{ attempt status }"));
    expect(second).toEqual({ attempt: 2, status: "REQUESTED" });
    const history = await t.gql(`query($id: ID!) { node(id: $id) { ... on App { validations { attempt status checks { kind passed notes } } } } }`, { id: app.id }, nw.adminToken);
    expect(history.data.node.validations).toEqual([
      { attempt: 2, status: "REQUESTED", checks: [] },
      { attempt: 1, status: "FAILED", checks: [{ kind: "DEMONSTRATION", passed: false, notes: "Demo crashed" }] },
    ]);
  });

  it("R-APP-3: only the assigned integration manager records checks", async () => {
    const v = (await requested()).first.id;
    const asStaff = await mutate(t, w.staffToken, `recordValidationCheck(validationId: "${v}", kind: DEMONSTRATION, passed: true, notes: "x")`, "{ kind }");
    expect(asStaff.error!.__typename).toBe("Forbidden");
    const notAssigned = await mutate(t, w.managerToken, `recordValidationCheck(validationId: "${v}", kind: DEMONSTRATION, passed: true, notes: "x")`, "{ kind }");
    expectRefusal(notAssigned, "R-APP-3");
  });
});

describe("listings", () => {
  it("R-LIST-3: content is checked field by field and nothing is created", async () => {
    const nw = w.partners.northwind;
    const lite = await appOf("northwind-analytics", "Northwind Scheduler");
    const before = await snapshot();
    const bad = content("A name that is far longer than thirty characters", {
      summary: "too short", learnMoreUrl: "javascript:alert(1)", categories: ["no-such-category"], features: ["x".repeat(201)],
    });
    const r = await mutate(t, w.staffFedrampToken, `createListing(appId: "${gid("App", lite.id)}", marketplace: FEDRAMP, content: $content)`, "{ id }", { content: bad });
    expect(r.error!.__typename).toBe("Forbidden"); // staff do not create partners' listings
    const nwFed = await t.token({ ...(await t.service.tokens.verify(nw.adminToken)), fedramp: true });
    const refused = await mutate(t, nwFed, `createListing(appId: "${gid("App", lite.id)}", marketplace: FEDRAMP, content: $content)`, "{ id }", { content: bad });
    expect(refused.error!.__typename).toBe("InvalidInput");
    const fields = refused.error!.problems!.map((p) => p.field).sort();
    expect(refused.error!.relatedRule).toBe("R-LIST-3");
    expect(fields).toContain("name");
    expect(fields).toContain("summary");
    expect(fields.some((f) => f.startsWith("learnMoreUrl"))).toBe(true);
    expect(fields.some((f) => f.startsWith("categor"))).toBe(true);
    expect(fields.some((f) => f.startsWith("features"))).toBe(true);
    expect(await snapshot()).toEqual(before);
  });

  it("R-LIST-4: a transition outside the lifecycle is refused naming the current state and the allowed ones", async () => {
    const live = await listingOf("Northwind Scheduler");
    const submit = expectRefusal(await mutate(t, w.partners.northwind.adminToken, `submitListing(listingId: "${gid("Listing", live.id)}")`, "{ state }"), "R-LIST-5");
    expect(submit.currentState).toBe("LIVE");
    const dormant = await listingOf("Dormant Sync");
    const relist = expectRefusal(await mutate(t, w.staffToken, `delistListing(listingId: "${gid("Listing", dormant.id)}", reason: "again")`, "{ state }"), "R-LIST-4");
    expect(relist.currentState).toBe("DELISTED");
    expect(relist.allowed).toEqual(["IN_REVIEW"]);
    const approve = expectRefusal(await mutate(t, w.staffToken, `approveListing(listingId: "${gid("Listing", dormant.id)}")`, "{ state }"), "R-LIST-4");
    expect(approve.currentState).toBe("DELISTED");
  });

  it("R-LIST-6: the storefront shows only live and at-risk listings, and a delisting removes one at once", async () => {
    const names = async () => (await t.gql(`{ listings(first: 100) { edges { node { state content { name } } } } }`)).data.listings.edges.map((e: any) => e.node);
    const shown = await names();
    expect(shown.every((n: any) => ["LIVE", "AT_RISK"].includes(n.state))).toBe(true);
    expect(shown.map((n: any) => n.content.name)).not.toContain("Dormant Sync");
    const scheduler = await listingOf("Northwind Scheduler");
    ok(await mutate(t, w.partners.northwind.adminToken, `delistListing(listingId: "${gid("Listing", scheduler.id)}", reason: "Sunsetting the product")`, "{ state delistReason }"));
    // The public storefront is cached; the delisting event invalidates it as soon as it is delivered.
    await expect.poll(async () => (await names()).map((n: any) => n.content.name), { timeout: 3000, interval: 100 }).not.toContain("Northwind Scheduler");
    const ev = await prisma().event.findFirstOrThrow({ where: { listingId: scheduler.id, type: "listing.delisted" } });
    expect(ev).toMatchObject({ publicChange: true, marketplace: "COMMERCIAL", partnerId: w.partners.northwind.id, reason: "Sunsetting the product" });
  });
});

describe("refusals and the event log", () => {
  it("R-ERR-1: a refused action returns a typed error naming the rule and changes nothing", async () => {
    const before = await snapshot();
    const dormant = await listingOf("Dormant Sync");
    const r = expectRefusal(await mutate(t, w.staffToken, `approveListing(listingId: "${gid("Listing", dormant.id)}")`, "{ state }"), "R-LIST-4");
    expect(r.toSatisfy?.length).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(before);
  });

  it("R-EVT-1: a change and its event commit together or not at all", async () => {
    const before = await snapshot();
    const listing = await listingOf("Northwind Insights");
    await expect(t.service.program.change(async (tx, record) => {
      await tx.listing.update({ where: { id: listing.id }, data: { delistNote: "half done" } });
      await record({ type: "listing.delisted", actor: { kind: "SYSTEM", id: null }, subjectId: listing.id, partnerId: listing.partnerId, reason: "half done" });
      throw new Error("crash after the event was written");
    })).rejects.toThrow("crash");
    expect(await snapshot()).toEqual(before);
    expect(await prisma().event.count({ where: { type: "listing.delisted", reason: "half done" } })).toBe(0);
    await expect(prisma().$executeRawUnsafe(`UPDATE "Event" SET "type" = 'x'`)).rejects.toThrow(/append-only/);
    await expect(prisma().$executeRawUnsafe(`DELETE FROM "Event"`)).rejects.toThrow(/append-only/);
  });
});

describe("bad input", () => {
  it("unknown ids and another partner's ids both answer NotFound, and change nothing", async () => {
    const before = await snapshot();
    const cobaltApp = await appOf("cobalt-estimating", "Cobalt Takeoff");
    const nw = w.partners.northwind.adminToken;
    const other = await mutate(t, nw, `createListing(appId: "${gid("App", cobaltApp.id)}", marketplace: COMMERCIAL, content: $content)`, "{ id }", { content: content("Stolen") });
    const unknown = await mutate(t, nw, `createListing(appId: "${gid("App", "6b1f0f0e-0000-4000-8000-000000000000")}", marketplace: COMMERCIAL, content: $content)`, "{ id }", { content: content("Ghost") });
    const garbage = await mutate(t, nw, `updateApp(appId: "${gid("App", "not-a-uuid")}", name: "x")`, "{ id }");
    for (const o of [other, unknown, garbage]) expect(o.error).toMatchObject({ __typename: "NotFound", what: "app" });
    expect(other.error!.message).toBe(unknown.error!.message);
    expect(await snapshot()).toEqual(before);
  });

  it("oversize fields, wrong enum values and malformed ids get clear errors, never a 500", async () => {
    const nw = w.partners.northwind;
    const huge = await mutate(t, nw.adminToken, `createApp(partnerId: "${gid("Partner", nw.id)}", name: "${"x".repeat(100_000)}", kind: OTHER, dataFlow: PUSH)`, "{ id }");
    expect(huge.error!.__typename).toBe("InvalidInput");
    expect(huge.error!.problems![0]!.field).toBe("name");
    const wrongEnum = await t.gql(`mutation { createApp(partnerId: "${gid("Partner", nw.id)}", name: "x", kind: TOASTER, dataFlow: PUSH) { __typename } }`, {}, nw.adminToken);
    expect(wrongEnum.status).toBe(200);
    expect(wrongEnum.errors![0]!.message).toMatch(/TOASTER/);
    const badId = await t.gql(`mutation { createApp(partnerId: "%%%", name: "x", kind: OTHER, dataFlow: PUSH) { __typename } }`, {}, nw.adminToken);
    expect(badId.status).toBe(200);
    expect(badId.data?.createApp ?? null).toBeNull();
    expect(badId.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT" }, message: expect.stringContaining(`"%%%" is not a valid id`) }]);
    const lead = await mutate(t, nw.adminToken, `sendLead(partnerId: "${gid("Partner", nw.id)}", company: "", contactName: "x", contactEmail: "not-an-email", details: "x")`, "{ id }");
    expect(lead.error!.problems!.map((p) => p.field).sort()).toEqual(["company", "contactEmail"]);
  });

  it("a client that selects only __typename gets an answer, not a server error", async () => {
    const nw = w.partners.northwind;
    const r = await t.gql(`mutation { sendLead(partnerId: "${gid("Partner", nw.id)}", company: "T", contactName: "T", contactEmail: "t@t.example", details: "t") { __typename } } `, {}, nw.adminToken);
    expect(r.errors).toBeUndefined();
    expect(r.data.sendLead.__typename).toBe("MutationSendLeadSuccess");
    const q = await t.gql(`{ categories { __typename } programPolicy { __typename tiers { __typename } } }`);
    expect(q.errors).toBeUndefined();
    expect(q.data.categories.length).toBeGreaterThan(0);
  });
});
