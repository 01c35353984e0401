import { delistingRisk } from "../../program/low-usage.js";
import { builder } from "../builder.js";
import { fromStorefrontRow } from "../storefront-rows.js";
import { storefrontCategories, type StorefrontCard, type StorefrontContent } from "../../program/storefront.js";
import type { Category } from "../../generated/prisma/client.js";
import { isInstallAllowed, isRecentlyUpdated, RECENTLY_UPDATED_DAYS } from "../../domain/storefront.js";
import type { Context } from "../context.js";
import { uuidOrNil } from "../ids.js";
import { canSeePartnerWork, eventWhere, listingWhere } from "../../program/visibility.js";
import { ContactKindEnum, DelistReasonEnum, ListingStateEnum, MarketplaceEnum, RevisionStatusEnum } from "../enums.js";
import { DelistingRiskType } from "./delisting-risk.js";

export const ListingNode = builder.prismaNode("Listing", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id: uuidOrNil(id), AND: [listingWhere(ctx.viewer)] }),
  fields: (t) => ({
    marketplace: t.expose("marketplace", { type: MarketplaceEnum }),
    state: t.expose("state", { type: ListingStateEnum }),
    stateChangedAt: t.expose("stateChangedAt", { type: "DateTime" }),
    firstLiveAt: t.expose("firstLiveAt", { type: "DateTime", nullable: true }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    delistReason: t.expose("delistReason", { type: DelistReasonEnum, nullable: true }),
    atRiskDeadline: t.expose("atRiskDeadline", { type: "DateTime", nullable: true }),
    app: t.relation("app", { extensions: fromStorefrontRow((l: StorefrontCard) => l.app) }),
    partner: t.relation("partner", { extensions: fromStorefrontRow((l: StorefrontCard) => l.partner) }),
    content: t.relation("liveRevision", {
      nullable: true,
      extensions: fromStorefrontRow((l: StorefrontCard) => l.liveRevision),
      description: "What the marketplace shows (the approved revision); null until first approved.",
    }),
    pendingRevision: t.field({
      type: ListingRevisionNode,
      nullable: true,
      description: "The draft or in-review revision, visible to the partner and staff (R-LIST-5).",
      select: { revisions: { where: { openSlot: "open" }, take: 1 } },
      resolve: (listing, _args, ctx) =>
        canSeePartnerWork(ctx.viewer, listing.partnerId) ? (listing.revisions[0] ?? null) : null,
    }),
    lastReview: t.field({
      type: ListingRevisionNode,
      nullable: true,
      description:
        "The revision reviewed last, approved or rejected, with its `reviewedAt` and `reviewNotes` (R-LIST-5): a rejected revision is no longer pending, so this is where its notes are. The partner and staff; null before any review.",
      select: { revisions: { where: { reviewedAt: { not: null } }, orderBy: [{ reviewedAt: "desc" }, { number: "desc" }], take: 1 } },
      resolve: (listing, _args, ctx) =>
        canSeePartnerWork(ctx.viewer, listing.partnerId) ? (listing.revisions[0] ?? null) : null,
    }),
    events: t.relatedConnection("events", {
      cursor: "position",
      authScopes: (listing) => ({ ownPartner: listing.partnerId }),
      description: "This listing's history, newest first (R-USE-3).",
      query: (_args, ctx) => ({ where: eventWhere(ctx.viewer), orderBy: { position: "desc" } }),
    }),
    revisions: t.relation("revisions", {
      authScopes: (listing) => ({ ownPartner: listing.partnerId }),
      query: { orderBy: { number: "desc" } },
    }),
    delistingRisk: t.field({
      type: DelistingRiskType,
      authScopes: (l) => ({ partnerPrivate: l.partnerId }),
      description: "R-USE-2: how this listing stands against the low-usage minimum (the partner and staff).",
      args: { asOf: t.arg({ type: "Date", required: false, description: "Default: the program's today." }) },
      select: { appId: true, state: true, atRiskDeadline: true, firstLiveAt: true, marketplace: true },
      resolve: async (l, args, ctx) => ({ ...(await delistingRisk(ctx.prisma, l, args.asOf ?? ctx.program.today())), marketplace: l.marketplace }),
    }),
  }),
});

export const ListingRevisionNode = builder.prismaObject("ListingRevision", {
  fields: (t) => ({
    id: t.exposeID("id"),
    number: t.exposeInt("number"),
    status: t.expose("status", { type: RevisionStatusEnum }),
    name: t.exposeString("name"),
    tagline: t.exposeString("tagline"),
    summary: t.exposeString("summary"),
    howItWorks: t.exposeString("howItWorks"),
    features: t.exposeStringList("features"),
    contactKind: t.expose("contactKind", { type: ContactKindEnum }),
    learnMoreUrl: t.exposeString("learnMoreUrl", { nullable: true }),
    websiteUrl: t.exposeString("websiteUrl", { nullable: true }),
    screenshots: t.exposeStringList("screenshots"),
    videoUrl: t.exposeString("videoUrl", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    submittedAt: t.expose("submittedAt", { type: "DateTime", nullable: true }),
    reviewedAt: t.expose("reviewedAt", { type: "DateTime", nullable: true }),
    reviewNotes: t.exposeString("reviewNotes", { nullable: true }),
    categories: t.field({
      type: [CategoryNode],
      select: { categories: { select: { category: true } } },
      extensions: fromStorefrontRow((r: StorefrontContent) => r.categories),
      resolve: (rev) => rev.categories.map((c) => c.category),
    }),
  }),
});

export const CategoryNode = builder.prismaObject("Category", {
  fields: (t) => ({
    id: t.exposeID("id"),
    slug: t.exposeString("slug"),
    name: t.exposeString("name"),
  }),
});

// The storefront's `listings` (search, filters, facets) is in storefront.ts.
builder.queryFields((t) => ({
  myListings: t.prismaConnection({
    type: "Listing",
    cursor: "id",
    authScopes: { authenticated: true },
    description: "Every listing the viewer may manage or review, in any state.",
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.listing.findMany({
        ...query,
        where: ctx.viewer.kind === "partner"
          ? { AND: [listingWhere(ctx.viewer), { partnerId: ctx.viewer.partnerId }] }
          : listingWhere(ctx.viewer),
        orderBy: { id: "asc" },
      }),
  }),
  categories: t.field({
    type: [CategoryNode],
    description: "The program's category list (R-LIST-3).",
    // The storefront's own statement: a category's fields are its columns (no relation to load).
    resolve: (_root, _args, ctx) => storefrontCategories(ctx.sql) as Promise<Category[]>,
  }),
}));

// What the storefront's cards show of a listing besides its content.
builder.prismaObjectFields(ListingNode, (t) => ({
  contentUpdatedAt: t.field({
    type: "DateTime",
    nullable: true,
    description: "When the content the storefront shows was approved (a first launch or an update); null before it first went live.",
    select: { firstLiveAt: true, liveRevision: { select: { reviewedAt: true } } },
    extensions: fromStorefrontRow((l: StorefrontCard) => l.liveRevision?.reviewedAt ?? l.firstLiveAt),
    resolve: (l) => l.liveRevision?.reviewedAt ?? l.firstLiveAt,
  }),
  recentlyUpdated: t.boolean({
    description: `The content the storefront shows was approved within the last ${RECENTLY_UPDATED_DAYS} days.`,
    select: { firstLiveAt: true, liveRevision: { select: { reviewedAt: true } } },
    extensions: fromStorefrontRow((l: StorefrontCard, ctx: Context) => isRecentlyUpdated(l.liveRevision?.reviewedAt ?? l.firstLiveAt, ctx.program.today())),
    resolve: (l, _args, ctx) => isRecentlyUpdated(l.liveRevision?.reviewedAt ?? l.firstLiveAt, ctx.program.today()),
  }),
  installAllowed: t.boolean({
    description: "Whether the storefront offers Install: the listing is live or at risk and its app is active.",
    select: { state: true, app: { select: { status: true } } },
    extensions: fromStorefrontRow((l: StorefrontCard) => isInstallAllowed(l, l.app)),
    resolve: (l) => isInstallAllowed(l, l.app),
  }),
}));
