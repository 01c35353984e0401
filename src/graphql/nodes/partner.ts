import { builder } from "../builder.js";
import { fromStorefrontRow } from "../storefront-rows.js";
import type { StorefrontPartner } from "../../program/storefront.js";
import { TierBadge, tierBadgeOf } from "./tier-badge.js";
import { answeredWithoutQuery, uuidOrNil } from "../ids.js";
import { eventWhere, partnerWhere, privatePartnerId } from "../../program/visibility.js";
import { visibleMarketplaces } from "../../domain/listings/marketplaces.js";
import { AgreementKindEnum, PartnerRoleEnum } from "../enums.js";
import { standingOf } from "../../program/facts.js";
import type { AgreementStanding } from "../../domain/partners.js";
import { InvalidInput } from "../../program/refusals.js";
import { currentTier, tierProgress, tierWhatIf } from "../../program/tiers.js";
import { PartnerTierType, TierProgressType, TierWhatIfInput, TierWhatIfType } from "./tier.js";

const AgreementDocumentStandingType = builder.objectRef<AgreementStanding["documents"][number]>("AgreementDocumentStanding").implement({
  fields: (t) => ({
    kind: t.field({ type: AgreementKindEnum, resolve: (d) => d.kind }),
    title: t.exposeString("title"),
    currentVersion: t.exposeInt("currentVersion", { nullable: true }),
    signedVersion: t.exposeInt("signedVersion", { nullable: true }),
    signedAt: t.field({ type: "DateTime", nullable: true, resolve: (d) => d.signedAt }),
    status: t.exposeString("status", { description: "CURRENT, OUTDATED (re-sign), MISSING or NOT_PUBLISHED." }),
  }),
});

const AgreementStandingType = builder.objectRef<AgreementStanding>("AgreementStanding").implement({
  fields: (t) => ({
    inProgram: t.exposeBoolean("inProgram"),
    needsResign: t.exposeBoolean("needsResign"),
    documents: t.field({ type: [AgreementDocumentStandingType], resolve: (s) => [...s.documents] }),
  }),
});

const own = (parent: { id: string }) => ({ ownPartner: parent.id });
/** Private to the partner and program staff, not integration managers (visibility.ts). */
const privateTo = (parent: { id: string }) => ({ partnerPrivate: parent.id });

export const PartnerNode = builder.prismaNode("Partner", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id: uuidOrNil(id), AND: [partnerWhere(ctx.viewer)] }),
  fields: (t) => ({
    name: t.exposeString("name"),
    slug: t.exposeString("slug"),
    website: t.exposeString("website", { nullable: true }),
    tier: t.exposeString("tierKey", { description: "The partner's tier key in the current program policy (R-TIER-1)." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    members: t.relatedConnection("members", {
      cursor: "id",
      authScopes: privateTo,
      query: { where: { removedAt: null }, orderBy: { joinedAt: "asc" } },
    }),
    apps: t.relatedConnection("apps", { cursor: "id", authScopes: own, query: { orderBy: { createdAt: "asc" } } }),
    signatures: t.relation("signatures", { authScopes: privateTo, query: { orderBy: { signedAt: "asc" } } }),
    leads: t.relatedConnection("leads", { cursor: "id", authScopes: privateTo, query: { orderBy: { createdAt: "desc" } } }),
    inquiries: t.relatedConnection("inquiries", {
      cursor: "id",
      authScopes: privateTo,
      description: "Contact-form inquiries, newest first; those sent through a FedRAMP listing only with clearance (R-LIST-6).",
      query: (_args, ctx) => ({ where: { listing: { marketplace: { in: visibleMarketplaces(ctx.viewer) } } }, orderBy: { createdAt: "desc" } }),
    }),
    assessments: t.relation("assessments", { authScopes: privateTo, query: { orderBy: [{ year: "desc" }, { assessedAt: "desc" }] } }),
    premierInvitations: t.relation("invitations", { authScopes: privateTo, query: { orderBy: { invitedAt: "desc" } } }),
    agreementStanding: t.field({
      type: AgreementStandingType,
      authScopes: privateTo,
      description: "Whether the partner is in the program (R-PART-2) or must re-sign a newer version (R-PART-5).",
      resolve: (p, _args, ctx) => standingOf(ctx.prisma, p.id),
    }),
    apiTokens: t.relation("apiTokens", {
      authScopes: privateTo,
      description: "The partner's API tokens (never their secrets), newest first.",
      query: { orderBy: { createdAt: "desc" } },
    }),
    currentTier: t.field({
      type: PartnerTierType,
      authScopes: privateTo,
      errors: {},
      description: "The tier held in a program year (default: the program's current year), as it was, with where it came from (R-TIER-2).",
      args: { year: t.arg.int({ required: false }) },
      resolve: (p, args, ctx) => currentTier(ctx.prisma, p.id, args.year ?? ctx.program.today().getUTCFullYear(), ctx.program.today()),
    }),
    tierProgress: t.field({
      type: TierProgressType,
      authScopes: privateTo,
      errors: {},
      description: "R-TIER-9: progress toward the next tier over the year to date (informational only).",
      args: { asOf: t.arg({ type: "Date", required: false, description: "Default: the program's today." }) },
      resolve: (p, args, ctx) => tierProgress(ctx.prisma, p.id, args.asOf ?? ctx.program.today(), visibleMarketplaces(ctx.viewer)),
    }),
    tierWhatIf: t.field({
      type: TierWhatIfType,
      authScopes: privateTo,
      errors: {},
      description: "What tier the assessment would give with these changes, explained the same way. Changes nothing.",
      args: {
        adjustments: t.arg({ type: TierWhatIfInput, required: true }),
        year: t.arg.int({ required: false, description: "The year to assess (default: the year of asOf, so far)." }),
        asOf: t.arg({ type: "Date", required: false }),
      },
      resolve: (p, { adjustments: a, year, asOf }, ctx) => {
        const problems = [];
        if (a.retention != null && !(a.retention >= 0 && a.retention <= 1)) problems.push({ field: "adjustments.retention", message: "must be from 0 to 1" });
        if (a.medianResponseHours != null && !(a.medianResponseHours >= 0)) problems.push({ field: "adjustments.medianResponseHours", message: "must be 0 or more" });
        if (problems.length) throw new InvalidInput(problems);
        const when = asOf ?? ctx.program.today();
        return tierWhatIf(ctx.prisma, p.id, {
          ...(a.activeCustomersDelta != null ? { activeCustomersDelta: a.activeCustomersDelta } : {}),
          ...(a.liveAppsDelta != null ? { liveAppsDelta: a.liveAppsDelta } : {}),
          ...(a.leadsSentDelta != null ? { leadsSentDelta: a.leadsSentDelta } : {}),
          ...(a.leadsWonDelta != null ? { leadsWonDelta: a.leadsWonDelta } : {}),
          ...(a.leadsLostDelta != null ? { leadsLostDelta: a.leadsLostDelta } : {}),
          ...(a.retention != null ? { retention: a.retention } : {}),
          ...(a.medianResponseHours != null ? { medianResponseHours: a.medianResponseHours } : {}),
          ...(a.makeAppBidirectional ? { makeAppBidirectional: a.makeAppBidirectional.id } : {}),
        }, { year, asOf: when, marketplaces: visibleMarketplaces(ctx.viewer) });
      },
    }),
    events: t.relatedConnection("events", {
      cursor: "position",
      authScopes: own,
      description: "Everything that happened to this partner, newest first (FedRAMP listing events with clearance only; to an integration manager, App Validation's only).",
      query: (_args, ctx) => ({ where: eventWhere(ctx.viewer), orderBy: { position: "desc" } }),
    }),
  }),
});

export const PartnerMemberNode = builder.prismaNode("PartnerMember", {
  id: { field: "id" },
  nullable: true,
  // Members are partner-private: anyone else (integration managers too) reads a member's id like an unknown one.
  findUnique: (id, ctx) => ({ id: uuidOrNil(id), partnerId: privatePartnerId(ctx.viewer) }),
  authScopes: (member) => ({ partnerPrivate: member.partnerId }),
  fields: (t) => ({
    name: t.exposeString("name"),
    email: t.exposeString("email"),
    role: t.expose("role", { type: PartnerRoleEnum }),
    joinedAt: t.expose("joinedAt", { type: "DateTime" }),
    partner: t.relation("partner"),
  }),
});

builder.queryFields((t) => ({
  partners: t.prismaConnection({
    type: "Partner",
    cursor: "id",
    description: "Staff see every partner; a partner sees itself; the public sees partners with live listings.",
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.partner.findMany({ ...query, where: partnerWhere(ctx.viewer), orderBy: { id: "asc" } }),
  }),
  partner: t.prismaField({
    type: "Partner",
    nullable: true,
    description: "A partner by global id or by slug; null when it does not exist or is not visible to the viewer.",
    args: {
      id: t.arg.globalID({ required: false, for: PartnerNode }),
      slug: t.arg.string({ required: false }),
    },
    resolve: (query, _root, { id, slug }, ctx) => {
      if (!id && !slug) return answeredWithoutQuery(query, null);
      const key = id ? { id: uuidOrNil(id.id) } : { slug: slug ?? "" };
      return ctx.prisma.partner.findFirst({ ...query, where: { AND: [key, partnerWhere(ctx.viewer)] } });
    },
  }),
}));

// The badge the storefront shows beside a partner's name.
builder.prismaObjectFields(PartnerNode, (t) => ({
  tierBadge: t.field({
    type: TierBadge,
    description: "The partner's tier with its name on this year's ladder (R-TIER-1).",
    select: { tierKey: true },
    extensions: fromStorefrontRow((p: StorefrontPartner) => p.tierBadge),
    resolve: (p, _args, ctx) => tierBadgeOf(p.tierKey, ctx),
  }),
}));
