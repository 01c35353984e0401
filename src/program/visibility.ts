// Who may see what, as Prisma filters, so reads enforce it in the query itself and a hidden
// object reads exactly like a missing one (no existence oracle). The use cases ask the same
// questions (the predicates below) before acting, so a refused action on an object the viewer
// may not see answers NotFound, exactly like an unknown id.
//
// Integration managers (RULES.md, "Actors": staff who lead App Validation) see what App Validation
// needs: every partner's apps, test customers (with the test customer's use, which a re-application
// shows, R-USE-4), validations and listings, and the history of those. The rest of a partner's
// private records is its business with program staff (leads are triaged by program staff, inquiries
// and tiers are program matters, members, API tokens and agreements are the partner's own): leads,
// inquiries, members, API tokens, agreement signatures, tier assessments, tier progress, Premier
// invitations and an app's monthly usage (R-USE-2 is program staff's sweep) read to an integration
// manager like another partner's, and their events are left out of its history.
import type { Viewer } from "../auth/viewer.js";
import { eventTypesFor } from "../domain/events.js";
import type { Prisma } from "../generated/prisma/client.js";
import { SHOWN_STATES, visibleMarketplaces, type Marketplace } from "../domain/listings/marketplaces.js";

export function canSeeMarketplace(viewer: Viewer, marketplace: Marketplace): boolean {
  return visibleMarketplaces(viewer).includes(marketplace);
}

const isIntegrationManager = (viewer: Viewer) => viewer.kind === "staff" && viewer.role === "INTEGRATION_MANAGER";

/** Listings on the storefront: live or at risk, on a marketplace the viewer may see. */
export function storefrontListingWhere(viewer: Viewer): Prisma.ListingWhereInput {
  return { state: { in: [...SHOWN_STATES] }, marketplace: { in: visibleMarketplaces(viewer) } };
}

export function listingWhere(viewer: Viewer): Prisma.ListingWhereInput {
  const marketplaces = { marketplace: { in: visibleMarketplaces(viewer) } };
  if (viewer.kind === "staff") return marketplaces;
  if (viewer.kind === "partner") {
    return { AND: [marketplaces, { OR: [{ partnerId: viewer.partnerId }, storefrontListingWhere(viewer)] }] };
  }
  return storefrontListingWhere(viewer);
}

/** listingWhere, for one listing already read. */
export function canSeeListing(viewer: Viewer, l: { partnerId: string; marketplace: Marketplace; state: string }): boolean {
  if (!canSeeMarketplace(viewer, l.marketplace)) return false;
  return canSeePartnerWork(viewer, l.partnerId) || (SHOWN_STATES as readonly string[]).includes(l.state);
}

/** Validations: the partner's and staff's, and a FedRAMP one only with clearance (like its listing). */
export function validationWhere(viewer: Viewer): Prisma.AppValidationWhereInput {
  const own = ownPartnerId(viewer);
  return { marketplace: { in: visibleMarketplaces(viewer) }, ...(own === undefined ? {} : { app: { partnerId: own } }) };
}

export function canSeeValidation(viewer: Viewer, v: { marketplace: Marketplace; app: { partnerId: string } }): boolean {
  return canSeeMarketplace(viewer, v.marketplace) && canSeePartnerWork(viewer, v.app.partnerId);
}

/** Inquiries: partner-private, and one sent through a FedRAMP listing only with clearance. */
export function canSeeInquiry(viewer: Viewer, i: { partnerId: string; listing: { marketplace: Marketplace } }): boolean {
  return canSeeMarketplace(viewer, i.listing.marketplace) && canSeePartnerPrivate(viewer, i.partnerId);
}

export function partnerWhere(viewer: Viewer): Prisma.PartnerWhereInput {
  if (viewer.kind === "staff") return {};
  const onStorefront: Prisma.PartnerWhereInput = { apps: { some: { listings: { some: storefrontListingWhere(viewer) } } } };
  if (viewer.kind === "partner") return { OR: [{ id: viewer.partnerId }, onStorefront] };
  return onStorefront;
}

export function appWhere(viewer: Viewer): Prisma.AppWhereInput {
  if (viewer.kind === "staff") return {};
  const onStorefront: Prisma.AppWhereInput = { listings: { some: storefrontListingWhere(viewer) } };
  if (viewer.kind === "partner") return { OR: [{ partnerId: viewer.partnerId }, onStorefront] };
  return onStorefront;
}

/** The partner's work with the program (apps, test customers, validations, listings in progress): any staff, or the partner itself. */
export function ownPartnerId(viewer: Viewer): Prisma.StringFilter | string | undefined {
  if (viewer.kind === "staff") return undefined;
  if (viewer.kind === "partner") return viewer.partnerId;
  return { in: [] };
}

export function canSeePartnerWork(viewer: Viewer, partnerId: string): boolean {
  return viewer.kind === "staff" || (viewer.kind === "partner" && viewer.partnerId === partnerId);
}

/** Partner-private records (leads, inquiries, members, API tokens, agreements, tiers, usage): program staff, or the partner itself. */
export function privatePartnerId(viewer: Viewer): Prisma.StringFilter | string | undefined {
  if (isIntegrationManager(viewer)) return { in: [] };
  return ownPartnerId(viewer);
}

export function canSeePartnerPrivate(viewer: Viewer, partnerId: string): boolean {
  return !isIntegrationManager(viewer) && canSeePartnerWork(viewer, partnerId);
}

/** What an integration manager's history holds (the event catalogue's audience): App Validation's work on apps, test customers, validations and listings. */
const integrationManagerTypes: readonly string[] = eventTypesFor("integrationManager");

/**
 * History rows the viewer may read (besides whose they are): events about a FedRAMP listing or
 * validation only with clearance (R-LIST-6), as on the subscriptions; an integration manager's only
 * about App Validation's work.
 */
export function eventWhere(viewer: Viewer): Prisma.EventWhereInput {
  const marketplace: Prisma.EventWhereInput = viewer.fedrampCleared ? {} : { OR: [{ marketplace: null }, { marketplace: "COMMERCIAL" }] };
  if (!isIntegrationManager(viewer)) return marketplace;
  return { AND: [marketplace, { type: { in: [...integrationManagerTypes] } }] };
}

/** eventWhere, for one event already read (the subscriptions' in-memory feed). */
export function canSeeEvent(viewer: Viewer, e: { marketplace: Marketplace | null; type: string }): boolean {
  if (e.marketplace === "FEDRAMP" && !viewer.fedrampCleared) return false;
  return !isIntegrationManager(viewer) || integrationManagerTypes.includes(e.type);
}

/**
 * What the visibility rules read of a viewer: its kind, partner, role (staff's role; a partner
 * member's role decides `partnerAdmin`) and FedRAMP clearance. Identity (memberId, staffId,
 * apiTokenId, system) is left out: it names who acts (the event log's actor), never what one may see.
 */
export const VISIBILITY_CLASS_FIELDS = ["kind", "partnerId", "role", "fedrampCleared"] as const;

/**
 * The viewer's visibility class: two viewers of one class get the same answer from every
 * predicate above and from every subscription declared to fan out by it (graphql/nodes/event.ts),
 * so one execution per event serves a whole class (server/fan-out.ts).
 */
export function visibilityClass(viewer: Viewer): string {
  switch (viewer.kind) {
    case "public":
      return "public";
    case "partner":
      return `partner:${viewer.partnerId}:${viewer.role}:${viewer.fedrampCleared ? "fedramp" : "commercial"}`;
    case "staff":
      return `staff:${viewer.role}:${viewer.fedrampCleared ? "fedramp" : "commercial"}`;
  }
}
