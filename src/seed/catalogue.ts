// The demo catalogue: a storefront worth searching. About 60 partners at every stage (just joined,
// in App Validation, live, at risk, delisted) and every tier, 150 listings across every category,
// data flow and both marketplaces, a year of usage, leads and inquiries; generated from a fixed seed,
// so every start shows the same catalogue and the README's examples find the same things. Loaded after
// the named demo partners (seed/demo.ts), which it leaves as they are. Idempotent; rows are written
// set-based (one statement per table) with their events in one transaction (R-EVT-1).
import { randomUUID } from "node:crypto";
import { monthKey } from "../domain/dates.js";
import type { EventType } from "../domain/events.js";
import { systemActor, type NewEvent, type NewEventOf } from "../events/log.js";
import { appendEvents, changeInBatch } from "../program/event-batch.js";
import type { Program } from "../program/program.js";

export const CATALOGUE_SEED = 2026;
const DAY = 86_400_000;

/** What a listing is about: its category, the nouns of its name and what it keeps in sync. */
const TOPICS = [
  { category: "accounting", nouns: ["Cost Sync", "Ledger Link", "Payables", "Job Costing"], syncs: "job costs, cost codes and invoices" },
  { category: "erp", nouns: ["ERP Bridge", "ERP Connector", "Commitments"], syncs: "cost codes, commitments and vendors between the ERP and projects" },
  { category: "analytics", nouns: ["Insights", "Dashboards", "Metrics"], syncs: "portfolio dashboards, KPIs and forecasts" },
  { category: "bim", nouns: ["Model Link", "BIM Bridge", "Clash Check"], syncs: "3D models, clashes and sheets" },
  { category: "documents", nouns: ["Docs", "Drawings", "Transmittals"], syncs: "drawings, specifications and transmittals" },
  { category: "estimating", nouns: ["Takeoff", "Estimates", "Bid Board"], syncs: "quantities, estimates and bids" },
  { category: "field", nouns: ["Daily Logs", "Crews", "Timesheets"], syncs: "daily logs, crews and timesheets" },
  { category: "project-management", nouns: ["RFIs", "Submittals", "Punch List"], syncs: "RFIs, submittals and punch lists" },
  { category: "quality-safety", nouns: ["Inspections", "Safety", "Observations"], syncs: "inspections, incidents and observations" },
  { category: "scheduling", nouns: ["Schedules", "Lookahead", "Gantt Sync"], syncs: "schedules, lookaheads and milestones" },
] as const;
const FIRST = ["Acre", "Bolt", "Cairn", "Dune", "Elm", "Forge", "Gable", "Hearth", "Ingot", "Jetty", "Kiln", "Lintel", "Mortar", "Nailhead",
  "Oakbeam", "Plumb", "Quoin", "Rafter", "Slate", "Truss", "Umber", "Vault", "Weld", "Yardarm", "Zinc", "Anvil", "Brick", "Corbel", "Dowel", "Eave"];
const SECOND = ["Software", "Systems"];
const TIERS = ["FOUNDATION", "FOUNDATION", "FOUNDATION", "SELECT", "SELECT", "SELECT", "ELITE", "ELITE", "PREMIER"] as const;
type Tier = (typeof TIERS)[number];
type Flow = "PUSH" | "PULL" | "BIDIRECTIONAL";

/** A small deterministic generator (mulberry32): the same catalogue on every machine. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  return { next, int, pick };
}

type Stage = "JOINED" | "VALIDATING" | "LIVE" | "AT_RISK" | "DELISTED";
const stageOf = (i: number): Stage => (i < 6 ? "JOINED" : i < 12 ? "VALIDATING" : i < 55 ? "LIVE" : i < 58 ? "AT_RISK" : "DELISTED");

/** Loads the catalogue once (false when it is there already). Needs the named demo data (staff, agreements, categories). */
export async function seedDemoCatalogue(program: Program, opts: { seed?: number; partners?: number } = {}): Promise<boolean> {
  const g = generator(opts.seed ?? CATALOGUE_SEED);
  const count = opts.partners ?? 60;
  const names = FIRST.flatMap((f) => SECOND.map((s) => `${f} ${s}`)).slice(0, count);
  const slugOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  const prisma = program.prisma;
  if (await prisma.partner.findUnique({ where: { slug: slugOf(names[0]!) } })) return false;
  const staff = await prisma.staffUser.findUniqueOrThrow({ where: { email: "pat@program.example" } });
  const manager = await prisma.staffUser.findUniqueOrThrow({ where: { email: "ivy@program.example" } });
  const docs = await prisma.agreementDocument.findMany({ where: { version: 1 } });
  const categories = new Map((await prisma.category.findMany()).map((c) => [c.slug, c.id]));
  const today = program.today();
  const daysAgo = (n: number) => new Date(today.getTime() - n * DAY);
  const monthStart = (back: number) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1));

  const rows = {
    partners: [] as object[], members: [] as object[], tierYears: [] as object[], signatures: [] as object[], apps: [] as object[],
    customers: [] as object[], validations: [] as object[], checks: [] as object[], listings: [] as object[], revisions: [] as object[],
    links: [] as object[], usage: [] as object[], leads: [] as object[], inquiries: [] as object[],
  };
  const live: { id: string; revisionId: string; state: "LIVE" | "AT_RISK" | "DELISTED"; firstLiveAt: Date; stateChangedAt: Date; atRiskSince: Date | null; atRiskDeadline: Date | null }[] = [];
  const events: NewEvent[] = [];
  const ev = <T extends EventType>(type: T, subjectId: string, extra: Omit<NewEventOf<T>, "type" | "actor" | "subjectId"> = {}) =>
    events.push({ type, actor: systemActor, subjectId, reason: "demo catalogue", ...extra } as NewEventOf<T> as NewEvent);

  names.forEach((name, i) => {
    const stage = stageOf(i);
    const partnerId = randomUUID();
    const slug = slugOf(name);
    const tier: Tier = stage === "LIVE" ? g.pick(TIERS) : "FOUNDATION";
    const joined = daysAgo(g.int(400, 900));
    rows.partners.push({ id: partnerId, name, slug, website: `https://${slug}.example`, tierKey: tier, createdAt: joined });
    const adminId = randomUUID();
    rows.members.push({ id: adminId, partnerId, email: `admin@${slug}.example`, name: `${name.split(" ")[0]} Admin`, role: "ADMIN", joinedAt: joined });
    rows.tierYears.push({ partnerId, year: joined.getUTCFullYear(), tierKey: "FOUNDATION", source: "ENTRY", setAt: joined });
    if (tier !== "FOUNDATION") rows.tierYears.push({ partnerId, year: today.getUTCFullYear(), tierKey: tier, source: "RECORDED", setAt: today });
    ev("partner.joined", partnerId, { partnerId, after: { name, slug, tier, admin: `admin@${slug}.example` } });
    if (stage === "JOINED") return;
    for (const doc of docs) {
      rows.signatures.push({ partnerId, documentId: doc.id, signedById: adminId, signedAt: new Date(joined.getTime() + 3 * DAY) });
      ev("agreement.signed", partnerId, { partnerId, after: { kind: doc.kind, version: doc.version, bodySha256: doc.bodySha256 } });
    }
    const appCount = stage === "LIVE" ? g.pick([2, 3, 3, 3]) : 1;
    const topicStart = g.int(0, TOPICS.length - 1);
    for (let k = 0; k < appCount; k++) {
      const topic = TOPICS[(topicStart + k * 3) % TOPICS.length]!;
      const finance = topic.category === "accounting" || topic.category === "erp";
      const kind = g.next() < (finance ? 0.7 : 0.35) ? "DATA_CONNECTOR" : "OTHER";
      const dataFlow: Flow = g.next() < (finance ? 0.6 : 0.3) ? "BIDIRECTIONAL" : g.pick(["PUSH", "PULL"] as const);
      const appName = `${name.split(" ")[0]} ${g.pick(topic.nouns)}`.slice(0, 30);
      const appId = randomUUID();
      const launched = stage === "VALIDATING" ? null : daysAgo(g.int(120, 380));
      rows.apps.push({ id: appId, partnerId, name: appName, kind, dataFlow, launchedAt: launched, createdAt: new Date(joined.getTime() + 10 * DAY) });
      ev("app.created", appId, { partnerId, after: { name: appName, kind, dataFlow } });
      const customerId = randomUUID();
      rows.customers.push({ id: customerId, appId, customerRef: `cust-${slug}-${k}`, customerName: `${g.pick(FIRST)} Builders`, installedAt: daysAgo(420), firstUsedAt: daysAgo(415), lastUsedAt: daysAgo(g.int(1, 30)), usageCount: g.int(5, 60) });
      const marketplaces: ("COMMERCIAL" | "FEDRAMP")[] = stage === "LIVE" && g.next() < 0.15 ? ["COMMERCIAL", "FEDRAMP"] : ["COMMERCIAL"];
      for (const marketplace of marketplaces) {
        const validationId = randomUUID();
        const passed = stage !== "VALIDATING";
        rows.validations.push({
          id: validationId, appId, marketplace, attempt: 1, status: passed ? "PASSED" : g.pick(["REQUESTED", "IN_PROGRESS"] as const), openSlot: passed ? null : "open",
          requestedById: adminId, requestedAt: daysAgo(passed ? 430 : 6), integrationManagerId: passed || g.next() < 0.5 ? manager.id : null,
          assignedAt: passed ? daysAgo(428) : null, completedAt: passed ? daysAgo(425) : null, outcomeNotes: passed ? "All checks passed." : null, testCustomerId: customerId,
        });
        if (passed) {
          for (const check of ["DEMONSTRATION", "IMPLEMENTATION_UNDERSTANDING", ...(kind === "DATA_CONNECTOR" ? ["DATA_TRANSFER"] : [])]) {
            rows.checks.push({ validationId, kind: check, passed: true, notes: "Seen working.", recordedById: manager.id, recordedAt: daysAgo(426) });
          }
          ev("validation.passed", validationId, { partnerId, appId, marketplace, before: { status: "IN_PROGRESS" }, after: { status: "PASSED", app: appName, attempt: 1, purpose: "INITIAL" } });
        } else {
          ev("validation.requested", validationId, { partnerId, appId, marketplace, after: { app: appName, attempt: 1, purpose: "INITIAL", status: "REQUESTED" } });
        }
        const listingId = randomUUID();
        const revisionId = randomUUID();
        const listingName = `${appName}${marketplace === "FEDRAMP" ? " Gov" : ""}`.slice(0, 30);
        const state = stage === "VALIDATING" ? "DRAFT" : stage === "LIVE" ? (g.next() < 0.04 ? "AT_RISK" : "LIVE") : stage === "AT_RISK" ? "AT_RISK" : "DELISTED";
        rows.listings.push({ id: listingId, appId, partnerId, marketplace, createdAt: daysAgo(424) });
        const shown = state !== "DRAFT";
        const updated = shown ? daysAgo(g.next() < 0.2 ? g.int(1, 20) : g.int(60, 380)) : null;
        rows.revisions.push({
          id: revisionId, listingId, number: 1, status: shown ? "APPROVED" : "DRAFT", openSlot: shown ? null : "open",
          name: listingName, tagline: `${topic.nouns[0]} in ${dataFlow === "BIDIRECTIONAL" ? "two-way" : "one-way"} sync`.slice(0, 40),
          summary: `${listingName} keeps ${topic.syncs} in ${dataFlow === "BIDIRECTIONAL" ? "two-way" : "one-way"} sync with your construction projects. ` +
            `Project managers, finance and field teams work from the same numbers; set-up takes minutes and needs no custom code.`,
          howItWorks: "Install from the marketplace, sign in, pick the projects to sync.",
          features: [`${topic.nouns[0]} sync`, kind === "DATA_CONNECTOR" ? "Field-level mapping" : "Project templates", "Audit trail"],
          contactKind: g.next() < 0.7 ? "CONTACT_FORM" : "LEARN_MORE_LINK", contactEmail: `sales@${slug}.example`, learnMoreUrl: `https://${slug}.example/marketplace`,
          websiteUrl: `https://${slug}.example`, screenshots: [], createdById: adminId, createdAt: daysAgo(424), submittedAt: updated, reviewedAt: updated, reviewedById: shown ? staff.id : null,
        });
        const cats = new Set([topic.category, ...(g.next() < 0.35 ? [g.pick(TOPICS).category] : [])]);
        for (const slugC of cats) rows.links.push({ revisionId, categoryId: categories.get(slugC)! });
        ev("listing.created", listingId, { partnerId, appId, listingId, marketplace, after: { state: "DRAFT", app: appName, name: listingName } });
        if (!shown) continue;
        const firstLiveAt = launched!;
        const atRiskSince = state === "AT_RISK" ? daysAgo(g.int(3, 20)) : null;
        const atRiskDeadline = atRiskSince ? new Date(atRiskSince.getTime() + 30 * DAY) : null;
        live.push({ id: listingId, revisionId, state, firstLiveAt, stateChangedAt: atRiskSince ?? (state === "DELISTED" ? daysAgo(15) : firstLiveAt), atRiskSince, atRiskDeadline });
        ev("listing.live", listingId, { partnerId, appId, listingId, marketplace, publicChange: true, before: { state: "IN_REVIEW", liveRevision: null }, after: { state: "LIVE", revision: 1, revisionStatus: "APPROVED" } });
        const snapshot = (s: "LIVE" | "AT_RISK" | "DELISTED") => ({ state: s, atRiskSince: s === "LIVE" ? null : atRiskSince?.toISOString() ?? null, atRiskDeadline: s === "AT_RISK" ? atRiskDeadline!.toISOString() : null, delistReason: s === "DELISTED" ? ("LOW_USAGE" as const) : null });
        if (state === "AT_RISK") ev("listing.low-usage-notice", listingId, { partnerId, appId, listingId, marketplace, publicChange: true, before: snapshot("LIVE"), after: snapshot("AT_RISK") });
        if (state === "DELISTED") ev("listing.delisted", listingId, { partnerId, appId, listingId, marketplace, publicChange: true, before: { state: "AT_RISK" }, after: { state: "DELISTED", reason: "LOW_USAGE" } });
        // A year of usage: busier for higher tiers; silent lately when at risk or delisted.
        if (marketplace === "FEDRAMP") continue;
        const base = { FOUNDATION: 8, SELECT: 40, ELITE: 110, PREMIER: 260 }[tier] * (0.6 + g.next());
        for (let back = 12; back >= 1; back--) {
          const active = state === "LIVE" ? Math.round(base * (1 + (12 - back) * 0.03)) : back > 9 ? 1 : 0;
          rows.usage.push({ appId, month: monthStart(back), activeCustomers: active, installs: Math.ceil(active / 6), uninstalls: Math.floor(active / 25), pushCalls: BigInt(active * 1100), pullCalls: BigInt(dataFlow === "BIDIRECTIONAL" ? active * 800 : dataFlow === "PULL" ? active * 900 : 0) });
        }
        // Inquiries through the contact form; most answered within a day.
        for (let q = g.int(0, 3); q > 0; q--) {
          const inquiryId = randomUUID();
          const at = daysAgo(g.int(1, 90));
          const answered = g.next() < 0.7;
          const seconds = g.int(600, 100_000);
          const from = `buyer${q}@${g.pick(FIRST).toLowerCase()}-builders.example`;
          rows.inquiries.push({ id: inquiryId, listingId, partnerId, senderName: `${g.pick(FIRST)} Buyer`, senderEmail: from, senderCompany: `${g.pick(FIRST)} Builders`,
            message: `Does ${listingName} sync ${topic.syncs.split(",")[0]} for our projects?`, createdAt: at, respondedAt: answered ? new Date(at.getTime() + seconds * 1000) : null,
            respondedById: answered ? adminId : null, response: answered ? "Yes: it syncs those both ways; happy to show you." : null, responseSeconds: answered ? seconds : null });
          ev("inquiry.received", inquiryId, { partnerId, listingId, marketplace, after: { from } });
          if (answered) ev("inquiry.answered", inquiryId, { partnerId, listingId, marketplace, after: { responseSeconds: seconds } });
        }
      }
    }
    // Leads sent to the program over the last year.
    if (stage === "LIVE") {
      for (let n = g.int(0, 8); n > 0; n--) {
        const leadId = randomUUID();
        const at = daysAgo(g.int(5, 360));
        const status = g.pick(["NEW", "ACCEPTED", "WON", "WON", "LOST", "REJECTED"] as const);
        const company = `${g.pick(FIRST)} Construction`;
        rows.leads.push({ id: leadId, partnerId, company, contactName: "Sam Buyer", contactEmail: `sam${n}@${slug}-lead.example`,
          details: `Interested in ${name}'s integrations for ${g.int(5, 80)} projects.`, status, submittedById: adminId, createdAt: at, statusChangedAt: status === "NEW" ? at : new Date(at.getTime() + 9 * DAY), triagedById: status === "NEW" ? null : staff.id });
        ev("lead.sent", leadId, { partnerId, after: { company, status: "NEW" } });
        if (status !== "NEW") ev("lead.triaged", leadId, { partnerId, before: { status: "NEW" }, after: { status } });
      }
    }
  });
  ev("usage.recorded", randomUUID(), { after: { rows: rows.usage.length, created: rows.usage.length, replaced: 0, apps: new Set(rows.usage.map((u) => (u as { appId: string }).appId)).size, firstMonth: monthKey(monthStart(12)), lastMonth: monthKey(monthStart(1)) } });

  await changeInBatch(program, async (tx) => {
    const t = tx as unknown as Record<string, { createMany(args: { data: object[] }): Promise<unknown> }>;
    for (const [model, data] of [
      ["partner", rows.partners], ["partnerMember", rows.members], ["partnerTierYear", rows.tierYears], ["agreementSignature", rows.signatures],
      ["app", rows.apps], ["testCustomer", rows.customers], ["appValidation", rows.validations], ["validationCheck", rows.checks],
      ["listing", rows.listings], ["listingRevision", rows.revisions], ["listingRevisionCategory", rows.links], ["usageMonth", rows.usage],
      ["lead", rows.leads], ["inquiry", rows.inquiries],
    ] as const) {
      if (data.length) await t[model]!.createMany({ data: [...data] });
    }
    // The listings shown: their live revision, state and dates, in one statement.
    await tx.$executeRawUnsafe(
      `UPDATE "Listing" l SET "state" = r.state::"ListingState", "liveRevisionId" = r."revisionId", "firstLiveAt" = r."firstLiveAt",
         "stateChangedAt" = r."stateChangedAt", "atRiskSince" = r."atRiskSince", "atRiskDeadline" = r."atRiskDeadline",
         "delistReason" = CASE WHEN r.state = 'DELISTED' THEN 'LOW_USAGE'::"DelistReason" END
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, state text, "revisionId" uuid, "firstLiveAt" timestamptz, "stateChangedAt" timestamptz,
         "atRiskSince" timestamptz, "atRiskDeadline" timestamptz)
       WHERE l.id = r.id`,
      JSON.stringify(live),
    );
    return { result: undefined, lastPosition: await appendEvents(tx, events, program.now()) };
  });
  return true;
}
