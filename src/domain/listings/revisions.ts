// R-LIST-5: edits to a live listing go on a draft revision and go live after review, without
// taking the live listing down.
import { allow, refuse, type Decision } from "../decision.js";
import { allowedNextStates, canGoLive, transition, type GoLiveFacts, type ListingAction } from "./lifecycle.js";
import type { ListingState } from "./marketplaces.js";

export type RevisionStatus = "DRAFT" | "IN_REVIEW" | "APPROVED" | "REJECTED" | "SUPERSEDED";

export interface RevisionFact {
  readonly id: string;
  readonly number: number;
  readonly status: RevisionStatus;
}

export interface ListingRevisionFacts {
  readonly state: ListingState;
  /** The revision the marketplace shows; null until the listing first goes live. */
  readonly liveRevisionId: string | null;
  readonly revisions: readonly RevisionFact[];
}

export type EditPlacement =
  | { readonly kind: "UPDATE_DRAFT"; readonly revisionId: string; readonly number: number; readonly liveRevisionStays: boolean }
  | { readonly kind: "NEW_DRAFT"; readonly number: number; readonly liveRevisionStays: boolean };

const openRevision = (revisions: readonly RevisionFact[]) => revisions.find((r) => r.status === "DRAFT" || r.status === "IN_REVIEW");

/**
 * R-LIST-5: where an edit goes. Edits never touch the live revision: they update the open draft,
 * or start a new draft revision; a revision under review cannot be edited.
 */
export function placeEdit(facts: ListingRevisionFacts): Decision<EditPlacement> {
  const open = openRevision(facts.revisions);
  const liveRevisionStays = facts.liveRevisionId !== null;
  if (open?.status === "IN_REVIEW") {
    return refuse({
      rule: "R-LIST-5",
      message: `Revision ${open.number} is in review; it cannot be edited until it is approved or rejected.`,
      missing: [`no revision in review (revision ${open.number} is IN_REVIEW)`],
      toSatisfy: "Wait for the review of the pending revision, then edit again.",
      currentState: "IN_REVIEW",
      allowed: ["APPROVED", "REJECTED"],
    });
  }
  if (open !== undefined) return allow<EditPlacement>({ kind: "UPDATE_DRAFT", revisionId: open.id, number: open.number, liveRevisionStays });
  const number = facts.revisions.reduce((max, r) => Math.max(max, r.number), 0) + 1;
  return allow<EditPlacement>({ kind: "NEW_DRAFT", number, liveRevisionStays });
}

export interface RevisionSubmission {
  readonly revisionId: string;
  /** The listing action the submission also makes (submit for a first review, reapply for a re-application). */
  readonly listingAction: ListingAction | null;
  readonly nextListingState: ListingState;
}

function findRevision(facts: ListingRevisionFacts, revisionId: string): RevisionFact | Decision<never> {
  const revision = facts.revisions.find((r) => r.id === revisionId);
  if (revision !== undefined) return revision;
  return refuse({
    rule: "R-LIST-5",
    message: "That revision does not belong to this listing.",
    missing: [`revision ${revisionId} of this listing`],
    toSatisfy: "Use a revision of this listing.",
  });
}

/** R-LIST-5: a draft revision goes to review; for a live listing the live revision stays shown meanwhile. */
export function canSubmitRevision(
  facts: ListingRevisionFacts,
  revisionId: string,
  options: { readonly viaReapplication?: boolean } = {},
): Decision<RevisionSubmission> {
  const revision = findRevision(facts, revisionId);
  if ("ok" in revision) return revision;
  if (revision.status !== "DRAFT") {
    return refuse({
      rule: "R-LIST-5",
      message: `Revision ${revision.number} is ${revision.status}; only a draft revision can be submitted for review.`,
      missing: [`a DRAFT revision (revision ${revision.number} is ${revision.status})`],
      toSatisfy: "Edit the listing to get a draft revision, then submit it.",
      currentState: revision.status,
      allowed: revision.status === "IN_REVIEW" ? ["APPROVED", "REJECTED"] : [],
    });
  }
  const { state } = facts;
  if (state === "DRAFT" || state === "DELISTED") {
    const action: ListingAction = state === "DRAFT" ? "submit" : "reapply";
    const next = transition(state, action, { viaReapplication: options.viaReapplication === true });
    if (!next.ok) return next;
    return allow({ revisionId, listingAction: action, nextListingState: next.value });
  }
  // LIVE / AT_RISK keep showing the live revision; IN_REVIEW is already in review.
  return allow<RevisionSubmission>({ revisionId, listingAction: null, nextListingState: state });
}

export type RevisionVerdict = { readonly verdict: "approve"; readonly goLive?: GoLiveFacts } | { readonly verdict: "reject" };

export interface RevisionReview {
  readonly revisionId: string;
  readonly revisionStatus: "APPROVED" | "REJECTED";
  /** The listing action the review also makes (approve/reject for a listing in review). */
  readonly listingAction: "approve" | "reject" | null;
  readonly nextListingState: ListingState;
  /** The revision the marketplace shows after the review. */
  readonly liveRevisionId: string | null;
  /** The previous live revision, replaced by this one (mark it SUPERSEDED). */
  readonly supersededRevisionId: string | null;
  /** Whether the storefront changes (R-LIST-6). */
  readonly publicChange: boolean;
}

/**
 * R-LIST-5: review a revision. Approving it makes it the live revision (for a listing in review,
 * the listing goes LIVE, which needs `goLive` facts for R-LIST-2); rejecting leaves the live one.
 */
export function reviewRevision(facts: ListingRevisionFacts, revisionId: string, verdict: RevisionVerdict): Decision<RevisionReview> {
  const revision = findRevision(facts, revisionId);
  if ("ok" in revision) return revision;
  if (revision.status !== "IN_REVIEW") {
    return refuse({
      rule: "R-LIST-5",
      message: `Revision ${revision.number} is ${revision.status}; only a revision in review can be approved or rejected.`,
      missing: [`revision ${revision.number} IN_REVIEW`],
      toSatisfy: revision.status === "DRAFT" ? "Submit the revision for review first." : "Review the listing's pending revision instead.",
      currentState: revision.status,
      allowed: revision.status === "DRAFT" ? ["IN_REVIEW"] : [],
    });
  }
  const { state } = facts;
  const firstReview = state === "IN_REVIEW";
  if (!firstReview && state !== "LIVE" && state !== "AT_RISK") {
    return refuse({
      rule: "R-LIST-5",
      message: `A listing that is ${state} has no revision review to decide.`,
      missing: ["a listing IN_REVIEW, LIVE or AT_RISK"],
      toSatisfy: state === "DELISTED" ? "Re-apply first (R-USE-4)." : "Submit the listing for review first.",
      currentState: state,
      allowed: allowedNextStates(state),
    });
  }
  if (verdict.verdict === "reject") {
    const next = firstReview ? transition(state, "reject") : allow(state);
    if (!next.ok) return next;
    return allow<RevisionReview>({
      revisionId,
      revisionStatus: "REJECTED",
      listingAction: firstReview ? "reject" : null,
      nextListingState: next.value,
      liveRevisionId: facts.liveRevisionId,
      supersededRevisionId: null,
      publicChange: false,
    });
  }
  if (firstReview) {
    // A programming error, not a partner problem: approving into LIVE must check R-LIST-2.
    if (verdict.goLive === undefined) throw new Error("reviewRevision: goLive facts are required to approve a listing in review (R-LIST-2).");
    const live = canGoLive(verdict.goLive);
    if (!live.ok) return live;
  }
  const next = firstReview ? transition(state, "approve") : allow(state);
  if (!next.ok) return next;
  return allow<RevisionReview>({
    revisionId,
    revisionStatus: "APPROVED",
    listingAction: firstReview ? "approve" : null,
    nextListingState: next.value,
    liveRevisionId: revisionId,
    supersededRevisionId: facts.liveRevisionId !== null && facts.liveRevisionId !== revisionId ? facts.liveRevisionId : null,
    publicChange: true,
  });
}
