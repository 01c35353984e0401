// Delisting risk (R-USE-2), as Listing.delistingRisk and App.delistingRisk show it: the trailing-window
// usage, the minimum, the status and the deadline, judged exactly as the sweep would judge them, so a
// partner sees it coming.
import type { LowUsageResult } from "../../domain/usage.js";
import type { ListingState } from "../../domain/listings/marketplaces.js";
import { builder } from "../builder.js";
import { ListingStateEnum, MarketplaceEnum } from "../enums.js";

export type DelistingRisk = LowUsageResult & { readonly state: ListingState; readonly atRiskDeadline: Date | null; readonly marketplace: "COMMERCIAL" | "FEDRAMP" };

const UsageStatusEnum = builder.enumType("LowUsageStatus", {
  description: "OK: the minimum was reached in some month of the window; LOW: in none; NEW: not live for the whole window yet, so not judged.",
  values: ["OK", "LOW", "NEW"] as const,
});
const SweepActionEnum = builder.enumType("LowUsageAction", {
  description: "What a sweep on the as-of date would do: nothing, put the listing at risk, delist it, or return it to LIVE.",
  values: ["NONE", "PUT_AT_RISK", "DELIST", "RECOVER"] as const,
});

export const DelistingRiskType = builder.objectRef<DelistingRisk>("DelistingRisk").implement({
  description: "R-USE-2: the listing's usage against the program's minimum over the trailing window.",
  fields: (t) => ({
    marketplace: t.field({ type: MarketplaceEnum, resolve: (r) => r.marketplace }),
    state: t.field({ type: ListingStateEnum, resolve: (r) => r.state }),
    trailingActiveCustomers: t.exposeInt("trailingActiveCustomers", { description: "The highest monthly active customers in the window." }),
    peakMonth: t.field({ type: "Date", nullable: true, resolve: (r) => r.peakMonth }),
    minimum: t.exposeInt("minimum"),
    windowFrom: t.field({ type: "Date", resolve: (r) => r.window.from }),
    windowThrough: t.field({ type: "Date", description: "The as-of month, counted as recorded so far.", resolve: (r) => r.window.through }),
    status: t.field({ type: UsageStatusEnum, resolve: (r) => r.status }),
    deadline: t.field({
      type: "DateTime",
      nullable: true,
      description: "AT_RISK: the delisting deadline in force. LIVE and low: the deadline a sweep today would set.",
      resolve: (r) => r.atRiskDeadline ?? r.deadline ?? null,
    }),
    nextSweepAction: t.field({ type: SweepActionEnum, resolve: (r) => r.action }),
    explanation: t.exposeString("reason"),
  }),
});
