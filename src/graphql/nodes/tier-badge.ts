// TierBadge: a partner's tier as the storefront shows it, named on this year's ladder (R-TIER-1).
import { tierLadder, tierName, type TierLadder } from "../../program/storefront.js";
import { builder } from "../builder.js";
import type { Context } from "../context.js";

export const TierBadge = builder.objectRef<{ key: string; name: string; rank: number | null }>("TierBadge").implement({
  description: "The partner's tier as the storefront shows it.",
  fields: (t) => ({
    tier: t.exposeString("key"),
    name: t.exposeString("name"),
    rank: t.exposeInt("rank", { nullable: true, description: "Position on this year's ladder, higher is better; null when the ladder does not name the tier." }),
  }),
});

// One read of the tier ladder per request, however many partners it shows; a listings page brings it along.
const ladders = new WeakMap<Context, Promise<TierLadder>>();

/** The badge of a tier key as this year's ladder names it (the ladder read once per request). */
export async function tierBadgeOf(tierKey: string, ctx: Context) {
  let ladder = ladders.get(ctx);
  if (!ladder) ladders.set(ctx, (ladder = tierLadder(ctx.sql, ctx.program.today())));
  const rung = (await ladder).get(tierKey);
  return { key: tierKey, name: rung?.name ?? tierName(tierKey), rank: rung?.rank ?? null };
}
