// Shared by the usage and tier tests: partners built straight in the database (fast) with live
// apps, usage, leads and inquiries. GraphQL calls are test/support/mutate.ts's.
import type { TestService } from "../support/harness.js";

export const utc = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

type Prisma = TestService["service"]["program"]["prisma"];

export interface BuiltApp { id: string; listingId: string | null }

/**
 * A partner with apps; each app with `live` has a LIVE commercial listing (with its approved
 * revision) since `launchedAt`. Written directly: these tests are about usage and tiers. Its tier
 * history starts in the year it joined, at `tierKey` (the entry tier, or one recorded as held then).
 */
export async function buildPartner(prisma: Prisma, slug: string, apps: { name: string; flow: "PUSH" | "PULL" | "BIDIRECTIONAL"; launchedAt: string; live?: boolean }[], opts: { tierKey?: string; createdAt?: string } = {}) {
  const tierKey = opts.tierKey ?? "FOUNDATION";
  const createdAt = utc(opts.createdAt ?? "2024-01-01");
  const partner = await prisma.partner.create({ data: { slug, name: slug, tierKey, createdAt } });
  await prisma.partnerTierYear.create({ data: { partnerId: partner.id, year: createdAt.getUTCFullYear(), tierKey, source: tierKey === "FOUNDATION" ? "ENTRY" : "RECORDED", setAt: createdAt } });
  const member = await prisma.partnerMember.create({ data: { partnerId: partner.id, email: `admin@${slug}.example`, name: "Admin", role: "ADMIN", joinedAt: createdAt } });
  const built: BuiltApp[] = [];
  for (const a of apps) built.push(await addApp(prisma, partner.id, member.id, a));
  return { partner, member, apps: built };
}

/** An app of the partner; with `live` (the default) LIVE on the Commercial marketplace since `launchedAt`. */
export async function addApp(prisma: Prisma, partnerId: string, memberId: string, a: { name: string; flow: "PUSH" | "PULL" | "BIDIRECTIONAL"; launchedAt: string; live?: boolean }): Promise<BuiltApp> {
  const app = await prisma.app.create({ data: { partnerId, name: a.name, kind: "OTHER", dataFlow: a.flow, launchedAt: utc(a.launchedAt), createdAt: utc(a.launchedAt) } });
  if (a.live === false) return { id: app.id, listingId: null };
  const listing = await prisma.listing.create({ data: { appId: app.id, partnerId, marketplace: "COMMERCIAL", firstLiveAt: utc(a.launchedAt), createdAt: utc(a.launchedAt) } });
  const rev = await prisma.listingRevision.create({
    data: { listingId: listing.id, number: 1, status: "APPROVED", name: a.name.slice(0, 30), tagline: "Tagline", summary: "S".repeat(200), contactKind: "LEARN_MORE_LINK", learnMoreUrl: "https://example.com", createdById: memberId },
  });
  await prisma.listing.update({ where: { id: listing.id }, data: { state: "LIVE", liveRevisionId: rev.id } });
  return { id: app.id, listingId: listing.id };
}

/** The same usage every month from `from` to `to` (YYYY-MM, inclusive). */
export async function monthlyUsage(prisma: Prisma, appId: string, from: string, to: string, u: { activeCustomers: number; installs?: number; uninstalls?: number; pushCalls?: number; pullCalls?: number }) {
  const rows = [];
  const [fy, fm] = from.split("-").map(Number) as [number, number];
  const [ty, tm] = to.split("-").map(Number) as [number, number];
  for (let i = fy * 12 + fm - 1; i <= ty * 12 + tm - 1; i++) {
    rows.push({
      appId, month: new Date(Date.UTC(Math.floor(i / 12), i % 12, 1)), activeCustomers: u.activeCustomers, installs: u.installs ?? 0, uninstalls: u.uninstalls ?? 0,
      pushCalls: BigInt(u.pushCalls ?? 0), pullCalls: BigInt(u.pullCalls ?? 0),
    });
  }
  await prisma.usageMonth.createMany({ data: rows });
}

export async function leads(prisma: Prisma, partnerId: string, memberId: string, list: { at: string; status: "NEW" | "ACCEPTED" | "WON" | "LOST" | "REJECTED"; decidedAt?: string }[]) {
  await prisma.lead.createMany({
    data: list.map((l, i) => ({
      partnerId, company: `Co ${i}`, contactName: "C", contactEmail: `c${i}@x.example`, details: "d", status: l.status, submittedById: memberId,
      createdAt: utc(l.at), statusChangedAt: utc(l.decidedAt ?? l.at),
    })),
  });
}
