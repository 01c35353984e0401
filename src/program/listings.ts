// Listings on the two marketplaces: content through revisions, review, going live, delisting
// (R-LIST-1..6, R-PART-5, R-USE-4).
import type { Viewer } from "../auth/viewer.js";
import { allowedNextStates, canCreateListing, transition } from "../domain/listings/lifecycle.js";
import { canSubmitRevision, placeEdit, reviewRevision } from "../domain/listings/revisions.js";
import { isStorefrontChange, type Marketplace } from "../domain/listings/marketplaces.js";
import { validateListingContent, type ListingContent, type ListingContentInput } from "../domain/listings/content.js";
import { canReapply, type ReapplicationOutcomeFacts } from "../domain/usage.js";
import type { EventType } from "../domain/events.js";
import { actorOf, type AppendedEvent, type NewEvent, type NewEventOf, type Tx } from "../events/log.js";
import { Conflict, RuleViolation } from "./refusals.js";
import { partnerApps, partnerValidations, standingOf } from "./facts.js";
import { decide, found, requireClearanceFor, requirePartnerOf, requireStaff, requireStaffOrPartnerOf, requireVisible } from "./guard.js";
import { canSeeListing } from "./visibility.js";
import type { Program } from "./program.js";

type Record = (e: NewEvent) => Promise<AppendedEvent>;

/** Content as the API takes it: categories by slug. */
export type ListingContentArgs = Omit<ListingContentInput, "categoryIds"> & { categories: readonly string[] };


async function checkContent(tx: Tx, content: ListingContentArgs): Promise<{ checked: ListingContent; categoryIds: string[] }> {
  const categories = await tx.category.findMany({ select: { id: true, slug: true } });
  const checked = decide(validateListingContent({ ...content, categoryIds: content.categories }, categories.map((c) => c.slug)));
  const idOf = new Map(categories.map((c) => [c.slug, c.id]));
  return { checked, categoryIds: checked.categoryIds.map((slug) => idOf.get(slug)!) };
}

function revisionData(c: ListingContent) {
  return {
    name: c.name, tagline: c.tagline, summary: c.summary, howItWorks: c.howItWorks, features: [...c.features],
    contactKind: c.contactKind, contactEmail: c.contactEmail, learnMoreUrl: c.learnMoreUrl, websiteUrl: c.websiteUrl,
    screenshots: [...c.screenshots], videoUrl: c.videoUrl,
  };
}

async function loadListing(tx: Tx, listingId: string) {
  return found(
    await tx.listing.findUnique({
      where: { id: listingId },
      include: { app: true, revisions: { select: { id: true, number: true, status: true }, orderBy: { number: "asc" } } },
    }),
    "listing",
  );
}

/** The listing as the viewer may see it: one it may not (a FedRAMP one without clearance) is not found, like an unknown id. */
async function loadVisibleListing(tx: Tx, listingId: string, viewer: Viewer) {
  const l = await loadListing(tx, listingId);
  requireVisible(canSeeListing(viewer, l), "listing");
  return l;
}

type LoadedListing = Awaited<ReturnType<typeof loadListing>>;

/** Optimistic concurrency: a transition applies only to the version read; else a typed conflict. */
async function bumpListing(tx: Tx, l: { id: string; version: number }, now: Date, data: Parameters<Tx["listing"]["update"]>[0]["data"]) {
  const { count } = await tx.listing.updateMany({ where: { id: l.id, version: l.version }, data: { ...data, updatedAt: now, version: { increment: 1 } } as never });
  if (count !== 1) throw new Conflict("the listing was changed by someone else at the same time; re-read it and try again");
}

type ListingEventFields<T extends EventType> = Omit<NewEventOf<T>, "type" | "actor" | "subjectId" | "partnerId" | "appId" | "listingId" | "marketplace">;

function listingEvent<T extends EventType>(l: LoadedListing, type: T, viewer: Viewer, extra: ListingEventFields<T>): NewEvent {
  return {
    type, actor: actorOf(viewer), subjectId: l.id, partnerId: l.partnerId, appId: l.appId, listingId: l.id,
    marketplace: l.marketplace, ...extra,
  } as NewEventOf<T> as NewEvent;
}

export async function createListing(program: Program, viewer: Viewer, input: { appId: string; marketplace: Marketplace; content: ListingContentArgs }) {
  return program.change(async (tx, record) => {
    const now = program.now();
    const app = found(await tx.app.findUnique({ where: { id: input.appId } }), "app");
    const member = requirePartnerOf(viewer, app.partnerId, "app");
    requireClearanceFor(viewer, input.marketplace);
    const existing = await tx.listing.findMany({ where: { appId: app.id }, select: { appId: true, marketplace: true } });
    decide(canCreateListing(app, input.marketplace, existing));
    const { checked, categoryIds } = await checkContent(tx, input.content);
    const listing = await tx.listing.create({
      data: { appId: app.id, partnerId: app.partnerId, marketplace: input.marketplace, createdAt: now, stateChangedAt: now, updatedAt: now },
    });
    await tx.listingRevision.create({
      data: { listingId: listing.id, number: 1, openSlot: "open", createdById: member.memberId, createdAt: now, ...revisionData(checked),
        categories: { create: categoryIds.map((categoryId) => ({ categoryId })) } },
    });
    await record({
      type: "listing.created", actor: actorOf(viewer), subjectId: listing.id, partnerId: app.partnerId, appId: app.id,
      listingId: listing.id, marketplace: input.marketplace, after: { state: "DRAFT", app: app.name, name: checked.name },
    });
    return listing;
  });
}

/** R-LIST-5: edits go to a draft revision; a live listing stays live meanwhile. */
export async function editListing(program: Program, viewer: Viewer, input: { listingId: string; content: ListingContentArgs }) {
  return program.change(async (tx, record) => {
    const now = program.now();
    const l = await loadVisibleListing(tx, input.listingId, viewer);
    const member = requirePartnerOf(viewer, l.partnerId, "listing");
    const place = decide(placeEdit({ state: l.state, liveRevisionId: l.liveRevisionId, revisions: l.revisions }));
    const { checked, categoryIds } = await checkContent(tx, input.content);
    await bumpListing(tx, l, now, {});
    let revisionId: string;
    if (place.kind === "UPDATE_DRAFT") {
      revisionId = place.revisionId;
      await tx.listingRevisionCategory.deleteMany({ where: { revisionId } });
      await tx.listingRevision.update({
        where: { id: revisionId },
        data: { ...revisionData(checked), categories: { create: categoryIds.map((categoryId) => ({ categoryId })) } },
      });
    } else {
      const rev = await tx.listingRevision.create({
        data: { listingId: l.id, number: place.number, openSlot: "open", createdById: member.memberId, createdAt: now, ...revisionData(checked),
          categories: { create: categoryIds.map((categoryId) => ({ categoryId })) } },
      });
      revisionId = rev.id;
    }
    await record(listingEvent(l, "listing.revision-drafted", viewer, {
      after: { revision: place.number, name: checked.name, liveRevisionStays: place.liveRevisionStays },
    }));
    return tx.listingRevision.findUniqueOrThrow({ where: { id: revisionId } });
  });
}

/** The partner submits the draft revision for review (a new listing goes DRAFT → IN_REVIEW). */
export async function submitListing(program: Program, viewer: Viewer, input: { listingId: string }) {
  return program.change(async (tx, record) => {
    const l = await loadVisibleListing(tx, input.listingId, viewer);
    requirePartnerOf(viewer, l.partnerId, "listing");
    const draft = l.revisions.find((r) => r.status === "DRAFT");
    if (!draft) {
      throw new RuleViolation({
        rule: l.state === "DELISTED" ? "R-LIST-4" : "R-LIST-5",
        message: `There is no draft revision of this ${l.state} listing to submit.`,
        missing: ["a draft revision (edit the listing first)"],
        toSatisfy: l.state === "DELISTED" ? "Re-apply through a new App Validation (R-USE-4)." : "Edit the listing to create a draft revision, then submit it.",
        currentState: l.state,
        allowed: allowedNextStates(l.state),
      });
    }
    const sub = decide(canSubmitRevision({ state: l.state, liveRevisionId: l.liveRevisionId, revisions: l.revisions }, draft.id));
    const now = program.now();
    await bumpListing(tx, l, now, sub.nextListingState !== l.state ? { state: sub.nextListingState, stateChangedAt: now } : {});
    await tx.listingRevision.update({ where: { id: draft.id }, data: { status: "IN_REVIEW", submittedAt: now } });
    await record(listingEvent(l, sub.listingAction ? "listing.submitted" : "listing.revision-submitted", viewer, {
      before: { state: l.state }, after: { state: sub.nextListingState, revision: draft.number },
    }));
    return tx.listing.findUniqueOrThrow({ where: { id: l.id } });
  });
}

/** Staff approve (R-LIST-2 must hold for a listing in review) or reject with reasons. */
export async function reviewListing(
  program: Program,
  viewer: Viewer,
  input: { listingId: string; approve: boolean; notes?: string | null },
) {
  const notes = input.notes?.trim() || null;
  return program.change(async (tx, record) => {
    const l = await loadVisibleListing(tx, input.listingId, viewer);
    const staff = requireStaff(viewer);
    const pending = l.revisions.find((r) => r.status === "IN_REVIEW");
    if (!pending) {
      throw new RuleViolation({
        rule: "R-LIST-4",
        message: `Nothing of this ${l.state} listing is in review.`,
        missing: ["a revision submitted for review"],
        toSatisfy: "Wait until the partner submits the listing or a revision for review.",
        currentState: l.state,
        allowed: l.state === "IN_REVIEW" ? ["LIVE", "DRAFT"] : [],
      });
    }
    if (!input.approve && !notes) {
      throw new RuleViolation({
        rule: "R-LIST-4", message: "A rejection must give the partner its reasons.", missing: ["notes with the reasons"],
        toSatisfy: "Reject again with notes that say what to change.",
      });
    }
    const facts = { state: l.state, liveRevisionId: l.liveRevisionId, revisions: l.revisions };
    const goLive = input.approve && l.state === "IN_REVIEW"
      ? {
          listing: { appId: l.appId, marketplace: l.marketplace, firstLiveAt: l.firstLiveAt },
          agreements: await standingOf(tx, l.partnerId),
          partnerApps: await partnerApps(tx, l.partnerId),
          validations: await partnerValidations(tx, l.partnerId),
        }
      : undefined;
    const review = decide(reviewRevision(facts, pending.id, input.approve ? { verdict: "approve", goLive } : { verdict: "reject" }));
    const now = program.now();
    await bumpListing(tx, l, now, {
      ...(review.nextListingState !== l.state ? { state: review.nextListingState, stateChangedAt: now } : {}),
      ...(review.liveRevisionId !== l.liveRevisionId ? { liveRevisionId: review.liveRevisionId } : {}),
      // A listing back from a low-usage delisting (in review with a live revision) starts a new low-usage window (R-USE-2).
      ...(review.nextListingState === "LIVE" && (!l.firstLiveAt || (l.state === "IN_REVIEW" && l.liveRevisionId)) ? { firstLiveAt: now } : {}),
    });
    if (review.supersededRevisionId) {
      await tx.listingRevision.update({ where: { id: review.supersededRevisionId }, data: { status: "SUPERSEDED" } });
    }
    await tx.listingRevision.update({
      where: { id: pending.id },
      data: { status: review.revisionStatus, openSlot: null, reviewedAt: now, reviewedById: staff.system ? null : staff.staffId, reviewNotes: notes },
    });
    if (review.nextListingState === "LIVE" && !l.app.launchedAt) {
      await tx.app.update({ where: { id: l.appId }, data: { launchedAt: now } });
    }
    const type = !input.approve
      ? (review.listingAction ? "listing.rejected" : "listing.revision-rejected")
      : (review.listingAction ? "listing.live" : "listing.revised");
    await record(listingEvent(l, type, viewer, {
      publicChange: isStorefrontChange(l.state, review.nextListingState, { liveContentChanged: input.approve && review.liveRevisionId !== l.liveRevisionId }),
      before: { state: l.state, liveRevision: l.liveRevisionId },
      after: { state: review.nextListingState, revision: pending.number, revisionStatus: review.revisionStatus },
      reason: notes,
    }));
    return tx.listing.findUniqueOrThrow({ where: { id: l.id } });
  });
}

/** Staff or the partner take a listing off the marketplace, with a reason (R-LIST-4). */
export async function delistListing(program: Program, viewer: Viewer, input: { listingId: string; note: string }) {
  return program.change(async (tx, record) => {
    const l = await loadVisibleListing(tx, input.listingId, viewer);
    requireStaffOrPartnerOf(viewer, l.partnerId, "listing");
    if (viewer.kind === "staff") requireStaff(viewer);
    const by = viewer.kind === "staff" ? "STAFF" : "PARTNER";
    const reason = by === "STAFF" ? "STAFF_DECISION" : "PARTNER_REQUEST";
    const next = decide(transition(l.state, "delist", { delist: { reason, by, note: input.note } }));
    const now = program.now();
    await bumpListing(tx, l, now, { state: next, stateChangedAt: now, delistReason: reason, delistNote: input.note.trim(), atRiskSince: null, atRiskDeadline: null });
    await record(listingEvent(l, "listing.delisted", viewer, {
      publicChange: isStorefrontChange(l.state, next), before: { state: l.state }, after: { state: next, reason }, reason: input.note.trim(),
    }));
    return tx.listing.findUniqueOrThrow({ where: { id: l.id } });
  });
}

/**
 * R-USE-4: a passed re-application validation returns the low-usage-delisted listing to review,
 * with its last live content as the revision to review.
 */
export async function returnToReviewAfterReapplication(
  tx: Tx, record: Record, viewer: Viewer, now: Date, facts: ReapplicationOutcomeFacts, appId: string, marketplace: Marketplace,
) {
  const listing = await tx.listing.findUnique({ where: { appId_marketplace: { appId, marketplace } } });
  if (!listing || listing.state !== "DELISTED" || listing.delistReason !== "LOW_USAGE") return;
  decide(canReapply(facts));
  const l = await loadListing(tx, listing.id);
  const next = decide(transition(l.state, "reapply", { viaReapplication: true }));
  let draft = l.revisions.find((r) => r.status === "DRAFT" || r.status === "IN_REVIEW");
  if (!draft && l.liveRevisionId) {
    const live = await tx.listingRevision.findUniqueOrThrow({ where: { id: l.liveRevisionId }, include: { categories: true } });
    const { id: _id, number: _n, status: _s, openSlot: _o, createdAt: _c, submittedAt: _sa, reviewedAt: _ra, reviewedById: _rb, reviewNotes: _rn, categories, ...content } = live;
    const created = await tx.listingRevision.create({
      data: { ...content, number: Math.max(...l.revisions.map((r) => r.number)) + 1, openSlot: "open", status: "IN_REVIEW", createdAt: now, submittedAt: now,
        categories: { create: categories.map((c) => ({ categoryId: c.categoryId })) } },
    });
    draft = { id: created.id, number: created.number, status: "IN_REVIEW" };
  } else if (draft && draft.status === "DRAFT") {
    await tx.listingRevision.update({ where: { id: draft.id }, data: { status: "IN_REVIEW", submittedAt: now } });
  }
  await bumpListing(tx, l, now, { state: next, stateChangedAt: now, delistReason: null, delistNote: null });
  await record(listingEvent(l, "listing.reapplied", viewer, {
    before: { state: l.state, reason: l.delistReason }, after: { state: next, revision: draft?.number ?? null },
  }));
}
