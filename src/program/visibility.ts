// Who may see what, as Prisma filters, so reads enforce it in the query itself and a hidden
// object reads exactly like a missing one (no existence oracle).
import type { Viewer } from "../auth/viewer.js";
import type { Prisma } from "../generated/prisma/client.js";

export const shownStates = ["LIVE", "AT_RISK"] as const;

/** Marketplaces the viewer may see listings of at all (R-LIST-6). */
export function visibleMarketplaces(viewer: Viewer): ("COMMERCIAL" | "FEDRAMP")[] {
  return viewer.fedrampCleared ? ["COMMERCIAL", "FEDRAMP"] : ["COMMERCIAL"];
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
