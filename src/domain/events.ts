// The event catalogue (R-EVT-1): every kind of event the program writes, once. Each entry says
// what the event is about, who reads it besides program staff, what it changes on the storefront
// (R-LIST-6) and what its payload looks like. The writers, the event table's readers (history,
// subscriptions), the storefront cache and the GraphQL `Event` type all read this file; TypeScript
// refuses an unknown type or a payload of the wrong shape.
//
// Names: `<subject>.<what-happened>`, lowercase, words joined by dashes.
import type { AppKind, DataFlow, ValidationCheckKind, ValidationPurpose, ValidationStatus } from "./apps.js";
import type { LeadStatus } from "./leads.js";
import type { DelistReason } from "./listings/lifecycle.js";
import type { ListingState } from "./listings/marketplaces.js";
import type { AgreementKind, PartnerRole } from "./partners.js";
import type { LowUsageListingSnapshot } from "./usage.js";

/** What an event is about (the `subjectType` column). */
export type EventSubject =
  | "Partner" | "AgreementDocument" | "App" | "AppValidation" | "Listing" | "Lead" | "Inquiry"
  | "UsageBatch" | "TierAssessment" | "ProgramPolicy";

/**
 * Who reads an event besides program staff, who read them all:
 * - `partner`: the partner it concerns (its history and `partnerEvents`); such an event always names its partner;
 * - `integrationManager`: integration managers, who see App Validation's work and nothing private of a partner;
 * - `public`: the marketplace frontend (`listingChanges`), when the event is a storefront change (R-LIST-6).
 * An event about a FedRAMP listing or validation reaches only viewers with clearance, whoever they are.
 */
export type EventAudience = "partner" | "integrationManager" | "public";

/**
 * What a committed event changes of what the storefront shows:
 * - `listing`: the listing's card and page, and every page of its marketplace, when the event is a
 *   storefront change (its writer decides with `isStorefrontChange`, R-LIST-6);
 * - `partner`: the partner's tier badge on its cards, and every page (the tier facet);
 * - `app`: the app's name, kind and data flow on its cards, and every page (facets);
 * - `popularity`: the popularity order of every page;
 * - `ladder`: tier names on every badge and in the tier facet;
 * - `none`: nothing the storefront shows.
 */
export type StorefrontEffect = "listing" | "partner" | "app" | "popularity" | "ladder" | "none";

/** A timestamp in a payload: written as a Date, stored and read back as an ISO string. */
export type Timestamp = Date | string;

interface ListingReview {
  readonly before: { readonly state: ListingState; readonly liveRevision: string | null };
  readonly after: { readonly state: ListingState; readonly revision: number; readonly revisionStatus: "APPROVED" | "REJECTED" };
}

interface PolicySettings {
  readonly year: number;
  readonly version: number;
  readonly [setting: string]: unknown;
}

/** Each event type's payload: `before` and `after` as stored (null or absent: none). */
export interface EventPayloads {
  "partner.joined": { before: null; after: { name: string; slug: string; tier: string; admin: string } };
  "member.invited": { before: null; after: { memberId: string; email: string; role: PartnerRole } };
  "member.removed": { before: { memberId: string; email: string; role: PartnerRole }; after: null };
  "api-token.created": { before: null; after: { apiTokenId: string; name: string; expiresAt: Timestamp | null } };
  "api-token.revoked": { before: { apiTokenId: string; name: string }; after: { revokedAt: Timestamp | null } };
  "agreement.published": { before: { version: number } | null; after: { kind: AgreementKind; version: number; bodySha256: string } };
  "agreement.signed": { before: null; after: { kind: AgreementKind; version: number; bodySha256: string } };
  "app.created": { before: null; after: { name: string; kind: AppKind; dataFlow: DataFlow } };
  "app.updated": { before: { name: string; kind: AppKind; dataFlow: DataFlow }; after: { name: string; kind: AppKind; dataFlow: DataFlow } };
  "app.retired": { before: { status: string }; after: { status: "RETIRED" } };
  "test-customer.registered": {
    before: null;
    after: { testCustomerId: string; customerRef: string; customerName: string; installedAsCustomApp: boolean };
  };
  "test-customer.used": { before: { usageCount: number }; after: { testCustomerId: string; usageCount: number; usedAt: Timestamp } };
  "validation.requested": { before: null; after: { app: string; attempt: number; purpose: ValidationPurpose; status: ValidationStatus } };
  "validation.assigned": { before: { status: ValidationStatus }; after: { status: ValidationStatus; integrationManager: string } };
  "validation.check-recorded": {
    before: { kind: ValidationCheckKind; passed: boolean } | null;
    after: { kind: ValidationCheckKind; passed: boolean; notes: string | null };
  };
  "validation.passed": { before: { status: ValidationStatus }; after: { status: ValidationStatus; app: string; attempt: number; purpose: ValidationPurpose } };
  "validation.failed": { before: { status: ValidationStatus }; after: { status: ValidationStatus; app: string; attempt: number; purpose: ValidationPurpose } };
  "listing.created": { before: null; after: { state: ListingState; app: string; name: string } };
  "listing.revision-drafted": { before: null; after: { revision: number; name: string; liveRevisionStays: boolean } };
  "listing.submitted": { before: { state: ListingState }; after: { state: ListingState; revision: number } };
  "listing.revision-submitted": { before: { state: ListingState }; after: { state: ListingState; revision: number } };
  "listing.live": ListingReview;
  "listing.revised": ListingReview;
  "listing.rejected": ListingReview;
  "listing.revision-rejected": ListingReview;
  "listing.delisted":
    | { before: { state: ListingState }; after: { state: ListingState; reason: DelistReason } }
    | { before: LowUsageListingSnapshot; after: LowUsageListingSnapshot };
  "listing.reapplied": { before: { state: ListingState; reason: DelistReason | null }; after: { state: ListingState; revision: number | null } };
  "listing.low-usage-notice": { before: LowUsageListingSnapshot; after: LowUsageListingSnapshot };
  "listing.low-usage-recovered": { before: LowUsageListingSnapshot; after: LowUsageListingSnapshot };
  "lead.sent": { before: null; after: { company: string; status: LeadStatus } };
  "lead.triaged": { before: { status: LeadStatus }; after: { status: LeadStatus } };
  "lead.recorded": { before: null; after: { company: string; status: LeadStatus; receivedAt: Timestamp; decidedAt: Timestamp | null } };
  "inquiry.received": { before: null; after: { from: string } };
  "inquiry.answered": { before: null; after: { responseSeconds: number } };
  "inquiry.recorded": { before: null; after: { from: string; receivedAt: Timestamp; respondedAt: Timestamp | null } };
  "usage.recorded": {
    before: null;
    after: { rows: number; created: number; replaced: number; apps: number; firstMonth: string | null; lastMonth: string | null; [detail: string]: unknown };
  };
  "tier.assessed": { before: { tier: string; [was: string]: unknown }; after: { year: number; effectiveYear: number; tier: string; [figure: string]: unknown } };
  "tier.reassessed": { before: { tier: string; [was: string]: unknown }; after: { year: number; effectiveYear: number; tier: string; [figure: string]: unknown } };
  "tier.premier-invited": { before: null; after: { invitationId: string; effectiveYear: number; decidedBy: string; grounds: unknown } };
  "tier.premier-invitation-withdrawn": { before: { invitationId: string; effectiveYear: number; status: "PENDING" }; after: { status: "WITHDRAWN" } };
  "policy.created": { before: { policyId: string; version: number } | null; after: PolicySettings };
  "policy.updated": { before: PolicySettings | { [setting: string]: unknown }; after: PolicySettings };
}

export type EventType = keyof EventPayloads;

export interface EventSpec {
  readonly subject: EventSubject;
  readonly audiences: readonly EventAudience[];
  readonly storefront: StorefrontEffect;
  /** Connections authenticated by what this event takes away (a token, a membership) are re-checked at once. */
  readonly revokesAccess?: true;
  /** One line, for the API's documentation. */
  readonly description: string;
}

const partnerWork = ["partner", "integrationManager"] as const;
const listingWork = ["partner", "integrationManager", "public"] as const;

export const EVENT_CATALOGUE: { readonly [T in EventType]: EventSpec } = {
  "partner.joined": { subject: "Partner", audiences: ["partner"], storefront: "none", description: "A partner signed up; it starts at the entry tier (R-PART-1)." },
  "member.invited": { subject: "Partner", audiences: ["partner"], storefront: "none", description: "A partner admin added a member." },
  "member.removed": { subject: "Partner", audiences: ["partner"], storefront: "none", revokesAccess: true, description: "A partner admin removed a member; the member's connections close." },
  "api-token.created": { subject: "Partner", audiences: ["partner"], storefront: "none", description: "A partner admin created an API token." },
  "api-token.revoked": { subject: "Partner", audiences: ["partner"], storefront: "none", revokesAccess: true, description: "An API token was revoked; connections using it close." },
  "agreement.published": { subject: "AgreementDocument", audiences: [], storefront: "none", description: "Staff published a new version of an agreement (R-PART-5)." },
  "agreement.signed": { subject: "Partner", audiences: ["partner"], storefront: "none", description: "A partner admin signed an agreement as published (R-PART-2, R-PART-3)." },
  "app.created": { subject: "App", audiences: partnerWork, storefront: "none", description: "A partner registered an app (R-APP-1)." },
  "app.updated": { subject: "App", audiences: partnerWork, storefront: "app", description: "A partner changed an app's name, kind or data flow." },
  "app.retired": { subject: "App", audiences: partnerWork, storefront: "none", description: "A partner retired an app with no live listing." },
  "test-customer.registered": { subject: "App", audiences: partnerWork, storefront: "none", description: "A shared test customer installed the app as a custom app (R-APP-2)." },
  "test-customer.used": { subject: "App", audiences: partnerWork, storefront: "none", description: "A test customer used the app (R-APP-2, R-USE-4)." },
  "validation.requested": { subject: "AppValidation", audiences: partnerWork, storefront: "none", description: "A partner requested App Validation (R-APP-4)." },
  "validation.assigned": { subject: "AppValidation", audiences: partnerWork, storefront: "none", description: "An integration manager took on a validation (R-APP-3)." },
  "validation.check-recorded": { subject: "AppValidation", audiences: partnerWork, storefront: "none", description: "A validation check was recorded pass or fail (R-APP-3)." },
  "validation.passed": { subject: "AppValidation", audiences: partnerWork, storefront: "none", description: "App Validation passed: every required check passed (R-APP-3)." },
  "validation.failed": { subject: "AppValidation", audiences: partnerWork, storefront: "none", description: "App Validation failed; it can be requested again (R-APP-5)." },
  "listing.created": { subject: "Listing", audiences: listingWork, storefront: "listing", description: "A partner created a draft listing (R-LIST-1)." },
  "listing.revision-drafted": { subject: "Listing", audiences: listingWork, storefront: "listing", description: "A listing's content was edited on a draft revision (R-LIST-5)." },
  "listing.submitted": { subject: "Listing", audiences: listingWork, storefront: "listing", description: "A draft listing went to review (R-LIST-4)." },
  "listing.revision-submitted": { subject: "Listing", audiences: listingWork, storefront: "listing", description: "A revision of a live listing went to review (R-LIST-5)." },
  "listing.live": { subject: "Listing", audiences: listingWork, storefront: "listing", description: "Staff approved a listing: it is live (R-LIST-2)." },
  "listing.revised": { subject: "Listing", audiences: listingWork, storefront: "listing", description: "Staff approved a revision: the live listing shows it (R-LIST-5)." },
  "listing.rejected": { subject: "Listing", audiences: listingWork, storefront: "listing", description: "Staff sent a listing in review back to draft (R-LIST-4)." },
  "listing.revision-rejected": { subject: "Listing", audiences: listingWork, storefront: "listing", description: "Staff rejected a revision; the live one stays (R-LIST-5)." },
  "listing.delisted": { subject: "Listing", audiences: listingWork, storefront: "listing", description: "A listing left the marketplace: by staff, by the partner, or for low usage (R-LIST-4, R-USE-2)." },
  "listing.reapplied": { subject: "Listing", audiences: listingWork, storefront: "listing", description: "A low-usage-delisted listing returned to review after a passed re-application (R-USE-4)." },
  "listing.low-usage-notice": { subject: "Listing", audiences: listingWork, storefront: "listing", description: "The sweep put a live listing at risk with a deadline (R-USE-2)." },
  "listing.low-usage-recovered": { subject: "Listing", audiences: listingWork, storefront: "listing", description: "Usage recovered before the deadline: the listing is live again (R-USE-2)." },
  "lead.sent": { subject: "Lead", audiences: ["partner"], storefront: "none", description: "A partner sent the program a lead (R-LEAD-1)." },
  "lead.triaged": { subject: "Lead", audiences: ["partner"], storefront: "none", description: "Staff moved a lead on: accepted, won, lost or rejected (R-LEAD-1)." },
  "lead.recorded": { subject: "Lead", audiences: ["partner"], storefront: "none", description: "Staff recorded a lead that reached the program outside the API, with its real dates (R-LEAD-1, R-TIME-1)." },
  "inquiry.received": { subject: "Inquiry", audiences: ["partner"], storefront: "none", description: "A customer wrote through a listing's contact form (R-INQ-1)." },
  "inquiry.answered": { subject: "Inquiry", audiences: ["partner"], storefront: "none", description: "The partner answered an inquiry; its response time counts (R-INQ-1)." },
  "inquiry.recorded": { subject: "Inquiry", audiences: ["partner"], storefront: "none", description: "Staff recorded an inquiry that reached the partner outside the API, with its real dates (R-INQ-1, R-TIME-1)." },
  "usage.recorded": { subject: "UsageBatch", audiences: [], storefront: "popularity", description: "Monthly usage was recorded or imported (R-USE-1)." },
  "tier.assessed": { subject: "TierAssessment", audiences: ["partner"], storefront: "partner", description: "The annual assessment set a partner's tier for the next year (R-TIER-2, R-TIER-8)." },
  "tier.reassessed": { subject: "TierAssessment", audiences: ["partner"], storefront: "partner", description: "Staff superseded an assessment; the old one stays (R-TIER-8)." },
  "tier.premier-invited": { subject: "Partner", audiences: ["partner"], storefront: "none", description: "Staff invited a partner to Premier for a year (R-TIER-5)." },
  "tier.premier-invitation-withdrawn": { subject: "Partner", audiences: ["partner"], storefront: "none", description: "Staff withdrew a pending Premier invitation before its assessment (R-TIER-5)." },
  "policy.created": { subject: "ProgramPolicy", audiences: [], storefront: "ladder", description: "Staff published a program policy version (tiers, thresholds, settings)." },
  "policy.updated": { subject: "ProgramPolicy", audiences: [], storefront: "ladder", description: "Staff changed an unlocked program policy." },
};

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

export const isEventType = (v: string): v is EventType => Object.hasOwn(EVENT_CATALOGUE, v);

/** The event types an audience reads. */
export const eventTypesFor = (audience: EventAudience): EventType[] => EVENT_TYPES.filter((t) => EVENT_CATALOGUE[t].audiences.includes(audience));

/** The event types with this effect on the storefront. */
export const eventTypesWithEffect = (effect: StorefrontEffect): EventType[] => EVENT_TYPES.filter((t) => EVENT_CATALOGUE[t].storefront === effect);
