// The tier ladder the seed writes into each year's policy: the rules' own defaults (R-TIER-1,
// R-TIER-7), so the seed and the rules never disagree.
import { defaultLadder, type Tier } from "../domain/tiers.js";

export type TierRow = Tier;

export function defaultTierLadder(): TierRow[] {
  return defaultLadder();
}
