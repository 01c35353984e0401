// Demo data: partners at every stage, so a new user sees a working program in GraphiQL.
// Idempotent: does nothing when the demo partners exist. Every row it writes has its event.
import { createHash, randomUUID } from "node:crypto";
import { monthKey } from "../domain/dates.js";
import type { EventType } from "../domain/events.js";
import { systemActor, type NewEvent, type NewEventOf, type Tx } from "../events/log.js";
import type { Program } from "../program/program.js";
import { defaultTierLadder } from "./ladder.js";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const DAY = 86_400_000;

export const demoCategories = [
  ["accounting", "Accounting"], ["analytics", "Analytics & Reporting"], ["bim", "BIM & Design"],
  ["documents", "Document Management"], ["erp", "ERP"], ["estimating", "Estimating"],
  ["field", "Field Productivity"], ["project-management", "Project Management"],
  ["quality-safety", "Quality & Safety"], ["scheduling", "Scheduling"],
] as const;

const frameworkBody = "PARTNER FRAMEWORK AGREEMENT (standard terms, version 1)\n\n1. Scope. ...\n2. Marketplace listing. ...\n3. Fees. None at this time.\n";
const addendumBody = "TECHNOLOGY PARTNER ADDENDUM (standard terms, version 1)\n\n1. Integrations. ...\n2. App Validation. ...\n";

const summary = (what: string) =>
  `${what} connects your construction projects to the tools your teams already use. ` +
  "Data stays in sync automatically, so project managers, finance and field teams work from the same numbers. " +
  "Set-up takes minutes and needs no custom code.";

export async function seedDemoData(program: Program): Promise<boolean> {
  if (await program.prisma.partner.findUnique({ where: { slug: "northwind-analytics" } })) return false;
  const today = program.today();
  const monthStart = (offset: number) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + offset, 1));
  const daysAgo = (n: number) => new Date(today.getTime() - n * DAY);

  await program.change(async (tx, record) => {
    const ev = <T extends EventType>(type: T, subjectId: string, extra: Omit<NewEventOf<T>, "type" | "actor" | "subjectId"> = {}) =>
      record({ type, actor: systemActor, subjectId, reason: "demo data", ...extra } as NewEventOf<T> as NewEvent);

    // Program setup: categories, staff, agreements, policies for last year and this year.
    for (const [slug, name] of demoCategories) {
      await tx.category.upsert({ where: { slug }, create: { slug, name }, update: {} });
    }
    const staff = await tx.staffUser.create({ data: { email: "pat@program.example", name: "Pat Program", role: "PROGRAM_STAFF", fedrampCleared: true } });
    const manager = await tx.staffUser.create({ data: { email: "ivy@program.example", name: "Ivy Integration", role: "INTEGRATION_MANAGER" } });
    await tx.staffUser.create({ data: { email: "sam@program.example", name: "Sam Staff", role: "PROGRAM_STAFF" } });
    const framework = await tx.agreementDocument.create({ data: { kind: "FRAMEWORK_AGREEMENT", version: 1, title: "Partner Framework Agreement", body: frameworkBody, bodySha256: sha256(frameworkBody), publishedAt: daysAgo(900) } });
    const addendum = await tx.agreementDocument.create({ data: { kind: "TECHNOLOGY_ADDENDUM", version: 1, title: "Technology Partner Addendum", body: addendumBody, bodySha256: sha256(addendumBody), publishedAt: daysAgo(900) } });
    for (const doc of [framework, addendum]) await ev("agreement.published", doc.id, { after: { kind: doc.kind, version: doc.version, bodySha256: doc.bodySha256 } });
    for (const year of [today.getUTCFullYear() - 1, today.getUTCFullYear()]) {
      const policy = await tx.programPolicy.create({
        data: { year, version: 1, tiers: { create: defaultTierLadder().map((t) => ({ ...t })) } },
      });
      await ev("policy.created", policy.id, { after: { year, version: 1 } });
    }
    const cats = Object.fromEntries((await tx.category.findMany()).map((c) => [c.slug, c.id]));

    const partner = async (slug: string, name: string, tierKey = "FOUNDATION", signed = true) => {
      const p = await tx.partner.create({ data: { slug, name, website: `https://${slug}.example`, tierKey, createdAt: daysAgo(800) } });
      const admin = await tx.partnerMember.create({ data: { partnerId: p.id, email: `admin@${slug}.example`, name: `${name} Admin`, role: "ADMIN", joinedAt: p.createdAt } });
      // R-TIER-2 history: the entry tier from the year it joined; a higher tier as recorded for this year (the demo has no assessments).
      await tx.partnerTierYear.create({ data: { partnerId: p.id, year: p.createdAt.getUTCFullYear(), tierKey: "FOUNDATION", source: "ENTRY", setAt: p.createdAt } });
      if (tierKey !== "FOUNDATION") await tx.partnerTierYear.create({ data: { partnerId: p.id, year: today.getUTCFullYear(), tierKey, source: "RECORDED", setAt: today } });
      await ev("partner.joined", p.id, { partnerId: p.id, after: { name, slug, tier: tierKey, admin: admin.email } });
      if (signed) {
        for (const doc of [framework, addendum]) {
          await tx.agreementSignature.create({ data: { partnerId: p.id, documentId: doc.id, signedById: admin.id, signedAt: daysAgo(700) } });
          await ev("agreement.signed", p.id, { partnerId: p.id, after: { kind: doc.kind, version: doc.version, bodySha256: doc.bodySha256 } });
        }
      }
      return { p, admin };
    };

    const app = async (partnerId: string, name: string, kind: "DATA_CONNECTOR" | "OTHER", dataFlow: "PUSH" | "PULL" | "BIDIRECTIONAL", launchedDaysAgo?: number) => {
      const a = await tx.app.create({ data: { partnerId, name, kind, dataFlow, launchedAt: launchedDaysAgo ? daysAgo(launchedDaysAgo) : null } });
      await ev("app.created", a.id, { partnerId, after: { name, kind, dataFlow } });
      const tc = await tx.testCustomer.create({ data: { appId: a.id, customerRef: `cust-${name.toLowerCase().replace(/\W+/g, "-")}`, customerName: "Harbor Builders Inc.", installedAt: daysAgo(760), firstUsedAt: daysAgo(750), lastUsedAt: daysAgo(740), usageCount: 12 } });
      await ev("test-customer.registered", a.id, { partnerId, after: { testCustomerId: tc.id, customerRef: tc.customerRef, customerName: tc.customerName, installedAsCustomApp: true } });
      return { a, tc };
    };

    const validate = async (appId: string, appName: string, partnerId: string, marketplace: "COMMERCIAL" | "FEDRAMP", requestedBy: string, kind: "DATA_CONNECTOR" | "OTHER") => {
      const v = await tx.appValidation.create({
        data: {
          appId, marketplace, attempt: 1, status: "PASSED", openSlot: null, requestedById: requestedBy, requestedAt: daysAgo(730),
          integrationManagerId: manager.id, assignedAt: daysAgo(728), completedAt: daysAgo(720), outcomeNotes: "All checks passed.",
          checks: { create: [
            { kind: "DEMONSTRATION", passed: true, notes: "Live demo of the integration.", recordedById: manager.id },
            { kind: "IMPLEMENTATION_UNDERSTANDING", passed: true, notes: "Walked through onboarding.", recordedById: manager.id },
            ...(kind === "DATA_CONNECTOR" ? [{ kind: "DATA_TRANSFER" as const, passed: true, notes: "Transferred 500 records.", recordedById: manager.id }] : []),
          ] },
        },
      });
      // The marketplace column, as the use cases record it: a FedRAMP validation's events are for the cleared only.
      await ev("validation.passed", v.id, { partnerId, appId, marketplace, before: { status: "IN_PROGRESS" }, after: { status: "PASSED", app: appName, attempt: 1, purpose: "INITIAL" } });
    };

    const listing = async (appId: string, partnerId: string, marketplace: "COMMERCIAL" | "FEDRAMP", name: string, tagline: string, categories: string[], createdById: string, state: "LIVE" | "DRAFT" | "DELISTED") => {
      const l = await tx.listing.create({ data: { appId, partnerId, marketplace, createdAt: daysAgo(725) } });
      const rev = await tx.listingRevision.create({
        data: {
          listingId: l.id, number: 1, status: state === "DRAFT" ? "DRAFT" : "APPROVED", openSlot: state === "DRAFT" ? "open" : null,
          name, tagline, summary: summary(name), howItWorks: "Install from the marketplace, sign in, pick the projects to sync.",
          features: ["Two-way sync", "Field-level mapping", "Audit trail"], contactKind: "CONTACT_FORM",
          contactEmail: "sales@example.com", websiteUrl: "https://example.com", createdById,
          submittedAt: state === "DRAFT" ? null : daysAgo(722), reviewedAt: state === "DRAFT" ? null : daysAgo(718), reviewedById: state === "DRAFT" ? null : staff.id,
          categories: { create: categories.map((slug) => ({ categoryId: cats[slug]! })) },
        },
      });
      await ev("listing.created", l.id, { partnerId, appId, listingId: l.id, marketplace, after: { state: "DRAFT", app: name, name } });
      if (state === "DRAFT") return l;
      await tx.listing.update({ where: { id: l.id }, data: { state: "LIVE", liveRevisionId: rev.id, firstLiveAt: daysAgo(718), stateChangedAt: daysAgo(718) } });
      await ev("listing.live", l.id, { partnerId, appId, listingId: l.id, marketplace, publicChange: true, before: { state: "IN_REVIEW", liveRevision: null }, after: { state: "LIVE", revision: 1, revisionStatus: "APPROVED" } });
      if (state === "DELISTED") {
        await tx.listing.update({ where: { id: l.id }, data: { state: "DELISTED", delistReason: "LOW_USAGE", delistNote: "Fewer than 1 active customer over the trailing 12 months.", stateChangedAt: daysAgo(20) } });
        await ev("listing.delisted", l.id, { partnerId, appId, listingId: l.id, marketplace, publicChange: true, before: { state: "AT_RISK" }, after: { state: "DELISTED", reason: "LOW_USAGE" } });
      }
      return l;
    };

    const usage = async (appId: string, level: (monthsAgo: number) => number, bidirectional: boolean) => {
      const rows = [];
      for (let m = 24; m >= 1; m--) {
        const active = level(m);
        rows.push({ appId, month: monthStart(-m), activeCustomers: active, installs: Math.ceil(active / 5), uninstalls: Math.floor(active / 20), pushCalls: BigInt(active * 1200), pullCalls: BigInt(bidirectional ? active * 900 : 0) });
      }
      await tx.usageMonth.createMany({ data: rows });
      await ev("usage.recorded", randomUUID(), { appId, after: { rows: rows.length, created: rows.length, replaced: 0, apps: 1, firstMonth: monthKey(rows[0]!.month), lastMonth: monthKey(rows.at(-1)!.month) } });
    };

    // 1. Just joined: nothing signed yet.
    await partner("brightbeam-labs", "Brightbeam Labs", "FOUNDATION", false);

    // 2. Mid-validation: signed, one data connector with a test customer, validation in progress.
    const cobalt = await partner("cobalt-estimating", "Cobalt Estimating");
    const takeoff = await app(cobalt.p.id, "Cobalt Takeoff", "DATA_CONNECTOR", "PUSH");
    const inProgress = await tx.appValidation.create({
      data: { appId: takeoff.a.id, marketplace: "COMMERCIAL", attempt: 1, status: "IN_PROGRESS", openSlot: "open", requestedById: cobalt.admin.id, requestedAt: daysAgo(6), integrationManagerId: manager.id, assignedAt: daysAgo(5),
        checks: { create: [{ kind: "DEMONSTRATION", passed: true, notes: "Demo went well.", recordedById: manager.id }] } },
    });
    await ev("validation.requested", inProgress.id, { partnerId: cobalt.p.id, appId: takeoff.a.id, marketplace: "COMMERCIAL", after: { app: takeoff.a.name, attempt: 1, purpose: "INITIAL", status: "REQUESTED" } });
    await ev("validation.assigned", inProgress.id, { partnerId: cobalt.p.id, appId: takeoff.a.id, marketplace: "COMMERCIAL", before: { status: "REQUESTED" }, after: { status: "IN_PROGRESS", integrationManager: manager.name } });
    await listing(takeoff.a.id, cobalt.p.id, "COMMERCIAL", "Cobalt Takeoff", "Digital takeoff, synced to budgets", ["estimating"], cobalt.admin.id, "DRAFT");

    // 3. Live on both marketplaces.
    const northwind = await partner("northwind-analytics", "Northwind Analytics", "SELECT");
    const member = await tx.partnerMember.create({ data: { partnerId: northwind.p.id, email: "dev@northwind-analytics.example", name: "Nora Developer", role: "MEMBER", invitedById: northwind.admin.id } });
    await ev("member.invited", northwind.p.id, { partnerId: northwind.p.id, after: { memberId: member.id, email: member.email, role: "MEMBER" } });
    const insights = await app(northwind.p.id, "Northwind Insights", "DATA_CONNECTOR", "BIDIRECTIONAL", 718);
    const scheduler = await app(northwind.p.id, "Northwind Scheduler", "OTHER", "PULL", 700);
    await validate(insights.a.id, insights.a.name, northwind.p.id, "COMMERCIAL", northwind.admin.id, "DATA_CONNECTOR");
    await validate(insights.a.id, insights.a.name, northwind.p.id, "FEDRAMP", northwind.admin.id, "DATA_CONNECTOR");
    await validate(scheduler.a.id, scheduler.a.name, northwind.p.id, "COMMERCIAL", northwind.admin.id, "OTHER");
    const nwListing = await listing(insights.a.id, northwind.p.id, "COMMERCIAL", "Northwind Insights", "Project analytics in two-way sync", ["analytics", "project-management"], northwind.admin.id, "LIVE");
    await listing(insights.a.id, northwind.p.id, "FEDRAMP", "Northwind Insights Gov", "Analytics for FedRAMP projects", ["analytics"], northwind.admin.id, "LIVE");
    await listing(scheduler.a.id, northwind.p.id, "COMMERCIAL", "Northwind Scheduler", "Crew schedules from your plans", ["scheduling", "field"], northwind.admin.id, "LIVE");
    await usage(insights.a.id, (m) => 40 + (24 - m) * 3, true);
    await usage(scheduler.a.id, (m) => 8 + (24 - m), false);
    const lead = await tx.lead.create({ data: { partnerId: northwind.p.id, company: "Summit Builders", contactName: "Alex Reyes", contactEmail: "alex@summit.example", details: "Looking for analytics across 40 projects.", submittedById: northwind.admin.id, status: "ACCEPTED", triagedById: staff.id, createdAt: daysAgo(40), statusChangedAt: daysAgo(35) } });
    await ev("lead.sent", lead.id, { partnerId: northwind.p.id, after: { company: lead.company, status: "NEW" } });
    await ev("lead.triaged", lead.id, { partnerId: northwind.p.id, before: { status: "NEW" }, after: { status: "ACCEPTED" } });
    const inquiry = await tx.inquiry.create({ data: { listingId: nwListing.id, partnerId: northwind.p.id, senderName: "Jordan Lee", senderEmail: "jordan@harbor.example", senderCompany: "Harbor Builders", message: "Does Insights support cost codes?", createdAt: daysAgo(3) } });
    await ev("inquiry.received", inquiry.id, { partnerId: northwind.p.id, listingId: nwListing.id, marketplace: "COMMERCIAL", after: { from: inquiry.senderEmail } });

    // 4. Delisted for low usage.
    const dormant = await partner("dormant-docs", "Dormant Docs");
    const sync = await app(dormant.p.id, "Dormant Sync", "DATA_CONNECTOR", "PUSH", 710);
    await validate(sync.a.id, sync.a.name, dormant.p.id, "COMMERCIAL", dormant.admin.id, "DATA_CONNECTOR");
    await listing(sync.a.id, dormant.p.id, "COMMERCIAL", "Dormant Sync", "Documents, filed automatically", ["documents"], dormant.admin.id, "DELISTED");
    await usage(sync.a.id, (m) => (m > 14 ? 2 : 0), false);
  });
  return true;
}

export type { Tx };
