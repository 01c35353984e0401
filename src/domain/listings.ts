// Listings and marketplaces (R-LIST-1..6): one app on one marketplace, when it may go live, what
// its content must look like, its lifecycle, its revisions and who sees it. Facts in, Decision out.
import { allow, refuse, type Decision, type Refusal, type RuleId } from "./decision.js";
import { agreementsPermitListing, type AgreementStanding } from "./partners.js";
import { hasPassedValidation, validationHistory, type AppFact, type ValidationFact } from "./apps.js";

export type Marketplace = "COMMERCIAL" | "FEDRAMP";
export type ListingState = "DRAFT" | "IN_REVIEW" | "LIVE" | "AT_RISK" | "DELISTED";
export type DelistReason = "LOW_USAGE" | "STAFF_DECISION" | "PARTNER_REQUEST";
export type ContactKind = "CONTACT_FORM" | "LEARN_MORE_LINK";
export type RevisionStatus = "DRAFT" | "IN_REVIEW" | "APPROVED" | "REJECTED" | "SUPERSEDED";

export const MARKETPLACES: readonly Marketplace[] = ["COMMERCIAL", "FEDRAMP"];
export const MARKETPLACE_NAMES: Readonly<Record<Marketplace, string>> = { COMMERCIAL: "Commercial", FEDRAMP: "FedRAMP" };
export const LISTING_STATES: readonly ListingState[] = ["DRAFT", "IN_REVIEW", "LIVE", "AT_RISK", "DELISTED"];
export const CONTACT_KINDS: readonly ContactKind[] = ["CONTACT_FORM", "LEARN_MORE_LINK"];

export const isMarketplace = (v: string): v is Marketplace => (MARKETPLACES as readonly string[]).includes(v);

// ---------------------------------------------------------------------------------------------
// Field-level input errors (shared by apps, listings, leads and inquiries)
// ---------------------------------------------------------------------------------------------

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** A refusal of invalid input: the rule, plus one error per field (for GraphQL InvalidInput). */
export interface FieldRefusal extends Refusal {
  readonly fieldErrors: readonly FieldError[];
}

/** Like Decision, but a refusal carries field errors; assignable to Decision<T>. */
export type FieldDecision<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: FieldRefusal };

export function refuseFields(rule: RuleId, message: string, errors: readonly FieldError[], toSatisfy: string): FieldDecision<never> {
  return {
    ok: false,
    refusal: { rule, message, missing: errors.map((e) => `${e.field}: ${e.message}`), toSatisfy, fieldErrors: errors },
  };
}

/** Length in characters (code points), as the database's VarChar counts them. */
export const textLength = (s: string): number => [...s].length;

export const EMAIL_MAX = 254;
// The WHATWG HTML e-mail grammar, requiring a dot in the domain (a sales inbox is never on a bare host).
const EMAIL_PATTERN =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isValidEmail(value: string): boolean {
  return textLength(value) <= EMAIL_MAX && EMAIL_PATTERN.test(value) && (value.split("@")[0]?.length ?? 0) <= 64;
}

/** Checks a required/optional text field; returns the trimmed value (or null when optional and empty). */
export function checkText(
  errors: FieldError[],
  field: string,
  value: string | null | undefined,
  limits: { readonly min?: number; readonly max: number },
): string | null {
  const text = (value ?? "").trim();
  const min = limits.min ?? 0;
  if (text === "") {
    if (min > 0) errors.push({ field, message: "is required" });
    return null;
  }
  const length = textLength(text);
  if (length < min) errors.push({ field, message: `must be at least ${min} characters (has ${length})` });
  else if (length > limits.max) errors.push({ field, message: `must be at most ${limits.max} characters (has ${length})` });
  return text;
}

/** Checks an e-mail field; returns the trimmed value (or null when optional and empty). */
export function checkEmail(errors: FieldError[], field: string, value: string | null | undefined, required: boolean): string | null {
  const text = (value ?? "").trim();
  if (text === "") {
    if (required) errors.push({ field, message: "is required" });
    return null;
  }
  if (textLength(text) > EMAIL_MAX) errors.push({ field, message: `must be at most ${EMAIL_MAX} characters (has ${textLength(text)})` });
  else if (!isValidEmail(text)) errors.push({ field, message: `"${text}" is not a valid e-mail address` });
  return text;
}

/** Checks an http(s) URL field; returns the trimmed value (or null when empty). */
export function checkHttpUrl(errors: FieldError[], field: string, value: string | null | undefined, maxLength: number): string | null {
  const text = (value ?? "").trim();
  if (text === "") return null;
  if (textLength(text) > maxLength) {
    errors.push({ field, message: `must be at most ${maxLength} characters (has ${textLength(text)})` });
    return text;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    errors.push({ field, message: `"${text}" is not a valid URL` });
    return text;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") errors.push({ field, message: `must be an http(s) URL (got ${url.protocol.replace(/:$/, "")})` });
  else if (url.hostname === "") errors.push({ field, message: "must name a host" });
  return text;
}

// ---------------------------------------------------------------------------------------------
// R-LIST-1: one app on one marketplace; validation per marketplace
// ---------------------------------------------------------------------------------------------

export interface ListingRef {
  readonly appId: string;
  readonly marketplace: Marketplace;
}

/** R-LIST-1: an app may have one listing per marketplace; a FedRAMP listing is separate from the Commercial one. */
export function canCreateListing(app: AppFact, marketplace: Marketplace, existingListings: readonly ListingRef[]): Decision<ListingRef> {
  const missing: string[] = [];
  if (existingListings.some((l) => l.appId === app.id && l.marketplace === marketplace)) {
    missing.push(`${app.name} already has a ${MARKETPLACE_NAMES[marketplace]} listing`);
  }
  if (app.status !== "ACTIVE") missing.push(`${app.name} is ${app.status}; only an active app can be listed`);
  if (missing.length > 0) {
    return refuse({
      rule: "R-LIST-1",
      message: `A listing is one app on one marketplace: ${app.name} cannot get another ${MARKETPLACE_NAMES[marketplace]} listing.`,
      missing,
      toSatisfy: `Edit the existing ${MARKETPLACE_NAMES[marketplace]} listing of ${app.name}, or list an active app on a marketplace where it has no listing.`,
    });
  }
  return allow({ appId: app.id, marketplace });
}

/** R-LIST-1: the validations that count for a listing are its app's, for its own marketplace only. */
export function validationsForListing(listing: ListingRef, validations: readonly ValidationFact[]): ValidationFact[] {
  return validationHistory(validations, listing.appId, listing.marketplace);
}

// ---------------------------------------------------------------------------------------------
// R-LIST-2: going live
// ---------------------------------------------------------------------------------------------

export interface GoLiveFacts {
  readonly listing: ListingRef & {
    /** When the listing first went live; null for a new listing (R-PART-5 blocks only new ones). */
    readonly firstLiveAt: Date | null;
  };
  readonly agreements: AgreementStanding;
  /** Every app of the partner, including this listing's app. */
  readonly partnerApps: readonly AppFact[];
  /** Every validation of the partner's apps. */
  readonly validations: readonly ValidationFact[];
}

/**
 * R-LIST-2: a listing goes live only when the partner is in the program (R-PART-2; re-sign needed
 * only for a new listing, R-PART-5), its app passed App Validation for this marketplace, and every
 * active app of the partner passed App Validation (on any marketplace).
 */
export function canGoLive(facts: GoLiveFacts): Decision {
  const { listing } = facts;
  const market = MARKETPLACE_NAMES[listing.marketplace];
  const app = facts.partnerApps.find((a) => a.id === listing.appId);
  const appName = app?.name ?? `app ${listing.appId}`;
  const missing: string[] = [];

  const agreements = agreementsPermitListing(facts.agreements, { everLive: listing.firstLiveAt !== null });
  if (!agreements.ok) missing.push(...agreements.refusal.missing.map((m) => `${agreements.refusal.rule}: ${m}`));
  if (app !== undefined && app.status !== "ACTIVE") missing.push(`${appName} is ${app.status}; only an active app can go live`);
  if (!hasPassedValidation(facts.validations, listing.appId, listing.marketplace)) {
    missing.push(`${appName} has not passed App Validation for the ${market} marketplace`);
  }
  const unvalidated = facts.partnerApps.filter(
    (a) => a.status === "ACTIVE" && a.id !== listing.appId && !hasPassedValidation(facts.validations, a.id),
  );
  for (const other of unvalidated) missing.push(`active app ${other.name} has not passed App Validation`);

  if (missing.length === 0) return allow();
  return refuse({
    rule: "R-LIST-2",
    message: `The ${market} listing of ${appName} cannot go live yet.`,
    missing,
    toSatisfy:
      `Be in the program with the current agreements signed, pass App Validation of ${appName} for ${market}` +
      (unvalidated.length > 0 ? `, and pass App Validation of ${unvalidated.map((a) => a.name).join(", ")} (or retire them)` : "") +
      ".",
  });
}

// ---------------------------------------------------------------------------------------------
// R-LIST-3: listing content
// ---------------------------------------------------------------------------------------------

/** Defaults from public marketplace guidelines; a program policy may override any of them. */
export interface ListingContentLimits {
  readonly nameMax: number;
  readonly taglineMax: number;
  readonly summaryMin: number;
  readonly summaryMax: number;
  readonly howItWorksMax: number;
  readonly featureMax: number;
  readonly featuresMaxCount: number;
  readonly minCategories: number;
  readonly urlMax: number;
}

export const LISTING_CONTENT_LIMITS: ListingContentLimits = {
  nameMax: 30,
  taglineMax: 40,
  summaryMin: 200,
  summaryMax: 2000,
  howItWorksMax: 500,
  featureMax: 200,
  featuresMaxCount: 20,
  minCategories: 1,
  urlMax: 2048,
};

/** Listing content as submitted; optional fields may be empty or missing. */
export interface ListingContentInput {
  readonly name: string;
  readonly tagline: string;
  readonly summary: string;
  readonly howItWorks?: string | null;
  readonly features?: readonly string[] | null;
  readonly categoryIds: readonly string[];
  readonly contactKind: string;
  readonly contactEmail?: string | null;
  readonly learnMoreUrl?: string | null;
  readonly websiteUrl?: string | null;
  readonly screenshots?: readonly string[] | null;
  readonly videoUrl?: string | null;
}

/** Checked content: trimmed, empty optionals as null/"" and duplicate categories removed. */
export interface ListingContent {
  readonly name: string;
  readonly tagline: string;
  readonly summary: string;
  readonly howItWorks: string;
  readonly features: readonly string[];
  readonly categoryIds: readonly string[];
  readonly contactKind: ContactKind;
  readonly contactEmail: string | null;
  readonly learnMoreUrl: string | null;
  readonly websiteUrl: string | null;
  readonly screenshots: readonly string[];
  readonly videoUrl: string | null;
}

/**
 * R-LIST-3: check listing content against the limits and the program's category list.
 * Every problem is reported at once, one error per field.
 */
export function validateListingContent(
  content: ListingContentInput,
  programCategoryIds: readonly string[],
  overrides: Partial<ListingContentLimits> = {},
): FieldDecision<ListingContent> {
  const limits: ListingContentLimits = { ...LISTING_CONTENT_LIMITS, ...overrides };
  const errors: FieldError[] = [];

  const name = checkText(errors, "name", content.name, { min: 1, max: limits.nameMax }) ?? "";
  const tagline = checkText(errors, "tagline", content.tagline, { min: 1, max: limits.taglineMax }) ?? "";
  const summary = checkText(errors, "summary", content.summary, { min: Math.max(1, limits.summaryMin), max: limits.summaryMax }) ?? "";
  const howItWorks = checkText(errors, "howItWorks", content.howItWorks, { max: limits.howItWorksMax }) ?? "";

  const rawFeatures = content.features ?? [];
  if (rawFeatures.length > limits.featuresMaxCount) {
    errors.push({ field: "features", message: `at most ${limits.featuresMaxCount} features (has ${rawFeatures.length})` });
  }
  const features: string[] = [];
  rawFeatures.forEach((f, i) => {
    const text = checkText(errors, `features[${i}]`, f, { min: 1, max: limits.featureMax });
    if (text !== null) features.push(text);
  });

  const categoryIds = [...new Set(content.categoryIds.map((c) => c.trim()).filter((c) => c !== ""))];
  if (categoryIds.length < limits.minCategories) {
    errors.push({ field: "categoryIds", message: `at least ${limits.minCategories} categor${limits.minCategories === 1 ? "y" : "ies"} from the program's category list is required` });
  }
  const known = new Set(programCategoryIds);
  content.categoryIds.forEach((c, i) => {
    if (c.trim() !== "" && !known.has(c.trim())) errors.push({ field: `categoryIds[${i}]`, message: `"${c}" is not in the program's category list` });
  });

  const learnMoreUrl = checkHttpUrl(errors, "learnMoreUrl", content.learnMoreUrl, limits.urlMax);
  const websiteUrl = checkHttpUrl(errors, "websiteUrl", content.websiteUrl, limits.urlMax);
  const videoUrl = checkHttpUrl(errors, "videoUrl", content.videoUrl, limits.urlMax);
  const screenshots: string[] = [];
  (content.screenshots ?? []).forEach((s, i) => {
    const url = checkHttpUrl(errors, `screenshots[${i}]`, s, limits.urlMax);
    if (url === null) errors.push({ field: `screenshots[${i}]`, message: "is empty; give an http(s) URL or remove it" });
    else screenshots.push(url);
  });

  const contactKind = (CONTACT_KINDS as readonly string[]).includes(content.contactKind) ? (content.contactKind as ContactKind) : null;
  if (contactKind === null) {
    errors.push({ field: "contactKind", message: `must be CONTACT_FORM (a monitored sales inbox) or LEARN_MORE_LINK (got "${content.contactKind}")` });
  }
  // The contact form delivers to a sales inbox, so it needs one; a learn-more option needs its link.
  const contactEmail = checkEmail(errors, "contactEmail", content.contactEmail, contactKind === "CONTACT_FORM");
  if (contactKind === "LEARN_MORE_LINK" && learnMoreUrl === null) {
    errors.push({ field: "learnMoreUrl", message: "is required when the contact option is LEARN_MORE_LINK" });
  }

  if (errors.length > 0 || contactKind === null) {
    return refuseFields(
      "R-LIST-3",
      `The listing content has ${errors.length} problem${errors.length === 1 ? "" : "s"}.`,
      errors,
      `Keep the name ≤ ${limits.nameMax}, tagline ≤ ${limits.taglineMax}, summary ${limits.summaryMin}–${limits.summaryMax}, "how it works" ≤ ${limits.howItWorksMax} and each of at most ${limits.featuresMaxCount} features ≤ ${limits.featureMax} characters; pick categories from the program's list; use http(s) URLs; and offer a contact form with a sales e-mail or a learn-more link.`,
    );
  }
  return {
    ok: true,
    value: { name, tagline, summary, howItWorks, features, categoryIds, contactKind, contactEmail, learnMoreUrl, websiteUrl, screenshots, videoUrl },
  };
}

// ---------------------------------------------------------------------------------------------
// R-LIST-4: lifecycle
// ---------------------------------------------------------------------------------------------

export type ListingAction = "submit" | "approve" | "reject" | "putAtRisk" | "recover" | "delist" | "reapply";
export type DelistedBy = "STAFF" | "PARTNER" | "SYSTEM";

/** From each state, the actions allowed and where they lead. */
export const LISTING_TRANSITIONS: Readonly<Record<ListingState, Readonly<Partial<Record<ListingAction, ListingState>>>>> = {
  DRAFT: { submit: "IN_REVIEW" },
  IN_REVIEW: { approve: "LIVE", reject: "DRAFT" },
  LIVE: { putAtRisk: "AT_RISK", delist: "DELISTED" },
  AT_RISK: { recover: "LIVE", delist: "DELISTED" },
  DELISTED: { reapply: "IN_REVIEW" },
};

export const DELIST_NOTE_MAX = 2000;

export interface ListingTransitionFacts {
  /** reapply: the listing returns to review through a passed re-application validation (R-USE-4). */
  readonly viaReapplication?: boolean;
  /** delist: why and by whom. */
  readonly delist?: { readonly reason: DelistReason; readonly by: DelistedBy; readonly note?: string | null };
}

/** The actions allowed from a state. */
export function allowedActions(state: ListingState): ListingAction[] {
  return Object.keys(LISTING_TRANSITIONS[state]) as ListingAction[];
}

/** The states reachable from a state. */
export function allowedNextStates(state: ListingState): ListingState[] {
  return Object.values(LISTING_TRANSITIONS[state]);
}

function describeAllowed(state: ListingState): string {
  const moves = Object.entries(LISTING_TRANSITIONS[state]).map(([action, to]) => `${action} → ${to}`);
  return moves.length > 0 ? moves.join(", ") : "nothing";
}

function refuseTransition(state: ListingState, action: ListingAction, message: string, missing: string[], toSatisfy: string): Decision<never> {
  return refuse({ rule: "R-LIST-4", message, missing, toSatisfy, currentState: state, allowed: allowedNextStates(state) });
}

/**
 * R-LIST-4: the listing lifecycle. `approve` also needs canGoLive (R-LIST-2), checked by the caller.
 * Returns the next state, or a refusal naming the current state and the allowed next states.
 */
export function transition(state: ListingState, action: ListingAction, facts: ListingTransitionFacts = {}): Decision<ListingState> {
  const next = LISTING_TRANSITIONS[state][action];
  if (next === undefined) {
    return refuseTransition(
      state,
      action,
      `A listing that is ${state} cannot ${action}; from ${state} it can only ${describeAllowed(state)}.`,
      [`a listing in a state that allows ${action}`],
      state === "DELISTED"
        ? "A delisted listing returns to review only through re-application (R-USE-4)."
        : `Use one of the allowed actions from ${state}: ${describeAllowed(state)}.`,
    );
  }
  if (action === "reapply" && facts.viaReapplication !== true) {
    return refuseTransition(
      state,
      action,
      "A delisted listing returns to review only through re-application (R-USE-4).",
      ["a passed re-application App Validation showing a test customer's usage"],
      "Re-apply: meet R-APP-2 with a test customer again and pass a re-application App Validation that shows its usage.",
    );
  }
  if (action === "delist") {
    const delist = facts.delist;
    if (delist === undefined) {
      return refuseTransition(state, action, "Delisting needs a reason.", ["a delist reason (LOW_USAGE, STAFF_DECISION or PARTNER_REQUEST)"], "Give the reason for delisting.");
    }
    const problems: string[] = [];
    if (delist.reason === "LOW_USAGE" && state === "LIVE") {
      problems.push("an AT_RISK low-usage notice first: a live listing is put at risk before a low-usage delisting (R-USE-2)");
    }
    if (delist.reason === "LOW_USAGE" && delist.by === "PARTNER") problems.push("a low-usage delisting comes from the program, not the partner");
    if (delist.reason === "STAFF_DECISION" && delist.by !== "STAFF") problems.push("a staff decision made by program staff");
    if (delist.reason === "PARTNER_REQUEST" && delist.by !== "PARTNER") problems.push("a partner request made by the partner");
    const note = delist.note?.trim() ?? "";
    if (textLength(note) > DELIST_NOTE_MAX) problems.push(`a delist note of at most ${DELIST_NOTE_MAX} characters (has ${textLength(note)})`);
    if (problems.length > 0) {
      return refuseTransition(
        state,
        action,
        `This listing cannot be delisted with reason ${delist.reason} by ${delist.by.toLowerCase()}.`,
        problems,
        "Staff delist with STAFF_DECISION, the partner with PARTNER_REQUEST; LOW_USAGE applies only to an AT_RISK listing whose deadline passed.",
      );
    }
  }
  return allow(next);
}

// ---------------------------------------------------------------------------------------------
// R-LIST-5: revisions
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// R-LIST-6: what the marketplace frontend sees
// ---------------------------------------------------------------------------------------------

export interface MarketplaceViewer {
  readonly fedrampCleared: boolean;
}

/** Only these states are shown on a marketplace. */
export const SHOWN_STATES: readonly ListingState[] = ["LIVE", "AT_RISK"];

export const isShownState = (state: ListingState): boolean => SHOWN_STATES.includes(state);

/** R-LIST-6: FedRAMP is seen only with clearance. */
export function visibleMarketplaces(viewer: MarketplaceViewer): Marketplace[] {
  return viewer.fedrampCleared ? ["COMMERCIAL", "FEDRAMP"] : ["COMMERCIAL"];
}

/** R-LIST-6: a listing is visible when LIVE or AT_RISK, on a marketplace the viewer may see. */
export function visibleToMarketplace(state: ListingState, marketplace: Marketplace, viewer: MarketplaceViewer): boolean {
  return isShownState(state) && visibleMarketplaces(viewer).includes(marketplace);
}

/**
 * R-LIST-6: does this change alter what the frontend shows? Appearing or disappearing does; LIVE <->
 * AT_RISK does not (both are shown); new live content does while shown. `before` null: just created.
 */
export function isPublicChange(
  before: ListingState | null,
  after: ListingState,
  options: { readonly liveContentChanged?: boolean } = {},
): boolean {
  const wasShown = before !== null && isShownState(before);
  const isShown = isShownState(after);
  return wasShown !== isShown || (isShown && options.liveContentChanged === true);
}
