// R-LIST-1 / R-LIST-6: the two marketplaces, the listing states, and what the marketplace
// frontend sees (only LIVE and AT_RISK listings, FedRAMP only with clearance).

export type Marketplace = "COMMERCIAL" | "FEDRAMP";
export type ListingState = "DRAFT" | "IN_REVIEW" | "LIVE" | "AT_RISK" | "DELISTED";

export const MARKETPLACES: readonly Marketplace[] = ["COMMERCIAL", "FEDRAMP"];
export const MARKETPLACE_NAMES: Readonly<Record<Marketplace, string>> = { COMMERCIAL: "Commercial", FEDRAMP: "FedRAMP" };
export const LISTING_STATES: readonly ListingState[] = ["DRAFT", "IN_REVIEW", "LIVE", "AT_RISK", "DELISTED"];

export const isMarketplace = (v: string): v is Marketplace => (MARKETPLACES as readonly string[]).includes(v);

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
 * R-LIST-6: does this change alter what the frontend shows? Appearing or disappearing does; so does
 * LIVE <-> AT_RISK (both are shown, but the at-risk badge appears or goes), and new live content
 * while shown. `before` null: just created. The one definition: every writer of a listing event asks it.
 */
export function isStorefrontChange(
  before: ListingState | null,
  after: ListingState,
  options: { readonly liveContentChanged?: boolean } = {},
): boolean {
  const wasShown = before !== null && isShownState(before);
  const isShown = isShownState(after);
  return wasShown !== isShown || (isShown && (before !== after || options.liveContentChanged === true));
}
