import { access } from "../access.js";
import { builder } from "../builder.js";
import { ContactKindEnum, MarketplaceEnum } from "../enums.js";
import { uuidOrNil } from "../ids.js";
import { AppNode } from "../nodes/app.js";
import { ListingNode, ListingRevisionNode } from "../nodes/listing.js";
import { createListing, delistListing, editListing, reviewListing, submitListing } from "../../program/listings.js";

export const ListingContentInput = builder.inputType("ListingContentInput", {
  description: "Listing content, checked against the program's content rules (R-LIST-3).",
  fields: (t) => ({
    name: t.string({ required: true, description: "At most 30 characters." }),
    tagline: t.string({ required: true, description: "At most 40 characters." }),
    summary: t.string({ required: true, description: "200 to 2,000 characters." }),
    howItWorks: t.string({ required: false, description: "At most 500 characters." }),
    features: t.stringList({ required: false, description: "Each at most 200 characters." }),
    categories: t.stringList({ required: true, description: "Category slugs from the program's list (at least one)." }),
    contactKind: t.field({ type: ContactKindEnum, required: true }),
    contactEmail: t.string({ required: false, description: "The monitored sales inbox, for a contact form." }),
    learnMoreUrl: t.string({ required: false }),
    websiteUrl: t.string({ required: false }),
    screenshots: t.stringList({ required: false }),
    videoUrl: t.string({ required: false }),
  }),
});

builder.mutationFields((t) => ({
  createListing: t.prismaField({
    ...access("partnerMember", "partnerWork"),
    type: ListingNode,
    description: "One listing per app per marketplace, with its own content, validation and state (R-LIST-1). Starts as a DRAFT.",
    errors: {},
    args: {
      appId: t.arg.globalID({ required: true, for: AppNode }),
      marketplace: t.arg({ type: MarketplaceEnum, required: true }),
      content: t.arg({ type: ListingContentInput, required: true }),
    },
    resolve: async (query, _root, args, ctx) => {
      const l = await createListing(ctx.program, ctx.viewer, { appId: uuidOrNil(args.appId.id), marketplace: args.marketplace, content: args.content });
      return ctx.prisma.listing.findUniqueOrThrow({ ...query, where: { id: l.id } });
    },
  }),
  editListing: t.prismaField({
    ...access("partnerMember", "listing"),
    type: ListingRevisionNode,
    description: "Edits go to a draft revision; a live listing stays live until the revision is approved (R-LIST-5).",
    errors: {},
    args: {
      listingId: t.arg.globalID({ required: true, for: ListingNode }),
      content: t.arg({ type: ListingContentInput, required: true }),
    },
    resolve: async (query, _root, args, ctx) => {
      const r = await editListing(ctx.program, ctx.viewer, { listingId: uuidOrNil(args.listingId.id), content: args.content });
      return ctx.prisma.listingRevision.findUniqueOrThrow({ ...query, where: { id: r.id } });
    },
  }),
  submitListing: t.prismaField({
    ...access("partnerMember", "listing"),
    type: ListingNode,
    description: "The partner submits the draft (a new listing goes DRAFT → IN_REVIEW; a live one stays live).",
    errors: {},
    args: { listingId: t.arg.globalID({ required: true, for: ListingNode }) },
    resolve: async (query, _root, args, ctx) => {
      const l = await submitListing(ctx.program, ctx.viewer, { listingId: uuidOrNil(args.listingId.id) });
      return ctx.prisma.listing.findUniqueOrThrow({ ...query, where: { id: l.id } });
    },
  }),
  approveListing: t.prismaField({
    ...access("programStaff", "listing"),
    type: ListingNode,
    description: "Staff approve what is in review. A listing goes LIVE only when R-LIST-2 holds.",
    errors: {},
    args: { listingId: t.arg.globalID({ required: true, for: ListingNode }), notes: t.arg.string({ required: false }) },
    resolve: async (query, _root, args, ctx) => {
      const l = await reviewListing(ctx.program, ctx.viewer, { listingId: uuidOrNil(args.listingId.id), approve: true, notes: args.notes });
      return ctx.prisma.listing.findUniqueOrThrow({ ...query, where: { id: l.id } });
    },
  }),
  rejectListing: t.prismaField({
    ...access("programStaff", "listing"),
    type: ListingNode,
    description: "Staff reject what is in review, with reasons.",
    errors: {},
    args: { listingId: t.arg.globalID({ required: true, for: ListingNode }), reasons: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const l = await reviewListing(ctx.program, ctx.viewer, { listingId: uuidOrNil(args.listingId.id), approve: false, notes: args.reasons });
      return ctx.prisma.listing.findUniqueOrThrow({ ...query, where: { id: l.id } });
    },
  }),
  delistListing: t.prismaField({
    ...access("partnerMemberOrProgramStaff", "listing"),
    type: ListingNode,
    description: "Staff or the partner take a listing off the marketplace, with a reason (R-LIST-4).",
    errors: {},
    args: { listingId: t.arg.globalID({ required: true, for: ListingNode }), reason: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const l = await delistListing(ctx.program, ctx.viewer, { listingId: uuidOrNil(args.listingId.id), note: args.reason });
      return ctx.prisma.listing.findUniqueOrThrow({ ...query, where: { id: l.id } });
    },
  }),
}));
