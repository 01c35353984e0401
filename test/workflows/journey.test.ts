// The whole partner journey through the GraphQL API with real tokens (issue 3's "done when"). Each
// test builds the stage it starts from with a partner of its own (the stages below, through the API),
// so any test runs alone; the last one walks the whole way and reads the history.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock, startTestService, type TestService } from "../support/harness.js";
import { loadDemoWorld, partnerInProgram, signedUpPartner, type DemoWorld } from "../support/world.js";
import { content, expectRefusal, mutate, ok } from "../support/mutate.js";

let t: TestService;
let w: DemoWorld;
// The program's clock stands still unless the journey moves it (R-TIME-1), so durations are exact.
const clock = manualClock(new Date().toISOString());
let fedManagerToken: string;

beforeAll(async () => {
  t = await startTestService({ clock });
  w = await loadDemoWorld(t);
  fedManagerToken = await t.token({ sub: w.ids.managerId, role: "integration-manager", fedramp: true });
});
afterAll(() => t?.close());

/** A partner that signed up through the API: its id and its admin's tokens (the second one FedRAMP-cleared). */
interface Journey { partner: string; admin: string; adminFed: string; appA: string; appB: string; listingA: string }
/** The partner's ids and tokens as the journey uses them: its admin's, and the same admin FedRAMP-cleared. */
const asJourney = async (p: { id: string; adminToken: string }) =>
  ({ partner: p.id, admin: p.adminToken, adminFed: await t.token({ ...(await t.service.tokens.verify(p.adminToken)), fedramp: true }) });

async function signedUp(name?: string) {
  const p = await signedUpPartner(t, name);
  return { ...(await asJourney(p)), created: p.partner };
}

const signed = async () => asJourney(await partnerInProgram(t));

async function withApps() {
  const j = await signed();
  const appA = ok(await mutate(t, j.admin, `createApp(partnerId: "${j.partner}", name: "Acme Sync", kind: DATA_CONNECTOR, dataFlow: BIDIRECTIONAL)`, "{ id }")).id as string;
  const appB = ok(await mutate(t, j.admin, `createApp(partnerId: "${j.partner}", name: "Acme Planner", kind: OTHER, dataFlow: PULL)`, "{ id }")).id as string;
  return { ...j, appA, appB };
}

/** App A validated, its Commercial listing submitted (in review); app B not validated. */
async function listingInReview() {
  const j = await withApps();
  await passValidation(j.appA, "COMMERCIAL", j.admin, w.managerToken, ["DEMONSTRATION", "DATA_TRANSFER", "IMPLEMENTATION_UNDERSTANDING"]);
  const listingA = ok(await mutate(t, j.admin, `createListing(appId: "${j.appA}", marketplace: COMMERCIAL, content: $content)`, "{ id }", { content: content("Acme Sync") })).id as string;
  expect(ok(await mutate(t, j.admin, `submitListing(listingId: "${listingA}")`, "{ state }")).state).toBe("IN_REVIEW");
  return { ...j, listingA };
}

async function listingLive(): Promise<Journey> {
  const j = await listingInReview();
  await passValidation(j.appB, "COMMERCIAL", j.admin, w.managerToken, ["DEMONSTRATION", "IMPLEMENTATION_UNDERSTANDING"]);
  expect(ok(await mutate(t, w.staffToken, `approveListing(listingId: "${j.listingA}")`, "{ state }")).state).toBe("LIVE");
  return j;
}

const listingState = async (id: string, token?: string) =>
  (await t.gql(`query($id: ID!) { node(id: $id) { ... on Listing { state content { name } } } }`, { id }, token)).data.node;

/** R-LIST-1: the FedRAMP listing of app A, refused until its own validation passes, then live for cleared viewers only. */
async function fedrampListing(j: Journey) {
  const fedListing = ok(await mutate(t, j.adminFed, `createListing(appId: "${j.appA}", marketplace: FEDRAMP, content: $content)`, "{ id state }", { content: content("Acme Sync Gov") })).id;
  ok(await mutate(t, j.adminFed, `submitListing(listingId: "${fedListing}")`, "{ state }"));
  const refused = expectRefusal(await mutate(t, w.staffFedrampToken, `approveListing(listingId: "${fedListing}")`, "{ state }"), "R-LIST-2");
  await passValidation(j.appA, "FEDRAMP", j.adminFed, fedManagerToken, ["DEMONSTRATION", "DATA_TRANSFER", "IMPLEMENTATION_UNDERSTANDING"], true);
  const approved = ok(await mutate(t, w.staffFedrampToken, `approveListing(listingId: "${fedListing}")`, "{ state }"));
  return { fedListing, refused, approved };
}

/** R-LIST-5: a revision of the live listing, reviewed while the listing stays live. */
async function revise(j: Journey) {
  const rev = ok(await mutate(t, j.admin, `editListing(listingId: "${j.listingA}", content: $content)`, "{ number status name }", { content: content("Acme Sync 2") }));
  const during = await listingState(j.listingA);
  const submitted = ok(await mutate(t, j.admin, `submitListing(listingId: "${j.listingA}")`, "{ state }"));
  ok(await mutate(t, w.staffToken, `approveListing(listingId: "${j.listingA}")`, "{ state }"));
  return { rev, during, submitted, after: await listingState(j.listingA) };
}

/** R-INQ-1: an inquiry through the contact form, answered an hour and a half later on the program's clock. */
async function inquiryAnswered(j: Journey) {
  const sent = await t.gql(`mutation { sendInquiry(listingId: "${j.listingA}", senderName: "Casey", senderEmail: "casey@harbor.example", message: "Does it sync cost codes?") { __typename } }`);
  expect(sent.data.sendInquiry.__typename).toBe("MutationSendInquirySuccess");
  const inbox = await t.gql(`query($id: ID!) { partner(id: $id) { inquiries(first: 5) { edges { node { id message respondedAt } } } } }`, { id: j.partner }, j.admin);
  const inquiry = inbox.data.partner.inquiries.edges[0].node;
  const asked = clock.now();
  clock.set(new Date(asked.getTime() + 5_400_000).toISOString());
  const answered = ok(await mutate(t, j.admin, `answerInquiry(inquiryId: "${inquiry.id}", response: "Yes, all of them.")`, "{ response responseSeconds respondedAt }"));
  return { inquiry, asked, answered };
}

/** R-LEAD-1: a lead sent by the partner and accepted by staff. */
async function leadAccepted(j: { partner: string; admin: string }) {
  const lead = ok(await mutate(t, j.admin, `sendLead(partnerId: "${j.partner}", company: "Summit Co", contactName: "Sam", contactEmail: "sam@summit.example", details: "40 projects")`, "{ id status }"));
  const triaged = ok(await mutate(t, w.staffToken, `triageLead(leadId: "${lead.id}", status: ACCEPTED)`, "{ status }"));
  return { lead, triaged };
}

describe("a partner's journey from sign-up to two marketplaces", () => {
  it("R-PART-1: anyone signs up; the new partner starts at Foundation with its first admin", async () => {
    const j = await signedUp("Acme Field Tools");
    expect(j.created).toMatchObject({ name: "Acme Field Tools", slug: "acme-field-tools", tier: "FOUNDATION" });
    expect((await t.gql(`{ viewer { role partner { id } } }`, {}, j.admin)).data.viewer).toEqual({ role: "PARTNER_ADMIN", partner: { id: j.partner } });
  });

  it("R-PART-3: the standard agreements are signed as published; redlines are refused", async () => {
    const j = await signedUp();
    const docs = (await t.gql(`{ currentAgreements { kind version bodySha256 } }`)).data.currentAgreements;
    expect(docs).toHaveLength(2);
    const redline = await mutate(t, j.admin, `signAgreement(partnerId: "${j.partner}", kind: ${docs[0].kind}, version: ${docs[0].version}, bodySha256: "${docs[0].bodySha256}", proposedChanges: "Cap liability at $1")`, "{ id }");
    expectRefusal(redline, "R-PART-3");
    for (const d of docs) {
      ok(await mutate(t, j.admin, `signAgreement(partnerId: "${j.partner}", kind: ${d.kind}, version: ${d.version}, bodySha256: "${d.bodySha256}")`, "{ id signedAt }"));
    }
    const standing = await t.gql(`query($id: ID!) { partner(id: $id) { agreementStanding { inProgram needsResign } } }`, { id: j.partner }, j.admin);
    expect(standing.data.partner.agreementStanding).toEqual({ inProgram: true, needsResign: false });
  });

  it("R-APP-1: the partner builds two apps with declared kind and data flow", async () => {
    const j = await withApps();
    // Read back as declared.
    const read = await t.gql(`query($a: ID!, $b: ID!) { a: node(id: $a) { ... on App { name kind dataFlow } } b: node(id: $b) { ... on App { name kind dataFlow } } }`, { a: j.appA, b: j.appB }, j.admin);
    expect(read.data).toEqual({
      a: { name: "Acme Sync", kind: "DATA_CONNECTOR", dataFlow: "BIDIRECTIONAL" },
      b: { name: "Acme Planner", kind: "OTHER", dataFlow: "PULL" },
    });
  });

  it("R-APP-4: validation cannot be requested before a test customer installed and used the app", async () => {
    const j = await withApps();
    // The condition that failed is R-APP-2's (a test customer); R-APP-4 is the gate it closes.
    const refused = expectRefusal(await mutate(t, j.admin, `requestValidation(appId: "${j.appA}", marketplace: COMMERCIAL)`, "{ id }"), "R-APP-2");
    expect(refused.relatedRule).toBe("R-APP-4");
    expect(refused.missing!.join(" ")).toMatch(/test customer/i);
  });

  it("R-APP-2 + R-APP-3: a test customer, then a validation led by the integration manager passes", async () => {
    const j = await withApps();
    await passValidation(j.appA, "COMMERCIAL", j.admin, w.managerToken, ["DEMONSTRATION", "DATA_TRANSFER", "IMPLEMENTATION_UNDERSTANDING"]);
  });

  it("R-LIST-2: a listing is refused going live while the partner's other app is unvalidated", async () => {
    const j = await listingInReview();
    const refused = expectRefusal(await mutate(t, w.staffToken, `approveListing(listingId: "${j.listingA}")`, "{ state }"), "R-LIST-2");
    expect(refused.missing).toEqual(["active app Acme Planner has not passed App Validation"]);
    expect((await listingState(j.listingA, j.admin)).state).toBe("IN_REVIEW");
  });

  it("R-LIST-2: once every app passed, staff approve and the listing is live for everyone", async () => {
    const j = await listingInReview();
    await passValidation(j.appB, "COMMERCIAL", j.admin, w.managerToken, ["DEMONSTRATION", "IMPLEMENTATION_UNDERSTANDING"]);
    expect(ok(await mutate(t, w.staffToken, `approveListing(listingId: "${j.listingA}")`, "{ state firstLiveAt }")).state).toBe("LIVE");
    const pub = await t.gql(`{ listings(first: 100) { edges { node { id content { name } } } } }`);
    expect(pub.data.listings.edges.map((e: any) => e.node.id)).toContain(j.listingA);
  });

  it("R-LIST-1: the FedRAMP listing is separate: its own validation, content and state", async () => {
    const j = await listingLive();
    const { fedListing, refused, approved } = await fedrampListing(j);
    expect(refused.missing!.join()).toMatch(/FedRAMP/);
    expect(approved.state).toBe("LIVE");
    const pub = await t.gql(`{ listings(marketplace: FEDRAMP, first: 100) { edges { node { id } } } }`);
    expect(pub.data.listings.edges).toEqual([]);
    const cleared = await t.gql(`{ listings(marketplace: FEDRAMP, first: 100) { edges { node { id content { name } } } } }`, {}, w.staffFedrampToken);
    expect(cleared.data.listings.edges.map((e: any) => e.node)).toContainEqual({ id: fedListing, content: { name: "Acme Sync Gov" } });
    // The Commercial listing is untouched by the FedRAMP one.
    expect(await listingState(j.listingA)).toEqual({ state: "LIVE", content: { name: "Acme Sync" } });
  });

  it("R-LIST-5: editing a live listing goes through review without taking it down", async () => {
    const r = await revise(await listingLive());
    expect(r.rev).toEqual({ number: 2, status: "DRAFT", name: "Acme Sync 2" });
    expect(r.during).toEqual({ state: "LIVE", content: { name: "Acme Sync" } });
    expect(r.submitted.state).toBe("LIVE");
    expect(r.after).toEqual({ state: "LIVE", content: { name: "Acme Sync 2" } });
  });

  it("R-LIST-5: a listing's last review, verdict and notes, for the partner and staff; a rejected revision's notes stay there", async () => {
    const j = await listingLive();
    await revise(j);
    const LAST = `query($id: ID!) { listing(id: $id) { pendingRevision { number } lastReview { number status reviewedAt reviewNotes } } }`;
    const approved = (await t.gql(LAST, { id: j.listingA }, j.admin)).data.listing;
    expect(approved.lastReview).toMatchObject({ number: 2, status: "APPROVED" });
    expect(approved.lastReview.reviewedAt).toBeTruthy();
    ok(await mutate(t, j.admin, `editListing(listingId: "${j.listingA}", content: $content)`, "{ number }", { content: content("Acme Sync 3") }));
    ok(await mutate(t, j.admin, `submitListing(listingId: "${j.listingA}")`, "{ state }"));
    ok(await mutate(t, w.staffToken, `rejectListing(listingId: "${j.listingA}", reasons: "Name the sync settings.")`, "{ state }"));
    const rejected = (await t.gql(LAST, { id: j.listingA }, j.admin)).data.listing;
    expect(rejected).toMatchObject({ pendingRevision: null, lastReview: { number: 3, status: "REJECTED", reviewNotes: "Name the sync settings." } });
    expect((await t.gql(LAST, { id: j.listingA }, w.staffToken)).data.listing.lastReview).toMatchObject({ number: 3, status: "REJECTED" });
    // The public sees the live listing, not its reviews.
    expect((await t.gql(LAST, { id: j.listingA })).data.listing).toEqual({ pendingRevision: null, lastReview: null });
  });

  it("R-INQ-1: a customer writes through the contact form; the partner answers and the response time is kept", async () => {
    const { inquiry, asked, answered } = await inquiryAnswered(await listingLive());
    expect(inquiry).toMatchObject({ message: "Does it sync cost codes?", respondedAt: null });
    // Answered an hour and a half later on the program's clock: the response time is those 5,400 s.
    expect(answered).toEqual({ response: "Yes, all of them.", responseSeconds: 5400, respondedAt: new Date(asked.getTime() + 5_400_000).toISOString() });
  });

  it("R-LEAD-1: the partner sends a lead and staff accept it", async () => {
    const { lead, triaged } = await leadAccepted(await signed());
    expect(lead.status).toBe("NEW");
    expect(triaged.status).toBe("ACCEPTED");
  });

  it("R-EVT-1: every step of the whole way shows up in the partner's event history, newest first", async () => {
    const j = await listingLive();
    await fedrampListing(j);
    await revise(j);
    await inquiryAnswered(j);
    await leadAccepted(j);
    // Cleared: the history includes the FedRAMP listing's events (R-LIST-6).
    const r = await t.gql(`query($id: ID!) { partner(id: $id) { events(first: 100) { edges { node { type position } } } } }`, { id: j.partner }, j.adminFed);
    const events = r.data.partner.events.edges.map((e: any) => e.node);
    const positions = events.map((e: any) => BigInt(e.position));
    expect([...positions].sort((a, b) => (a > b ? -1 : 1))).toEqual(positions);
    const types = events.map((e: any) => e.type).reverse();
    const expected = ["partner.joined", "agreement.signed", "app.created", "test-customer.registered", "test-customer.used",
      "validation.requested", "validation.assigned", "validation.check-recorded", "validation.passed", "listing.created",
      "listing.submitted", "listing.live", "listing.revision-drafted", "listing.revision-submitted", "listing.revised",
      "inquiry.received", "inquiry.answered", "lead.sent", "lead.triaged"];
    for (const type of expected) expect(types, type).toContain(type);
    // The refused approvals left no trace: one go-live per marketplace, two signatures.
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
