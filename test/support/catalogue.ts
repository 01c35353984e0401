// Storefront listings in bulk, written set-based (one statement per table, whatever the count), for
// the marketplace tests and the benchmark. Each listing is described by a spec; the partners, apps,
// revisions, categories and usage behind it are written for it. No events: these rows stand for a
// catalogue that already exists, not for changes the program made.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { demoCategories } from "../../src/seed/demo.js";

export interface ListingSpec {
  name: string;
  tagline?: string;
  summary?: string;
  features?: string[];
  /** Category slugs (from the demo category list). */
  categories?: string[];
  /** Listings that share a partner slug share the partner. */
  partner?: string;
  tier?: "FOUNDATION" | "SELECT" | "ELITE" | "PREMIER";
  kind?: "DATA_CONNECTOR" | "OTHER";
  dataFlow?: "PUSH" | "PULL" | "BIDIRECTIONAL";
  marketplace?: "COMMERCIAL" | "FEDRAMP";
  state?: "LIVE" | "AT_RISK" | "DRAFT" | "DELISTED";
  /** When the listing first went live; its live content was approved then too, unless contentUpdatedAt says otherwise. */
  firstLiveAt?: Date;
  contentUpdatedAt?: Date;
  /** Monthly active customers for each of the months before `today`'s month, most recent first. */
  activeCustomers?: number[];
  screenshots?: string[];
  videoUrl?: string | null;
  contactKind?: "CONTACT_FORM" | "LEARN_MORE_LINK";
}

export interface Catalogue {
  /** Listing ids in the order of the specs. */
  listingIds: string[];
  appIds: string[];
  partnerIds: Map<string, string>;
}

const DAY = 86_400_000;

/** Writes the listings; `today` anchors the usage months and the default dates. */
export async function insertCatalogue(prisma: PrismaClient, specs: readonly ListingSpec[], today: Date): Promise<Catalogue> {
  await prisma.$executeRawUnsafe(
    `INSERT INTO "Category" ("slug", "name") SELECT s, n FROM jsonb_to_recordset($1::jsonb) AS r(s text, n text) ON CONFLICT ("slug") DO NOTHING`,
    JSON.stringify(demoCategories.map(([s, n]) => ({ s, n }))),
  );
  const batch = randomUUID().slice(0, 8);
  const partnerIds = new Map<string, string>();
  const partners: { id: string; slug: string; name: string; tier: string }[] = [];
  const apps: object[] = [];
  const listings: object[] = [];
  const revisions: object[] = [];
  const links: object[] = [];
  const usage: object[] = [];
  const listingIds: string[] = [];
  const appIds: string[] = [];
  const month = (back: number) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1)).toISOString().slice(0, 10);
  specs.forEach((s, i) => {
    const slug = s.partner ?? `${batch}-partner-${i}`;
    let partnerId = partnerIds.get(slug);
    if (!partnerId) {
      partnerId = randomUUID();
      partnerIds.set(slug, partnerId);
      partners.push({ id: partnerId, slug, name: slug.replace(/-/g, " "), tier: s.tier ?? "FOUNDATION" });
    }
    const appId = randomUUID();
    const listingId = randomUUID();
    const revisionId = randomUUID();
    appIds.push(appId);
    listingIds.push(listingId);
    const state = s.state ?? "LIVE";
    const shown = state === "LIVE" || state === "AT_RISK" || state === "DELISTED";
    const firstLiveAt = shown ? (s.firstLiveAt ?? new Date(today.getTime() - 200 * DAY)) : null;
    const approvedAt = shown ? (s.contentUpdatedAt ?? firstLiveAt) : null;
    apps.push({ id: appId, partnerId, name: `${s.name} ${i}`, kind: s.kind ?? "OTHER", dataFlow: s.dataFlow ?? "PUSH", launchedAt: firstLiveAt });
    listings.push({
      id: listingId, appId, partnerId, marketplace: s.marketplace ?? "COMMERCIAL", state,
      liveRevisionId: shown ? revisionId : null, firstLiveAt,
      atRiskSince: state === "AT_RISK" ? new Date(today.getTime() - 5 * DAY) : null,
      atRiskDeadline: state === "AT_RISK" ? new Date(today.getTime() + 25 * DAY) : null,
      delistReason: state === "DELISTED" ? "STAFF_DECISION" : null,
    });
    revisions.push({
      id: revisionId, listingId, status: shown ? "APPROVED" : "DRAFT", openSlot: shown ? null : "open",
      name: s.name, tagline: s.tagline ?? `${s.name} for builders`.slice(0, 40),
      summary: s.summary ?? `${s.name} keeps project data in sync between the platform and the tools teams use every day. `.repeat(3),
      howItWorks: "Install, sign in, pick the projects to sync.", features: s.features ?? ["Two-way sync", "Audit trail"],
      contactKind: s.contactKind ?? "CONTACT_FORM", contactEmail: "sales@example.com", learnMoreUrl: s.contactKind === "LEARN_MORE_LINK" ? "https://example.com/more" : null,
      websiteUrl: "https://example.com", screenshots: s.screenshots ?? [], videoUrl: s.videoUrl ?? null,
      createdById: partnerId, reviewedAt: approvedAt, submittedAt: approvedAt,
    });
    for (const c of s.categories ?? ["analytics"]) links.push({ revisionId, slug: c });
    (s.activeCustomers ?? []).forEach((n, back) =>
      usage.push({ appId, month: month(back + 1), activeCustomers: n, installs: Math.ceil(n / 5), uninstalls: 0, pushCalls: n * 100, pullCalls: 0 }));
  });

  const json = (rows: readonly object[]) => JSON.stringify(rows);
  await prisma.$executeRawUnsafe(
    `INSERT INTO "Partner" ("id", "name", "slug", "tierKey")
     SELECT r.id, r.name, r.slug, r.tier FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, name text, slug text, tier text)`,
    json(partners),
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO "App" ("id", "partnerId", "name", "kind", "dataFlow", "launchedAt")
     SELECT r.id, r."partnerId", r.name, r.kind::"AppKind", r."dataFlow"::"DataFlow", r."launchedAt"
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "partnerId" uuid, name text, kind text, "dataFlow" text, "launchedAt" timestamptz)`,
    json(apps),
  );
  // Listings first without their live revision (the revision needs the listing), then linked.
  await prisma.$executeRawUnsafe(
    `INSERT INTO "Listing" ("id", "appId", "partnerId", "marketplace", "state", "firstLiveAt", "stateChangedAt", "atRiskSince", "atRiskDeadline", "delistReason", "updatedAt")
     SELECT r.id, r."appId", r."partnerId", r.marketplace::"Marketplace", 'DRAFT', r."firstLiveAt", coalesce(r."firstLiveAt", now()), r."atRiskSince", NULL, NULL, now()
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "appId" uuid, "partnerId" uuid, marketplace text, "firstLiveAt" timestamptz, "atRiskSince" timestamptz)`,
    json(listings),
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO "ListingRevision" ("id", "listingId", "number", "status", "openSlot", "name", "tagline", "summary", "howItWorks", "features",
       "contactKind", "contactEmail", "learnMoreUrl", "websiteUrl", "screenshots", "videoUrl", "createdById", "submittedAt", "reviewedAt")
     SELECT r.id, r."listingId", 1, r.status::"RevisionStatus", r."openSlot", r.name, r.tagline, r.summary, r."howItWorks",
       ARRAY(SELECT jsonb_array_elements_text(r.features)), r."contactKind"::"ContactKind", r."contactEmail", r."learnMoreUrl", r."websiteUrl",
       ARRAY(SELECT jsonb_array_elements_text(r.screenshots)), r."videoUrl", r."createdById", r."submittedAt", r."reviewedAt"
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "listingId" uuid, status text, "openSlot" text, name text, tagline text, summary text,
       "howItWorks" text, features jsonb, "contactKind" text, "contactEmail" text, "learnMoreUrl" text, "websiteUrl" text,
       screenshots jsonb, "videoUrl" text, "createdById" uuid, "submittedAt" timestamptz, "reviewedAt" timestamptz)`,
    json(revisions),
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO "ListingRevisionCategory" ("revisionId", "categoryId")
     SELECT r."revisionId", c.id FROM jsonb_to_recordset($1::jsonb) AS r("revisionId" uuid, slug text) JOIN "Category" c ON c.slug = r.slug`,
    json(links),
  );
  await prisma.$executeRawUnsafe(
    `UPDATE "Listing" l SET "state" = r.state::"ListingState", "liveRevisionId" = r."liveRevisionId",
       "atRiskDeadline" = r."atRiskDeadline", "delistReason" = r."delistReason"::"DelistReason"
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, state text, "liveRevisionId" uuid, "atRiskDeadline" timestamptz, "delistReason" text)
     WHERE l.id = r.id`,
    json(listings),
  );
  if (usage.length) {
    await prisma.$executeRawUnsafe(
      `INSERT INTO "UsageMonth" ("appId", "month", "activeCustomers", "installs", "uninstalls", "pushCalls", "pullCalls")
       SELECT r."appId", r.month, r."activeCustomers", r.installs, r.uninstalls, r."pushCalls", r."pullCalls"
       FROM jsonb_to_recordset($1::jsonb) AS r("appId" uuid, month date, "activeCustomers" int, installs int, uninstalls int, "pushCalls" bigint, "pullCalls" bigint)`,
      json(usage),
    );
  }
  return { listingIds, appIds, partnerIds };
}

// About 150 words, so a word is in roughly one listing in six and a search narrows as it would.
const WORDS = [
  "budget", "schedule", "drawing", "invoice", "crew", "safety", "punch", "submittal", "estimate", "payroll", "timesheet", "equipment",
  "inspection", "warranty", "bid", "contract", "change", "order", "rfi", "photo", "document", "model", "takeoff", "forecast",
  "cost", "vendor", "subcontractor", "compliance", "weather", "concrete", "steel", "permit", "closeout", "handover", "report", "dashboard",
  "ledger", "accounts", "payable", "receivable", "retention", "lien", "waiver", "commitment", "variance", "accrual", "margin", "cashflow",
  "crane", "rental", "fleet", "telematics", "fuel", "maintenance", "tool", "inventory", "procurement", "purchase", "quote", "catalog",
  "bim", "clash", "coordination", "markup", "sheet", "revision", "transmittal", "specification", "plan", "elevation", "survey", "drone",
  "laser", "scan", "point", "cloud", "site", "logistics", "delivery", "gate", "badge", "access", "visitor", "training",
  "certification", "incident", "observation", "hazard", "toolbox", "talk", "checklist", "audit", "quality", "defect", "snag", "commissioning",
  "energy", "carbon", "sustainability", "waste", "recycling", "water", "noise", "dust", "sensor", "iot", "monitoring", "alert",
  "labor", "union", "prevailing", "wage", "certified", "hours", "overtime", "shift", "dispatch", "field", "office", "mobile",
  "offline", "signature", "approval", "workflow", "portal", "owner", "architect", "engineer", "tenant", "lease", "facility", "asset",
  "handoff", "analytics", "insight", "benchmark", "productivity", "progress", "milestone", "gantt", "lookahead", "pull", "planning", "resource",
];
const NAMES = ["Atlas", "Beacon", "Cedar", "Delta", "Ember", "Flint", "Granite", "Harbor", "Iris", "Juniper", "Keystone", "Lumen", "Mason", "Nimbus", "Onyx", "Pioneer", "Quarry", "Ridge", "Summit", "Timber"];
const TIERS = ["FOUNDATION", "FOUNDATION", "FOUNDATION", "SELECT", "SELECT", "ELITE", "PREMIER"] as const;
const FLOWS = ["PUSH", "PULL", "BIDIRECTIONAL"] as const;

/** A deterministic catalogue of `n` listings with varied words, categories, tiers, flows and usage (benchmarks). */
export function generatedSpecs(n: number, opts: { seed?: number; state?: ListingSpec["state"] } = {}): ListingSpec[] {
  let x = opts.seed ?? 42;
  const rnd = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  const slugs = demoCategories.map(([s]) => s);
  const specs: ListingSpec[] = [];
  for (let i = 0; i < n; i++) {
    const w = () => pick(WORDS);
    const name = `${pick(NAMES)} ${w()} ${i}`.slice(0, 30);
    const cats = new Set([pick(slugs), ...(rnd() < 0.5 ? [pick(slugs)] : [])]);
    specs.push({
      name,
      tagline: `${w()} and ${w()} in sync`.slice(0, 40),
      summary: `${Array.from({ length: 16 }, w).join(" ")}. ${Array.from({ length: 12 }, w).join(" ")}.`,
      features: [`${w()} ${w()}`, `${w()} sync`, `${w()} alerts`],
      categories: [...cats],
      partner: `bench-partner-${Math.floor(i / 3)}`,
      tier: TIERS[Math.floor(i / 3) % TIERS.length],
      kind: rnd() < 0.4 ? "DATA_CONNECTOR" : "OTHER",
      dataFlow: pick(FLOWS),
      state: opts.state ?? (rnd() < 0.05 ? "AT_RISK" : "LIVE"),
      firstLiveAt: new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 700) * DAY),
      activeCustomers: [Math.floor(rnd() * 400), Math.floor(rnd() * 400), Math.floor(rnd() * 400)],
    });
  }
  return specs;
}
