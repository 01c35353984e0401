// Who may see what, as Prisma filters, so reads enforce it in the query itself and a hidden
// object reads exactly like a missing one (no existence oracle). The use cases ask the same
// questions (the predicates below) before acting, so a refused action on an object the viewer
// may not see answers NotFound, exactly like an unknown id.
import type { Viewer } from "../auth/viewer.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Marketplace } from "../domain/listings.js";

export const shownStates = ["LIVE", "AT_RISK"] as const;

/** Marketplaces the viewer may see anything of at all (R-LIST-6); FedRAMP needs clearance. */
export function visibleMarketplaces(viewer: Viewer): Marketplace[] {
  return viewer.fedrampCleared ? ["COMMERCIAL", "FEDRAMP"] : ["COMMERCIAL"];
}

export function canSeeMarketplace(viewer: Viewer, marketplace: Marketplace): boolean {
  return visibleMarketplaces(viewer).includes(marketplace);
}

/** Listings on the storefront: live or at risk, on a marketplace the viewer may see. */
export function storefrontListingWhere(viewer: Viewer): Prisma.ListingWhereInput {
  return { state: { in: [...shownStates] }, marketplace: { in: visibleMarketplaces(viewer) } };
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
  return canSeePartnerPrivate(viewer, l.partnerId) || (shownStates as readonly string[]).includes(l.state);
}

/** Validations: the partner's and staff's, and a FedRAMP one only with clearance (like its listing). */
export function validationWhere(viewer: Viewer): Prisma.AppValidationWhereInput {
  const own = ownPartnerId(viewer);
  return { marketplace: { in: visibleMarketplaces(viewer) }, ...(own === undefined ? {} : { app: { partnerId: own } }) };
}

export function canSeeValidation(viewer: Viewer, v: { marketplace: Marketplace; app: { partnerId: string } }): boolean {
  return canSeeMarketplace(viewer, v.marketplace) && canSeePartnerPrivate(viewer, v.app.partnerId);
}

/** Inquiries: partner-private, and one sent through a FedRAMP listing only with clearance. */
export function canSeeInquiry(viewer: Viewer, i: { partnerId: string; listing: { marketplace: Marketplace } }): boolean {
  return canSeeMarketplace(viewer, i.listing.marketplace) && canSeePartnerPrivate(viewer, i.partnerId);
}

/** History rows: events about a FedRAMP listing are for cleared viewers only (R-LIST-6), as on the subscriptions. */
export function eventMarketplaceWhere(viewer: Viewer): Prisma.EventWhereInput {
  return viewer.fedrampCleared ? {} : { OR: [{ marketplace: null }, { marketplace: "COMMERCIAL" }] };
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

/** Partner-private records (validations, usage, leads, inquiries, members...): staff or the partner itself. */
export function ownPartnerId(viewer: Viewer): Prisma.StringFilter | string | undefined {
  if (viewer.kind === "staff") return undefined;
  if (viewer.kind === "partner") return viewer.partnerId;
  return { in: [] };
}

export function canSeePartnerPrivate(viewer: Viewer, partnerId: string): boolean {
  return viewer.kind === "staff" || (viewer.kind === "partner" && viewer.partnerId === partnerId);
}
