// Usage and low-usage delisting (R-USE-1..4). Facts in, decisions out: the caller passes `asOf`
// (UTC) and writes each state change with its event; nothing here reads the clock or the database.
import { addDays, isoDate, monthFromIndex, monthIndex, monthKey, startOfMonth } from "./dates.js";
import { allow, refuse, type Decision } from "./decision.js";
import type { EventType } from "./events.js";
import type { ValidationPurpose, ValidationStatus } from "./apps.js";
import { isStorefrontChange, type ListingState } from "./listings/marketplaces.js";
import { refuseFields, type FieldDecision } from "./fields.js";
import type { DelistReason } from "./listings/lifecycle.js";

/** UsageMonth counts are PostgreSQL `integer`, API calls `bigint`. */
const MAX_COUNT = 2_147_483_647n;
const MAX_CALLS = 9_223_372_036_854_775_807n;

/**
 * A usage month from "YYYY-MM", "YYYY-MM-01" or a Date on the first day of a month (UTC), as the
 * first day of that month at 00:00 UTC; null for anything else. Other days are refused rather than
 * rounded, so a row meant for another month is never filed silently under this one.
 */
export function parseMonth(value: string | Date): Date | null {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime()) || value.getUTCDate() !== 1) return null;
    return startOfMonth(value);
  }
  const m = /^(\d{4})-(\d{2})(?:-01)?$/.exec(typeof value === "string" ? value.trim() : "");
  if (!m) return null;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  return new Date(Date.UTC(Number(m[1]), month - 1, 1));
}

// ---------------------------------------------------------------------------------------------
// R-USE-1: one usage row per app per month
// ---------------------------------------------------------------------------------------------

/** Counts arrive from imports as numbers, bigints or digit strings (calls can exceed 2^53). */
export type WholeNumberInput = number | bigint | string;

export interface UsageRowInput {
  readonly appId: string;
  /** "YYYY-MM", "YYYY-MM-01" or a Date on the first of the month (UTC). */
  readonly month: string | Date;
  readonly activeCustomers: WholeNumberInput;
  readonly installs: WholeNumberInput;
  readonly uninstalls: WholeNumberInput;
  readonly pushCalls: WholeNumberInput;
  readonly pullCalls: WholeNumberInput;
}

/** A checked usage row, shaped like the UsageMonth table. */
export interface UsageRow {
  readonly appId: string;
  /** First day of the month, 00:00 UTC. */
  readonly month: Date;
  readonly activeCustomers: number;
  readonly installs: number;
  readonly uninstalls: number;
  readonly pushCalls: bigint;
  readonly pullCalls: bigint;
}

function wholeNumber(value: unknown, max: bigint): bigint | string {
  let n: bigint;
  if (typeof value === "bigint") n = value;
  else if (typeof value === "number") {
    if (!Number.isInteger(value)) return `must be a whole number (got ${value})`;
    if (!Number.isSafeInteger(value)) return "is too large for a number; send it as a string of digits";
    n = BigInt(value);
  } else if (typeof value === "string") {
    if (!/^\d+$/.test(value.trim())) return `must be a whole number written in digits (got "${value}")`;
    n = BigInt(value.trim());
  } else return "is required";
  if (n < 0n) return `must be 0 or more (got ${n})`;
  if (n > max) return `must be at most ${max} (got ${n})`;
  return n;
}

/**
 * R-USE-1: checks one imported row: an app id, a month that is not after `asOf`'s month (the current
 * month may be recorded so far), counts that are whole numbers ≥ 0. Calls are returned as bigint,
 * customer counts as number. Recording the row again replaces it (see latestPerAppMonth).
 */
export function validateUsageRow(input: UsageRowInput, asOf: Date): FieldDecision<UsageRow> {
  const errors: { field: keyof UsageRowInput; message: string }[] = [];
  const appId = typeof input.appId === "string" ? input.appId.trim() : "";
  if (appId === "") errors.push({ field: "appId", message: "is required" });
  const month = parseMonth(input.month);
  if (month === null) {
    errors.push({ field: "month", message: `must be a month like 2026-03, or the first day of a month (got "${String(input.month)}")` });
  } else if (monthIndex(month) > monthIndex(asOf)) {
    errors.push({ field: "month", message: `${monthKey(month)} is in the future (as of ${isoDate(asOf)})` });
  }
  const counts = {} as Record<"activeCustomers" | "installs" | "uninstalls" | "pushCalls" | "pullCalls", bigint>;
  for (const field of ["activeCustomers", "installs", "uninstalls", "pushCalls", "pullCalls"] as const) {
    const parsed = wholeNumber(input[field], field.endsWith("Calls") ? MAX_CALLS : MAX_COUNT);
    if (typeof parsed === "string") errors.push({ field, message: parsed });
    else counts[field] = parsed;
  }
  if (errors.length > 0 || month === null) {
    return refuseFields(
      "R-USE-1",
      `The usage row${appId ? ` for app ${appId}` : ""}${month ? ` for ${monthKey(month)}` : ""} is not valid.`,
      errors,
      "Send one row per app per month: the month as YYYY-MM (not after the current month), monthly active customers, installs, " +
        "uninstalls and push/pull API calls as whole numbers of 0 or more (calls may be strings of digits).",
    );
  }
  return {
    ok: true,
    value: {
      appId,
      month,
      activeCustomers: Number(counts.activeCustomers),
      installs: Number(counts.installs),
      uninstalls: Number(counts.uninstalls),
      pushCalls: counts.pushCalls,
      pullCalls: counts.pullCalls,
    },
  };
}

/** R-USE-1: within one import, a later row for the same app and month replaces the earlier one. */
export function latestPerAppMonth<R extends { readonly appId: string; readonly month: Date }>(rows: readonly R[]): R[] {
  const byKey = new Map<string, R>();
  for (const row of rows) byKey.set(`${row.appId}|${monthIndex(row.month)}`, row);
  return [...byKey.values()];
}

// ---------------------------------------------------------------------------------------------
// R-USE-2: the low-usage sweep
// ---------------------------------------------------------------------------------------------

export interface LowUsagePolicy {
  readonly lowUsageMinActiveCustomers: number;
  readonly lowUsageWindowMonths: number;
  readonly atRiskNoticeDays: number;
}

/** The ProgramPolicy column defaults; the policy row in force overrides them. */
export const DEFAULT_LOW_USAGE_POLICY: LowUsagePolicy = {
  lowUsageMinActiveCustomers: 1,
  lowUsageWindowMonths: 12,
  atRiskNoticeDays: 30,
};

/**
 * The trailing window: the `completeMonths` whole calendar months before `asOf`'s month, plus
 * `asOf`'s own month as recorded so far. The month-to-date counts so that usage during a notice
 * period can recover a listing before its deadline, even when notice and deadline fall in one month.
 */
export interface UsageWindow {
  /** First month of the window (first day, UTC). */
  readonly from: Date;
  /** `asOf`'s month, the last month of the window (first day, UTC). */
  readonly through: Date;
  readonly completeMonths: number;
}

export function trailingWindow(asOf: Date, completeMonths: number): UsageWindow {
  if (!Number.isInteger(completeMonths) || completeMonths < 1) throw new RangeError(`lowUsageWindowMonths must be a whole number ≥ 1 (got ${completeMonths})`);
  const current = monthIndex(asOf);
  return { from: monthFromIndex(current - completeMonths), through: monthFromIndex(current), completeMonths };
}

/** The usage the sweep needs: one row per month of the app (UsageRow fits). */
export interface ActiveCustomersMonth {
  readonly month: Date;
  readonly activeCustomers: number;
}

export interface ListingUsageFacts {
  readonly state: ListingState;
  /** Set while AT_RISK (the database requires it then). */
  readonly atRiskDeadline?: Date | null;
  /**
   * When the listing went live (Listing.firstLiveAt; after a re-application, when it went live
   * again). A listing live for less than the whole window is not judged yet; null: no grace.
   */
  readonly firstLiveAt: Date | null;
}

/** OK: the minimum was reached in some month; LOW: in no month; NEW: not live for the whole window yet. */
export type LowUsageStatus = "OK" | "LOW" | "NEW";
export type SweepAction = "NONE" | "PUT_AT_RISK" | "DELIST" | "RECOVER";

export interface LowUsageResult {
  /** The highest monthly active customers of the app in the window (0 with no rows). */
  readonly trailingActiveCustomers: number;
  /** The month that reached it; null when no month had an active customer. */
  readonly peakMonth: Date | null;
  readonly minimum: number;
  readonly window: UsageWindow;
  readonly status: LowUsageStatus;
  /** What the sweep does now: PUT_AT_RISK (LIVE → AT_RISK), DELIST (AT_RISK → DELISTED), RECOVER (AT_RISK → LIVE). */
  readonly action: SweepAction;
  /** PUT_AT_RISK: the new deadline (asOf + notice days); AT_RISK otherwise: the deadline in force. */
  readonly deadline?: Date;
  readonly delistReason?: "LOW_USAGE";
  /** One sentence for the listing history and the partner's dashboard. */
  readonly reason: string;
}

export interface LowUsageFacts {
  /** The app's monthly usage; months outside the window are ignored. */
  readonly usage: readonly ActiveCustomersMonth[];
  readonly policy?: Partial<LowUsagePolicy>;
  readonly listing: ListingUsageFacts;
  readonly asOf: Date;
}

/**
 * R-USE-2: an app is low-usage when no month of the trailing window reached the program's minimum
 * monthly active customers. Monthly counts cannot be summed (the same customer is active every
 * month), so the best honest measure of "customers over the window" is the peak month.
 * The sweep is idempotent: applying the action and sweeping again with the same `asOf` gives NONE.
 */
export function lowUsageStatus(facts: LowUsageFacts): LowUsageResult {
  const policy = { ...DEFAULT_LOW_USAGE_POLICY, ...facts.policy };
  const { asOf, listing } = facts;
  const window = trailingWindow(asOf, policy.lowUsageWindowMonths);
  const first = monthIndex(window.from);
  const last = monthIndex(window.through);
  let peak = 0;
  let peakIndex = -1;
  for (const row of facts.usage) {
    const i = monthIndex(row.month);
    if (i >= first && i <= last && row.activeCustomers > peak) {
      peak = row.activeCustomers;
      peakIndex = i;
    }
  }
  const minimum = policy.lowUsageMinActiveCustomers;
  const judged = listing.firstLiveAt === null || monthIndex(listing.firstLiveAt) <= first;
  const status: LowUsageStatus = !judged ? "NEW" : peak < minimum ? "LOW" : "OK";
  const span = `${monthKey(window.from)} to ${monthKey(window.through)}`;
  const measured = `highest monthly active customers from ${span} was ${peak}${peakIndex >= 0 ? ` (${monthKey(monthFromIndex(peakIndex))})` : ""}, minimum ${minimum}`;
  const base = { trailingActiveCustomers: peak, peakMonth: peakIndex >= 0 ? monthFromIndex(peakIndex) : null, minimum, window, status };
  const none = (reason: string, deadline?: Date): LowUsageResult => ({ ...base, action: "NONE", ...(deadline ? { deadline } : {}), reason });

  if (listing.state === "LIVE") {
    if (status !== "LOW") return none(status === "NEW" ? `Live since ${isoDate(listing.firstLiveAt as Date)}: not judged until live for the whole window.` : `Usage is enough: ${measured}.`);
    const deadline = addDays(asOf, policy.atRiskNoticeDays);
    return { ...base, action: "PUT_AT_RISK", deadline, reason: `Low usage: ${measured}. The listing is at risk and will be delisted on ${isoDate(deadline)} unless usage recovers.` };
  }
  if (listing.state === "AT_RISK") {
    const deadline = listing.atRiskDeadline;
    // The database forbids AT_RISK without a deadline, so this is a caller bug, not a partner problem.
    if (!deadline) throw new TypeError("An AT_RISK listing must come with its atRiskDeadline.");
    if (status !== "LOW") return { ...base, action: "RECOVER", reason: `Usage recovered before the deadline ${isoDate(deadline)}: ${measured}.` };
    if (asOf.getTime() >= deadline.getTime()) {
      return { ...base, action: "DELIST", delistReason: "LOW_USAGE", reason: `Usage did not recover by the deadline ${isoDate(deadline)}: ${measured}.` };
    }
    return none(`Still low, at risk until ${isoDate(deadline)}: ${measured}.`, deadline);
  }
  return none(`The sweep only acts on LIVE and AT_RISK listings; this one is ${listing.state}.`);
}

// ---------------------------------------------------------------------------------------------
// R-USE-3: notice, delisting and recovery are events on the partner's dashboard and listing history
// ---------------------------------------------------------------------------------------------

export const LOW_USAGE_EVENTS = {
  notice: "listing.low-usage-notice",
  delisted: "listing.delisted",
  recovered: "listing.low-usage-recovered",
} as const satisfies Record<string, EventType>;

export type LowUsageEventType = (typeof LOW_USAGE_EVENTS)[keyof typeof LOW_USAGE_EVENTS];

/** The listing fields the sweep changes, JSON-safe (dates as ISO strings). */
export interface LowUsageListingSnapshot {
  readonly state: ListingState;
  readonly atRiskSince: string | null;
  readonly atRiskDeadline: string | null;
  readonly delistReason: DelistReason | null;
}

export interface LowUsageEvent {
  readonly type: LowUsageEventType;
  readonly before: LowUsageListingSnapshot;
  readonly after: LowUsageListingSnapshot;
  readonly reason: string;
  /** R-LIST-6: every sweep change alters what the marketplace shows (the at-risk badge, or the listing leaving it). */
  readonly publicChange: boolean;
}

/**
 * R-USE-3: the event to append with the sweep's change (null for NONE), including the listing
 * fields to write: `after` is exactly the new state.
 */
export function lowUsageEvent(
  listing: { readonly state: ListingState; readonly atRiskSince?: Date | null; readonly atRiskDeadline?: Date | null },
  result: LowUsageResult,
  asOf: Date,
): LowUsageEvent | null {
  const before: LowUsageListingSnapshot = {
    state: listing.state,
    atRiskSince: listing.atRiskSince ? listing.atRiskSince.toISOString() : null,
    atRiskDeadline: listing.atRiskDeadline ? listing.atRiskDeadline.toISOString() : null,
    delistReason: null,
  };
  const cleared = { atRiskSince: null, atRiskDeadline: null };
  const event = (type: LowUsageEventType, after: LowUsageListingSnapshot): LowUsageEvent => ({
    type,
    before,
    after,
    reason: result.reason,
    publicChange: isStorefrontChange(listing.state, after.state),
  });
  switch (result.action) {
    case "PUT_AT_RISK":
      return event(LOW_USAGE_EVENTS.notice, { state: "AT_RISK", atRiskSince: asOf.toISOString(), atRiskDeadline: (result.deadline as Date).toISOString(), delistReason: null });
    case "DELIST":
      return event(LOW_USAGE_EVENTS.delisted, { state: "DELISTED", ...cleared, delistReason: "LOW_USAGE" });
    case "RECOVER":
      return event(LOW_USAGE_EVENTS.recovered, { state: "LIVE", ...cleared, delistReason: null });
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// R-USE-4: re-applying a low-usage-delisted app
// ---------------------------------------------------------------------------------------------

/** A test customer of the app that installed it as a custom app and used it (R-APP-2), with its last use. */
export interface ReapplicationCustomer {
  readonly id: string;
  readonly customerName: string;
  readonly lastUsedAt: Date | null;
}

export interface ReapplicationFacts {
  /** `delistedAt`: when the listing was delisted (its state change), null if it is not delisted. */
  readonly listing: { readonly state: ListingState; readonly delistReason: DelistReason | null; readonly delistedAt: Date | null };
  /** The app's qualifying test customers (R-APP-2: apps.ts qualifyingTestCustomers). */
  readonly testCustomers: readonly ReapplicationCustomer[];
  /** The test customer the partner names to show; default: the one who used the app most recently. */
  readonly chosenTestCustomerId?: string | null;
}

export interface ReapplicationOutcomeFacts extends ReapplicationFacts {
  /** The latest App Validation of the app for this listing's marketplace; null if none. */
  readonly validation: {
    readonly purpose: ValidationPurpose;
    readonly status: ValidationStatus;
    /** Its CUSTOMER_USAGE check passed and names the test customer whose usage was shown. */
    readonly showsTestCustomerUsage: boolean;
  } | null;
}

const day = (d: Date) => isoDate(d);

/**
 * R-USE-4: the partner may request a re-application validation for a low-usage-delisted listing once
 * the app again meets R-APP-2: a test customer used it AFTER the delisting (usage from before does not
 * count). Returns the test customer whose use the validation shows.
 */
export function canRequestReapplication(facts: ReapplicationFacts): Decision<{ readonly testCustomerId: string }> {
  const { listing } = facts;
  if (listing.state !== "DELISTED" || listing.delistReason !== "LOW_USAGE") {
    const why = listing.state === "DELISTED" ? `was delisted for ${listing.delistReason ?? "no recorded reason"}, not low usage` : `is ${listing.state}, not delisted`;
    return refuse({
      rule: "R-USE-4",
      message: `Only a listing delisted for low usage can be re-applied; this one ${why}.`,
      missing: ["a listing DELISTED with reason LOW_USAGE"],
      toSatisfy: listing.state === "DELISTED" ? "Ask program staff about a listing delisted for another reason." : "Nothing to re-apply: the listing is not delisted.",
      currentState: listing.state,
      allowed: [],
    });
  }
  const since = listing.delistedAt;
  const usedSince = (c: ReapplicationCustomer) => c.lastUsedAt !== null && (since === null || c.lastUsedAt.getTime() > since.getTime());
  const sinceText = since ? `since the delisting on ${day(since)}` : "since the delisting";
  if (facts.chosenTestCustomerId) {
    const chosen = facts.testCustomers.find((c) => c.id === facts.chosenTestCustomerId);
    if (!chosen) {
      return refuse({
        rule: "R-USE-4",
        message: "The test customer named is not one of this app's test customers that installed it as a custom app and used it (R-APP-2).",
        missing: ["a test customer of this app that installed it as a custom app and used it"],
        toSatisfy: "Name one of this app's qualifying test customers, or leave it out to use the one who used the app most recently.",
      });
    }
    if (usedSince(chosen)) return allow({ testCustomerId: chosen.id });
    return refuse({
      rule: "R-USE-4",
      message: `${chosen.customerName} has not used the app ${sinceText}: usage from before the delisting does not count.`,
      missing: [`use of the app by ${chosen.customerName} ${sinceText} (last use: ${chosen.lastUsedAt ? day(chosen.lastUsedAt) : "never"})`],
      toSatisfy: `Have ${chosen.customerName} use the app again and record that use, then request the re-application.`,
    });
  }
  const recent = [...facts.testCustomers].filter(usedSince).sort((a, b) => b.lastUsedAt!.getTime() - a.lastUsedAt!.getTime());
  if (recent.length > 0) return allow({ testCustomerId: recent[0]!.id });
  const last = facts.testCustomers.filter((c) => c.lastUsedAt).map((c) => `${c.customerName} last used it on ${day(c.lastUsedAt!)}`);
  return refuse({
    rule: "R-USE-4",
    message: `Re-applying needs the app to meet R-APP-2 again: a shared test customer's use of it ${sinceText}.`,
    missing: [`a test customer's use of the app ${sinceText}${last.length ? ` (${last.join("; ")})` : ""}`],
    toSatisfy: "Have a shared test customer (installed as a custom app) use the app again and record that use, then request a re-application App Validation.",
    relatedRule: "R-APP-2",
  });
}

/**
 * R-USE-4: a passed re-application validation that showed the test customer's usage returns the
 * listing from DELISTED to IN_REVIEW (then LIVE through the usual review).
 */
export function canReapply(facts: ReapplicationOutcomeFacts): Decision<{ readonly nextState: "IN_REVIEW" }> {
  const request = canRequestReapplication(facts);
  if (!request.ok) return request;
  const v = facts.validation;
  const missing: string[] = [];
  if (v === null || v.purpose !== "REAPPLICATION") missing.push("a re-application App Validation (purpose REAPPLICATION)");
  else {
    if (v.status !== "PASSED") missing.push(`the re-application validation to pass (it is ${v.status})`);
    if (!v.showsTestCustomerUsage) missing.push("the test customer's usage shown in that validation (CUSTOMER_USAGE check passed)");
  }
  if (missing.length > 0) {
    return refuse({
      rule: "R-USE-4",
      message: "The listing returns to review only after a re-application App Validation that shows the test customer's usage has passed.",
      missing,
      toSatisfy: "Request a re-application App Validation and show the test customer using the app to the integration manager.",
    });
  }
  return allow({ nextState: "IN_REVIEW" as const });
}
