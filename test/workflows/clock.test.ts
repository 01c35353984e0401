// R-TIME-1: one clock. With PROGRAM_TODAY the program lives on that day: every rule's "today" and
// every timestamp it records (sign-up, signatures, validations, launch, leads, inquiries, events…)
// come from its clock, never the wall clock. Staff record facts that reached the program outside the
// API with their real dates, never in the future and never before the partner joined.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";
import { content, mutate, ok } from "../support/mutate.js";

const TODAY = "2025-03-01";
let t: TestService;
let staff: string;
let manager: string;
beforeAll(async () => {
  t = await startTestService({ env: { PROGRAM_TODAY: TODAY } });
  const prisma = t.service.program.prisma;
  // A program with nothing but its staff, categories and this year's policy; the rest goes through the API.
  const at = new Date(`${TODAY}T00:00:00Z`);
  const sam = await prisma.staffUser.create({ data: { email: "sam@program.example", name: "Sam Staff", role: "PROGRAM_STAFF", createdAt: at } });
  const ivy = await prisma.staffUser.create({ data: { email: "ivy@program.example", name: "Ivy Integration", role: "INTEGRATION_MANAGER", createdAt: at } });
  await prisma.category.create({ data: { slug: "analytics", name: "Analytics", createdAt: at } });
  staff = await t.token({ sub: sam.id, role: "program-staff" });
  manager = await t.token({ sub: ivy.id, role: "integration-manager" });
});
afterAll(() => t?.close());

/** Every timestamp and date the program stored, table by table (security bookkeeping aside: token lifetimes, idempotency keys). */
async function storedInstants(): Promise<{ where: string; at: Date }[]> {
  const prisma = t.service.program.prisma;
  const columns = await prisma.$queryRawUnsafe<{ table_name: string; column_name: string }[]>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND data_type IN ('timestamp with time zone', 'timestamp without time zone', 'date')
       AND table_name NOT IN ('_prisma_migrations', 'ApiToken', 'IdempotencyKey')`,
  );
  const out: { where: string; at: Date }[] = [];
  for (const c of columns) {
    const rows = await prisma.$queryRawUnsafe<{ at: Date }[]>(`SELECT "${c.column_name}" AS at FROM "${c.table_name}" WHERE "${c.column_name}" IS NOT NULL`);
    for (const r of rows) out.push({ where: `${c.table_name}.${c.column_name}`, at: new Date(r.at) });
  }
  return out;
}

/** A partner's whole way to a live listing, a lead, an inquiry and a member, through the API, on the program's day. */
async function journey() {
  const year = Number(TODAY.slice(0, 4));
  ok(await mutate(t, staff, `createProgramPolicy(input: { year: ${year} })`, "{ id }"));
  for (const kind of ["FRAMEWORK_AGREEMENT", "TECHNOLOGY_ADDENDUM"]) ok(await mutate(t, staff, `publishAgreement(kind: ${kind}, title: "Standard terms", body: "Standard terms, version 1.")`, "{ id }"));
  const signUp = await t.gql(`mutation { signUpPartner(input: { name: "Clockwork Apps", adminName: "Cleo", adminEmail: "cleo@clockwork.example" }) {
    ... on MutationSignUpPartnerSuccess { data { adminToken partner { id } } } } }`);
  const { adminToken: admin, partner: { id: partner } } = signUp.data.signUpPartner.data;
  const docs = (await t.gql(`{ currentAgreements { kind version bodySha256 } }`)).data.currentAgreements;
  for (const d of docs) ok(await mutate(t, admin, `signAgreement(partnerId: "${partner}", kind: ${d.kind}, version: ${d.version}, bodySha256: "${d.bodySha256}")`, "{ id }"));
  const app = ok(await mutate(t, admin, `createApp(partnerId: "${partner}", name: "Clockwork Sync", kind: OTHER, dataFlow: BIDIRECTIONAL)`, "{ id }")).id;
  const customer = ok(await mutate(t, admin, `registerTestCustomer(appId: "${app}", customerRef: "c-1", customerName: "Harbor Builders")`, "{ id }")).id;
  ok(await mutate(t, admin, `recordTestCustomerUse(testCustomerId: "${customer}")`, "{ id }"));
  const v = ok(await mutate(t, admin, `requestValidation(appId: "${app}", marketplace: COMMERCIAL)`, "{ id }")).id;
  ok(await mutate(t, manager, `assignIntegrationManager(validationId: "${v}")`, "{ status }"));
  for (const kind of ["DEMONSTRATION", "IMPLEMENTATION_UNDERSTANDING"]) ok(await mutate(t, manager, `recordValidationCheck(validationId: "${v}", kind: ${kind}, passed: true, notes: "ok")`, "{ kind }"));
  ok(await mutate(t, manager, `completeValidation(validationId: "${v}", outcome: PASSED)`, "{ status }"));
  const listing = ok(await mutate(t, admin, `createListing(appId: "${app}", marketplace: COMMERCIAL, content: $content)`, "{ id }", { content: content("Clockwork Sync") })).id;
  ok(await mutate(t, admin, `submitListing(listingId: "${listing}")`, "{ state }"));
  const live = ok(await mutate(t, staff, `approveListing(listingId: "${listing}")`, "{ state firstLiveAt stateChangedAt }"));
  const lead = ok(await mutate(t, admin, `sendLead(partnerId: "${partner}", company: "Acme", contactName: "Al", contactEmail: "al@acme.example", details: "40 projects")`, "{ id createdAt }"));
  ok(await mutate(t, staff, `triageLead(leadId: "${lead.id}", status: ACCEPTED)`, "{ statusChangedAt }"));
  ok(await mutate(t, undefined, `sendInquiry(listingId: "${listing}", senderName: "Jo", senderEmail: "jo@example.com", message: "Cost codes?")`, ""));
  const inquiry = (await t.service.program.prisma.inquiry.findFirstOrThrow()).id;
  ok(await mutate(t, admin, `answerInquiry(inquiryId: "${inquiry}", response: "Yes.")`, "{ respondedAt }"));
  const member = ok(await mutate(t, admin, `inviteMember(partnerId: "${partner}", name: "Max", email: "max@clockwork.example", role: MEMBER)`, "{ id }")).id;
  ok(await mutate(t, admin, `removeMember(memberId: "${member}")`, ""));
  ok(await mutate(t, staff, `invitePremier(partnerId: "${partner}", grounds: { customerCentricity: "a", strategicAlignment: "b", executiveSponsorship: "c" })`, "{ invitedAt effectiveYear }"));
  return { partner, admin, live, lead };
}

let walked: Awaited<ReturnType<typeof journey>>;

beforeAll(async () => {
  walked = await journey();
});

describe("R-TIME-1: the program runs on one clock", () => {
  it("R-TIME-1: a partner's whole way to a live listing, a lead and an inquiry is stamped on the program's day, events included", async () => {
    const { partner, admin, live, lead } = walked;
    expect(live.state).toBe("LIVE");
    expect(live.firstLiveAt.slice(0, 10)).toBe(TODAY);
    expect(lead.createdAt.slice(0, 10)).toBe(TODAY);
    // The progress view judges the same day: the app launched today counts as live.
    const progress = await t.gql(`query($p: ID!) { partner(id: $p) { tierProgress { ... on PartnerTierProgressSuccess { data { asOf figures { liveApps } } } } } }`, { p: partner }, admin);
    expect(progress.data.partner.tierProgress.data).toEqual({ asOf: TODAY, figures: { liveApps: 1 } });

    const stamped = await storedInstants();
    expect(stamped.length).toBeGreaterThan(40);
    const notToday = stamped.filter((s) => s.at.toISOString().slice(0, 10) !== TODAY);
    expect(notToday.map((s) => `${s.where} ${s.at.toISOString()}`)).toEqual([]);
  });

  it("R-TIME-1: staff record a lead and an inquiry that reached the program outside the API, with their real dates", async () => {
    const prisma = t.service.program.prisma;
    const partner = await prisma.partner.findFirstOrThrow({ where: { slug: "clockwork-apps" } });
    const listing = await prisma.listing.findFirstOrThrow({ where: { partnerId: partner.id } });
    const p = Buffer.from(`Partner:${partner.id}`).toString("base64");
    const l = Buffer.from(`Listing:${listing.id}`).toString("base64");
    // In the program's future, or before the partner joined: refused, naming the field, nothing written.
    const before = await prisma.event.count();
    const future = await mutate(t, staff, `recordLead(partnerId: "${p}", company: "Acme", contactName: "Al", contactEmail: "al@acme.example", details: "d", receivedAt: "2025-03-05T10:00:00Z")`, "{ id }");
    expect(future.error).toMatchObject({ __typename: "InvalidInput", relatedRule: "R-TIME-1", problems: [{ field: "receivedAt", message: expect.stringContaining("future") }] });
    const early = await mutate(t, staff, `recordInquiry(listingId: "${l}", senderName: "Jo", senderEmail: "jo@example.com", message: "Hi", receivedAt: "2024-12-01T10:00:00Z")`, "{ id }");
    expect(early.error).toMatchObject({ __typename: "InvalidInput", problems: [{ field: "receivedAt", message: expect.stringContaining("before the partner joined") }] });
    expect(await prisma.event.count()).toBe(before);
    // A decided lead and an answered inquiry of this morning (after the partner joined), with their dates: they count when they happened.
    // The program's clock runs from 00:00 of PROGRAM_TODAY; wait until the latest instant used below is in its past.
    const at = (ms: number) => new Date(partner.createdAt.getTime() + ms).toISOString();
    const latest = partner.createdAt.getTime() + 2001;
    while (t.service.program.now().getTime() <= latest) await new Promise((r) => setTimeout(r, 50));
    const lead = ok(await mutate(t, staff, `recordLead(partnerId: "${p}", company: "Summit", contactName: "Sue", contactEmail: "sue@summit.example", details: "By e-mail", receivedAt: "${at(1)}", status: WON, decidedAt: "${at(500)}")`, "{ status createdAt statusChangedAt }"));
    expect(lead).toEqual({ status: "WON", createdAt: at(1), statusChangedAt: at(500) });
    const answeredLate = await mutate(t, staff, `recordInquiry(listingId: "${l}", senderName: "Jo", senderEmail: "jo@example.com", message: "Hi", receivedAt: "${at(1000)}", respondedAt: "${at(10)}")`, "{ id }");
    expect(answeredLate.error).toMatchObject({ problems: [{ field: "respondedAt", message: expect.stringContaining("before receivedAt") }] });
    const inquiry = ok(await mutate(t, staff, `recordInquiry(listingId: "${l}", senderName: "Jo", senderEmail: "jo@example.com", message: "By phone", receivedAt: "${at(1)}", respondedAt: "${at(2001)}", response: "Yes")`, "{ createdAt respondedAt responseSeconds }"));
    expect(inquiry).toEqual({ createdAt: at(1), respondedAt: at(2001), responseSeconds: 2 });
    expect((await prisma.event.findMany({ where: { type: { in: ["lead.recorded", "inquiry.recorded"] } } })).map((e) => e.type).sort()).toEqual(["inquiry.recorded", "lead.recorded"]);
  });

  it("R-TIME-1: only program staff record facts with their own dates; a partner gets a Forbidden saying so", async () => {
    const prisma = t.service.program.prisma;
    const partner = await prisma.partner.findFirstOrThrow({ where: { slug: "clockwork-apps" } });
    const admin = await prisma.partnerMember.findFirstOrThrow({ where: { partnerId: partner.id, role: "ADMIN" } });
    const token = await t.token({ sub: admin.id, role: "partner-admin", partnerId: partner.id });
    const p = Buffer.from(`Partner:${partner.id}`).toString("base64");
    const r = await mutate(t, token, `recordLead(partnerId: "${p}", company: "Acme", contactName: "Al", contactEmail: "al@acme.example", details: "d", receivedAt: "${TODAY}T00:00:00Z")`, "{ id }");
    expect(r.error).toMatchObject({ __typename: "Forbidden", message: expect.stringContaining("Only program staff can do this") });
    expect(r.error!.message).toContain("sendLead");
  });
});
