// A listing's life (R-LIST-1, R-LIST-2, R-LIST-4): one app on one marketplace, when it may go
// live, and which state changes are allowed. Facts in, Decision out.
import { allow, refuse, type Decision } from "../decision.js";
import { agreementsPermitListing, type AgreementStanding } from "../partners.js";
import { hasPassedValidation, validationHistory, type AppFact, type ValidationFact } from "../apps.js";
import { textLength } from "../fields.js";
import { MARKETPLACE_NAMES, type ListingState, type Marketplace } from "./marketplaces.js";

export type DelistReason = "LOW_USAGE" | "STAFF_DECISION" | "PARTNER_REQUEST";

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
  // What would satisfy it: only the conditions still unmet.
  const steps: string[] = [];
  if (!agreements.ok) steps.push(`be in the program with the current agreements signed (${agreements.refusal.toSatisfy.replace(/\.$/, "")})`);
  if (app !== undefined && app.status !== "ACTIVE") steps.push(`list an active app (${appName} is ${app.status})`);
  if (!hasPassedValidation(facts.validations, listing.appId, listing.marketplace)) steps.push(`pass App Validation of ${appName} for ${market}`);
  if (unvalidated.length > 0) steps.push(`pass App Validation of ${unvalidated.map((a) => a.name).join(", ")} (or retire ${unvalidated.length === 1 ? "it" : "them"})`);
  const toSatisfy = steps.join(", and ");
  return refuse({
    rule: "R-LIST-2",
    message: `The ${market} listing of ${appName} cannot go live yet.`,
    missing,
    toSatisfy: `${toSatisfy[0]!.toUpperCase()}${toSatisfy.slice(1)}.`,
  });
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
