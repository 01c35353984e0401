// The whole partner journey through the GraphQL API with real tokens (issue 3's "done when").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock, startTestService, type TestService } from "../support/harness.js";
import { loadDemoWorld, type DemoWorld } from "../support/world.js";
import { content, expectRefusal, mutate, ok } from "../support/mutate.js";

let t: TestService;
let w: DemoWorld;
// The program's clock stands still unless the journey moves it (R-TIME-1), so durations are exact.
const clock = manualClock(new Date().toISOString());
let fedManagerToken: string;
const s = {} as Record<"partner" | "admin" | "adminFed" | "appA" | "appB" | "listingA" | "fedListing", string>;

beforeAll(async () => {
  t = await startTestService({ clock });
  w = await loadDemoWorld(t);
  fedManagerToken = await t.token({ sub: w.ids.managerId, role: "integration-manager", fedramp: true });
});
afterAll(() => t?.close());

describe("a partner's journey from sign-up to two marketplaces", () => {
  it("R-PART-1: anyone signs up; the new partner starts at Foundation with its first admin", async () => {
    const r = await t.gql(`mutation { signUpPartner(input: { name: "Acme Field Tools", adminName: "Ada Admin", adminEmail: "ada@acme.example", website: "https://acme.example" }) {
      __typename ... on MutationSignUpPartnerSuccess { data { adminToken partner { id name slug tier } } } } }`);
    const d = r.data.signUpPartner.data;
    expect(d.partner).toMatchObject({ name: "Acme Field Tools", slug: "acme-field-tools", tier: "FOUNDATION" });
    s.partner = d.partner.id;
    s.admin = d.adminToken;
    s.adminFed = await t.token({ ...(await t.service.tokens.verify(s.admin)), fedramp: true });
  });

  it("R-PART-3: the standard agreements are signed as published; redlines are refused", async () => {
    const docs = (await t.gql(`{ currentAgreements { kind version bodySha256 } }`)).data.currentAgreements;
    expect(docs).toHaveLength(2);
    const redline = await mutate(t, s.admin, `signAgreement(partnerId: "${s.partner}", kind: ${docs[0].kind}, version: ${docs[0].version}, bodySha256: "${docs[0].bodySha256}", proposedChanges: "Cap liability at $1")`, "{ id }");
    expectRefusal(redline, "R-PART-3");
    for (const d of docs) {
      ok(await mutate(t, s.admin, `signAgreement(partnerId: "${s.partner}", kind: ${d.kind}, version: ${d.version}, bodySha256: "${d.bodySha256}")`, "{ id signedAt }"));
    }
    const standing = await t.gql(`query($id: ID!) { partner(id: $id) { agreementStanding { inProgram needsResign } } }`, { id: s.partner }, s.admin);
    expect(standing.data.partner.agreementStanding).toEqual({ inProgram: true, needsResign: false });
  });

  it("R-APP-1: the partner builds two apps with declared kind and data flow", async () => {
    s.appA = ok(await mutate(t, s.admin, `createApp(partnerId: "${s.partner}", name: "Acme Sync", kind: DATA_CONNECTOR, dataFlow: BIDIRECTIONAL)`, "{ id }")).id;
    s.appB = ok(await mutate(t, s.admin, `createApp(partnerId: "${s.partner}", name: "Acme Planner", kind: OTHER, dataFlow: PULL)`, "{ id }")).id;
    // Read back as declared.
    const read = await t.gql(`query($a: ID!, $b: ID!) { a: node(id: $a) { ... on App { name kind dataFlow } } b: node(id: $b) { ... on App { name kind dataFlow } } }`, { a: s.appA, b: s.appB }, s.admin);
    expect(read.data).toEqual({
      a: { name: "Acme Sync", kind: "DATA_CONNECTOR", dataFlow: "BIDIRECTIONAL" },
      b: { name: "Acme Planner", kind: "OTHER", dataFlow: "PULL" },
    });
  });

  it("R-APP-4: validation cannot be requested before a test customer installed and used the app", async () => {
    // The condition that failed is R-APP-2's (a test customer); R-APP-4 is the gate it closes.
    const refused = expectRefusal(await mutate(t, s.admin, `requestValidation(appId: "${s.appA}", marketplace: COMMERCIAL)`, "{ id }"), "R-APP-2");
    expect(refused.relatedRule).toBe("R-APP-4");
    expect(refused.missing!.join(" ")).toMatch(/test customer/i);
  });

  it("R-APP-2 + R-APP-3: a test customer, then a validation led by the integration manager passes", async () => {
    await passValidation(s.appA, "COMMERCIAL", s.admin, w.managerToken, ["DEMONSTRATION", "DATA_TRANSFER", "IMPLEMENTATION_UNDERSTANDING"]);
  });

  it("R-LIST-2: a listing is refused going live while the partner's other app is unvalidated", async () => {
    s.listingA = ok(await mutate(t, s.admin, `createListing(appId: "${s.appA}", marketplace: COMMERCIAL, content: $content)`, "{ id state }", { content: content("Acme Sync") })).id;
    expect(ok(await mutate(t, s.admin, `submitListing(listingId: "${s.listingA}")`, "{ state }")).state).toBe("IN_REVIEW");
    const refused = expectRefusal(await mutate(t, w.staffToken, `approveListing(listingId: "${s.listingA}")`, "{ state }"), "R-LIST-2");
    expect(refused.missing).toEqual(["active app Acme Planner has not passed App Validation"]);
    const still = await t.gql(`query($id: ID!) { node(id: $id) { ... on Listing { state } } }`, { id: s.listingA }, s.admin);
    expect(still.data.node.state).toBe("IN_REVIEW");
  });

  it("R-LIST-2: once every app passed, staff approve and the listing is live for everyone", async () => {
    await passValidation(s.appB, "COMMERCIAL", s.admin, w.managerToken, ["DEMONSTRATION", "IMPLEMENTATION_UNDERSTANDING"]);
    expect(ok(await mutate(t, w.staffToken, `approveListing(listingId: "${s.listingA}")`, "{ state firstLiveAt }")).state).toBe("LIVE");
    const pub = await t.gql(`{ listings(first: 50) { edges { node { id content { name } } } } }`);
    expect(pub.data.listings.edges.map((e: any) => e.node.content.name)).toContain("Acme Sync");
  });

  it("R-LIST-1: the FedRAMP listing is separate: its own validation, content and state", async () => {
    const early = await mutate(t, s.adminFed, `createListing(appId: "${s.appA}", marketplace: FEDRAMP, content: $content)`, "{ id state }", { content: content("Acme Sync Gov") });
    s.fedListing = ok(early).id;
    ok(await mutate(t, s.adminFed, `submitListing(listingId: "${s.fedListing}")`, "{ state }"));
    const fedStaff = w.staffFedrampToken;
    const refused = expectRefusal(await mutate(t, fedStaff, `approveListing(listingId: "${s.fedListing}")`, "{ state }"), "R-LIST-2");
    expect(refused.missing!.join()).toMatch(/FedRAMP/);
    await passValidation(s.appA, "FEDRAMP", s.adminFed, fedManagerToken, ["DEMONSTRATION", "DATA_TRANSFER", "IMPLEMENTATION_UNDERSTANDING"], true);
    expect(ok(await mutate(t, fedStaff, `approveListing(listingId: "${s.fedListing}")`, "{ state }")).state).toBe("LIVE");
    const pub = await t.gql(`{ listings(marketplace: FEDRAMP, first: 50) { edges { node { content { name } } } } }`);
    expect(pub.data.listings.edges).toEqual([]);
    const cleared = await t.gql(`{ listings(marketplace: FEDRAMP, first: 50) { edges { node { content { name } } } } }`, {}, fedStaff);
    expect(cleared.data.listings.edges.map((e: any) => e.node.content.name)).toContain("Acme Sync Gov");
  });

  it("R-LIST-5: editing a live listing goes through review without taking it down", async () => {
    const rev = ok(await mutate(t, s.admin, `editListing(listingId: "${s.listingA}", content: $content)`, "{ number status name }", { content: content("Acme Sync 2") }));
    expect(rev).toEqual({ number: 2, status: "DRAFT", name: "Acme Sync 2" });
    const during = await t.gql(`query($id: ID!) { node(id: $id) { ... on Listing { state content { name } } } }`, { id: s.listingA });
    expect(during.data.node).toEqual({ state: "LIVE", content: { name: "Acme Sync" } });
    expect(ok(await mutate(t, s.admin, `submitListing(listingId: "${s.listingA}")`, "{ state }")).state).toBe("LIVE");
    ok(await mutate(t, w.staffToken, `approveListing(listingId: "${s.listingA}")`, "{ state }"));
    const after = await t.gql(`query($id: ID!) { node(id: $id) { ... on Listing { state content { name } } } }`, { id: s.listingA });
    expect(after.data.node).toEqual({ state: "LIVE", content: { name: "Acme Sync 2" } });
  });

  it("R-INQ-1: a customer writes through the contact form; the partner answers and the response time is kept", async () => {
    const sent = await t.gql(`mutation { sendInquiry(listingId: "${s.listingA}", senderName: "Casey", senderEmail: "casey@harbor.example", message: "Does it sync cost codes?") { __typename } }`);
    expect(sent.data.sendInquiry.__typename).toBe("MutationSendInquirySuccess");
    const inbox = await t.gql(`query($id: ID!) { partner(id: $id) { inquiries(first: 5) { edges { node { id message respondedAt } } } } }`, { id: s.partner }, s.admin);
    const inquiry = inbox.data.partner.inquiries.edges[0].node;
    expect(inquiry).toMatchObject({ message: "Does it sync cost codes?", respondedAt: null });
    // Answered an hour and a half later on the program's clock: the response time is those 5,400 s.
    const asked = clock.now();
    clock.set(new Date(asked.getTime() + 5_400_000).toISOString());
    const answered = ok(await mutate(t, s.admin, `answerInquiry(inquiryId: "${inquiry.id}", response: "Yes, all of them.")`, "{ response responseSeconds respondedAt }"));
    expect(answered).toEqual({ response: "Yes, all of them.", responseSeconds: 5400, respondedAt: new Date(asked.getTime() + 5_400_000).toISOString() });
  });

  it("R-LEAD-1: the partner sends a lead and staff accept it", async () => {
    const lead = ok(await mutate(t, s.admin, `sendLead(partnerId: "${s.partner}", company: "Summit Co", contactName: "Sam", contactEmail: "sam@summit.example", details: "40 projects")`, "{ id status }"));
    expect(lead.status).toBe("NEW");
    expect(ok(await mutate(t, w.staffToken, `triageLead(leadId: "${lead.id}", status: ACCEPTED)`, "{ status }")).status).toBe("ACCEPTED");
  });

  it("R-EVT-1: every step shows up in the partner's event history, newest first", async () => {
    // Cleared: the history includes the FedRAMP listing's events (R-LIST-6).
    const r = await t.gql(`query($id: ID!) { partner(id: $id) { events(first: 100) { edges { node { type position } } } } }`, { id: s.partner }, s.adminFed);
    const events = r.data.partner.events.edges.map((e: any) => e.node);
    const positions = events.map((e: any) => BigInt(e.position));
    expect([...positions].sort((a, b) => (a > b ? -1 : 1))).toEqual(positions);
    const types = events.map((e: any) => e.type).reverse();
    const expected = ["partner.joined", "agreement.signed", "app.created", "test-customer.registered", "test-customer.used",
      "validation.requested", "validation.assigned", "validation.check-recorded", "validation.passed", "listing.created",
      "listing.submitted", "listing.live", "listing.revision-drafted", "listing.revision-submitted", "listing.revised",
      "inquiry.received", "inquiry.answered", "lead.sent", "lead.triaged"];
    for (const type of expected) expect(types, type).toContain(type);
    // The refused approvals and the refused redline left no trace.
    expect(types.filter((x: string) => x === "agreement.signed")).toHaveLength(2);
    expect(types.filter((x: string) => x === "listing.live")).toHaveLength(2);
  });
});

async function passValidation(appId: string, marketplace: string, partnerToken: string, managerToken: string, checks: string[], fed = false) {
  const customer = ok(await mutate(t, partnerToken, `registerTestCustomer(appId: "${appId}", customerRef: "cust-${marketplace}-${appId.slice(-6)}", customerName: "Harbor Builders")`, "{ id }"));
  ok(await mutate(t, partnerToken, `recordTestCustomerUse(testCustomerId: "${customer.id}")`, "{ usageCount }"));
  const v = ok(await mutate(t, partnerToken, `requestValidation(appId: "${appId}", marketplace: ${marketplace})`, "{ id status attempt }"));
  expect(v.status).toBe("REQUESTED");
  expect(ok(await mutate(t, managerToken, `assignIntegrationManager(validationId: "${v.id}")`, "{ status integrationManager { name } }"))).toEqual({ status: "IN_PROGRESS", integrationManager: { name: "Ivy Integration" } });
  for (const kind of checks) ok(await mutate(t, managerToken, `recordValidationCheck(validationId: "${v.id}", kind: ${kind}, passed: true, notes: "Seen working${fed ? " on FedRAMP" : ""}")`, "{ kind passed }"));
  expect(ok(await mutate(t, managerToken, `completeValidation(validationId: "${v.id}", outcome: PASSED)`, "{ status }")).status).toBe("PASSED");
}
