import { describe, it, expect } from "vitest";
import { canReapply, canRequestReapplication, latestPerAppMonth, LOW_USAGE_EVENTS, lowUsageEvent, lowUsageStatus, parseMonth, trailingWindow, validateUsageRow, type ActiveCustomersMonth, type ListingUsageFacts, type LowUsageResult, type UsageRowInput } from "../../src/domain/usage.js";

const utc = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const row = (over: Partial<UsageRowInput> = {}): UsageRowInput => ({
  appId: "app-1",
  month: "2026-02",
  activeCustomers: 3,
  installs: 1,
  uninstalls: 0,
  pushCalls: 10,
  pullCalls: 20,
  ...over,
});
const months = (entries: Record<string, number>): ActiveCustomersMonth[] =>
  Object.entries(entries).map(([m, activeCustomers]) => ({ month: utc(`${m}-01`), activeCustomers }));

/** What the integrator writes back after an action: the listing's next facts. */
function applied(listing: ListingUsageFacts, result: LowUsageResult): ListingUsageFacts {
  switch (result.action) {
    case "PUT_AT_RISK":
      return { ...listing, state: "AT_RISK", atRiskDeadline: result.deadline ?? null };
    case "RECOVER":
      return { ...listing, state: "LIVE", atRiskDeadline: null };
    case "DELIST":
      return { ...listing, state: "DELISTED", atRiskDeadline: null };
    default:
      return listing;
  }
}

const longLive: ListingUsageFacts = { state: "LIVE", atRiskDeadline: null, firstLiveAt: utc("2023-05-10") };

describe("R-USE-1: usage rows", () => {
  it("R-USE-1: normalises the month to the first day UTC and keeps calls as bigint", () => {
    const r = validateUsageRow(row({ month: "2026-02", pushCalls: "18446744073709", pullCalls: 9_007_199_254_740_993n }), utc("2026-03-15"));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.month.toISOString()).toBe("2026-02-01T00:00:00.000Z");
    expect(r.value.pushCalls).toBe(18_446_744_073_709n);
    expect(r.value.pullCalls).toBe(9_007_199_254_740_993n);
    expect(r.value.activeCustomers).toBe(3);
    expect(parseMonth("2026-02-01")?.toISOString()).toBe("2026-02-01T00:00:00.000Z");
    expect(parseMonth(utc("2026-02-01"))?.toISOString()).toBe("2026-02-01T00:00:00.000Z");
  });

  it("R-USE-1: the current month may be recorded so far, a future month may not", () => {
    expect(validateUsageRow(row({ month: "2026-03" }), utc("2026-03-15")).ok).toBe(true);
    const r = validateUsageRow(row({ month: "2026-04" }), utc("2026-03-31"));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.refusal.rule).toBe("R-USE-1");
    expect(r.refusal.fieldErrors).toEqual([{ field: "month", message: "2026-04 is in the future (as of 2026-03-31)" }]);
  });

  it("R-USE-1: names every bad field: negative, fractional, non-digit, unsafe number, mid-month date, missing app", () => {
    const r = validateUsageRow(
      row({ appId: " ", month: utc("2026-02-15"), activeCustomers: -1, installs: 1.5, uninstalls: "12a", pushCalls: 2 ** 60, pullCalls: "-4" }),
      utc("2026-03-15"),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.refusal.fieldErrors.map((e) => e.field)).toEqual(["appId", "month", "activeCustomers", "installs", "uninstalls", "pushCalls", "pullCalls"]);
    expect(r.refusal.missing).toContain("activeCustomers: must be 0 or more (got -1)");
    expect(r.refusal.missing).toContain("pushCalls: is too large for a number; send it as a string of digits");
    expect(r.refusal.toSatisfy).toMatch(/YYYY-MM/);
  });

  it("R-USE-1: counts over the integer column are refused; calls up to 2^63-1 are accepted", () => {
    const r = validateUsageRow(row({ activeCustomers: "2147483648", pushCalls: "9223372036854775807" }), utc("2026-03-15"));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.refusal.fieldErrors).toEqual([{ field: "activeCustomers", message: "must be at most 2147483647 (got 2147483648)" }]);
  });

  it("R-USE-1: recording the same app-month again replaces it (the later row wins)", () => {
    const first = { appId: "a", month: utc("2026-01-01"), activeCustomers: 1 };
    const other = { appId: "b", month: utc("2026-01-01"), activeCustomers: 7 };
    const again = { appId: "a", month: utc("2026-01-01"), activeCustomers: 4 };
    expect(latestPerAppMonth([first, other, again])).toEqual([again, other]);
  });
});

describe("R-USE-2: the low-usage sweep", () => {
  it("R-USE-2: the trailing window is the 12 complete months before asOf's month plus that month so far", () => {
    const w = trailingWindow(utc("2026-03-15"), 12);
    expect(w.from.toISOString()).toBe("2025-03-01T00:00:00.000Z");
    expect(w.through.toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(w.completeMonths).toBe(12);
  });

  it("R-USE-2: measured as the peak month in the window; months outside it do not count", () => {
    const usage = months({ "2025-02": 40, "2025-03": 0, "2025-09": 1, "2026-02": 0 });
    const ok = lowUsageStatus({ usage, listing: longLive, asOf: utc("2026-03-15") });
    expect(ok).toMatchObject({ trailingActiveCustomers: 1, minimum: 1, status: "OK", action: "NONE" });
    expect(ok.peakMonth?.toISOString()).toBe("2025-09-01T00:00:00.000Z");
    // A month later the 40 of 2025-02 is long gone and 2025-09 is still in: still OK.
    const onlyOld = lowUsageStatus({ usage: months({ "2025-02": 40 }), listing: longLive, asOf: utc("2026-03-15") });
    expect(onlyOld).toMatchObject({ trailingActiveCustomers: 0, status: "LOW", action: "PUT_AT_RISK" });
  });

  it("R-USE-2: a LIVE low-usage listing is put AT_RISK with a deadline of asOf + notice days", () => {
    const asOf = new Date("2026-03-15T09:30:00.000Z");
    const r = lowUsageStatus({ usage: [], listing: longLive, asOf });
    expect(r.action).toBe("PUT_AT_RISK");
    expect(r.deadline?.toISOString()).toBe("2026-04-14T09:30:00.000Z");
    expect(r.reason).toContain("2026-04-14");
    const custom = lowUsageStatus({ usage: [], listing: longLive, asOf, policy: { atRiskNoticeDays: 7 } });
    expect(custom.deadline?.toISOString()).toBe("2026-03-22T09:30:00.000Z");
  });

  it("R-USE-2: the policy's minimum and window are used, not constants", () => {
    const usage = months({ "2025-06": 5, "2026-01": 2 });
    const asOf = utc("2026-03-10");
    expect(lowUsageStatus({ usage, listing: longLive, asOf }).status).toBe("OK");
    expect(lowUsageStatus({ usage, listing: longLive, asOf, policy: { lowUsageMinActiveCustomers: 3 } }).status).toBe("OK");
    const short = lowUsageStatus({ usage, listing: longLive, asOf, policy: { lowUsageMinActiveCustomers: 3, lowUsageWindowMonths: 6 } });
    expect(short).toMatchObject({ trailingActiveCustomers: 2, minimum: 3, status: "LOW", action: "PUT_AT_RISK" });
    expect(short.window.from.toISOString()).toBe("2025-09-01T00:00:00.000Z");
  });

  it("R-USE-2: the sweep is idempotent: sweeping again at the same asOf after applying gives NONE", () => {
    const asOf = utc("2026-03-01");
    const first = lowUsageStatus({ usage: [], listing: longLive, asOf });
    expect(first.action).toBe("PUT_AT_RISK");
    const second = lowUsageStatus({ usage: [], listing: applied(longLive, first), asOf });
    expect(second.action).toBe("NONE");
    expect(second.deadline?.toISOString()).toBe("2026-03-31T00:00:00.000Z");
  });

  it("R-USE-2: walking a listing through its notice: still low before the deadline, delisted LOW_USAGE on it, then left alone", () => {
    let listing = longLive;
    const sweep = (iso: string) => {
      const r = lowUsageStatus({ usage: months({ "2024-12": 9 }), listing, asOf: utc(iso) });
      listing = applied(listing, r);
      return r;
    };
    expect(sweep("2026-03-01").action).toBe("PUT_AT_RISK");
    expect(sweep("2026-03-02").action).toBe("NONE");
    expect(sweep("2026-03-30").action).toBe("NONE");
    const delist = sweep("2026-03-31");
    expect(delist).toMatchObject({ action: "DELIST", delistReason: "LOW_USAGE", status: "LOW" });
    expect(listing.state).toBe("DELISTED");
    expect(sweep("2026-03-31").action).toBe("NONE");
    expect(sweep("2026-06-01").action).toBe("NONE");
  });

  it("R-USE-2: usage recorded during the notice month recovers the listing before its deadline", () => {
    const atRisk: ListingUsageFacts = { ...longLive, state: "AT_RISK", atRiskDeadline: utc("2026-03-31") };
    const before = lowUsageStatus({ usage: [], listing: atRisk, asOf: utc("2026-03-20") });
    expect(before.action).toBe("NONE");
    const recovered = lowUsageStatus({ usage: months({ "2026-03": 2 }), listing: atRisk, asOf: utc("2026-03-20") });
    expect(recovered).toMatchObject({ action: "RECOVER", status: "OK", trailingActiveCustomers: 2 });
    expect(lowUsageStatus({ usage: months({ "2026-03": 2 }), listing: applied(atRisk, recovered), asOf: utc("2026-03-20") }).action).toBe("NONE");
  });

  it("R-USE-2: a listing live for less than the whole window is not judged yet", () => {
    const fresh: ListingUsageFacts = { state: "LIVE", atRiskDeadline: null, firstLiveAt: utc("2025-11-20") };
    expect(lowUsageStatus({ usage: [], listing: fresh, asOf: utc("2026-03-15") })).toMatchObject({ status: "NEW", action: "NONE" });
    // Once live for the whole window (from 2025-11 at asOf 2026-11-xx), it is judged.
    expect(lowUsageStatus({ usage: [], listing: fresh, asOf: utc("2026-11-02") })).toMatchObject({ status: "LOW", action: "PUT_AT_RISK" });
  });

  it("R-USE-2: only LIVE and AT_RISK listings are swept", () => {
    for (const state of ["DRAFT", "IN_REVIEW", "DELISTED"] as const) {
      expect(lowUsageStatus({ usage: [], listing: { state, firstLiveAt: null }, asOf: utc("2026-03-15") }).action).toBe("NONE");
    }
  });
});

describe("R-USE-3: notice, delisting and recovery events", () => {
  it("R-USE-3: each sweep action has its event with before/after for the listing history; NONE has none", () => {
    const asOf = utc("2026-03-01");
    const notice = lowUsageStatus({ usage: [], listing: longLive, asOf });
    const e1 = lowUsageEvent({ state: "LIVE" }, notice, asOf);
    expect(e1).toMatchObject({
      type: LOW_USAGE_EVENTS.notice,
      before: { state: "LIVE", atRiskDeadline: null },
      after: { state: "AT_RISK", atRiskSince: "2026-03-01T00:00:00.000Z", atRiskDeadline: "2026-03-31T00:00:00.000Z", delistReason: null },
      // R-LIST-6: the at-risk badge is shown, so the notice is a storefront change.
      publicChange: true,
    });
    expect(e1?.reason).toBe(notice.reason);

    const atRisk = { state: "AT_RISK" as const, atRiskSince: asOf, atRiskDeadline: utc("2026-03-31") };
    const delist = lowUsageStatus({ usage: [], listing: { ...atRisk, firstLiveAt: null }, asOf: utc("2026-03-31") });
    expect(lowUsageEvent(atRisk, delist, utc("2026-03-31"))).toMatchObject({
      type: "listing.delisted",
      after: { state: "DELISTED", atRiskDeadline: null, delistReason: "LOW_USAGE" },
      publicChange: true,
    });

    const recover = lowUsageStatus({ usage: months({ "2026-03": 1 }), listing: { ...atRisk, firstLiveAt: null }, asOf: utc("2026-03-10") });
    const e3 = lowUsageEvent(atRisk, recover, utc("2026-03-10"));
    expect(e3?.type).toBe(LOW_USAGE_EVENTS.recovered);
    expect(e3?.publicChange).toBe(true);
    expect(e3?.after).toEqual({ state: "LIVE", atRiskSince: null, atRiskDeadline: null, delistReason: null });
    expect(JSON.parse(JSON.stringify(e3))).toEqual(e3);

    const none = lowUsageStatus({ usage: months({ "2026-02": 4 }), listing: longLive, asOf });
    expect(lowUsageEvent({ state: "LIVE" }, none, asOf)).toBeNull();
  });
});

describe("R-USE-4: re-applying a low-usage-delisted app", () => {
  const delistedAt = utc("2026-05-10");
  const delisted = { state: "DELISTED" as const, delistReason: "LOW_USAGE" as const, delistedAt };
  const passed = { purpose: "REAPPLICATION" as const, status: "PASSED" as const, showsTestCustomerUsage: true };
  const usedAgain = { id: "c-again", customerName: "Harbor Builders", lastUsedAt: utc("2026-06-01") };
  const usedBefore = { id: "c-before", customerName: "Summit Co", lastUsedAt: utc("2026-04-01") };

  it("R-USE-4: with a test customer's use after the delisting, shown in a passed re-application validation, the listing returns to review", () => {
    expect(canRequestReapplication({ listing: delisted, testCustomers: [usedBefore, usedAgain] })).toEqual({ ok: true, value: { testCustomerId: "c-again" } });
    expect(canReapply({ listing: delisted, testCustomers: [usedAgain], chosenTestCustomerId: "c-again", validation: passed })).toEqual({ ok: true, value: { nextState: "IN_REVIEW" } });
  });

  it("R-USE-4: only a listing delisted for low usage can be re-applied", () => {
    const live = canRequestReapplication({ listing: { state: "LIVE", delistReason: null, delistedAt: null }, testCustomers: [usedAgain] });
    expect(live.ok).toBe(false);
    if (!live.ok) expect(live.refusal).toMatchObject({ rule: "R-USE-4", currentState: "LIVE" });
    const staff = canReapply({ listing: { state: "DELISTED", delistReason: "STAFF_DECISION", delistedAt }, testCustomers: [usedAgain], validation: passed });
    expect(staff.ok).toBe(false);
    if (!staff.ok) expect(staff.refusal.message).toContain("STAFF_DECISION");
  });

  it("R-USE-4: usage from before the delisting does not count: R-APP-2 must be met again", () => {
    const r = canRequestReapplication({ listing: delisted, testCustomers: [usedBefore] });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.refusal).toMatchObject({ rule: "R-USE-4", relatedRule: "R-APP-2" });
      expect(r.refusal.missing).toEqual(["a test customer's use of the app since the delisting on 2026-05-10 (Summit Co last used it on 2026-04-01)"]);
    }
    const none = canRequestReapplication({ listing: delisted, testCustomers: [] });
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.refusal.missing).toEqual(["a test customer's use of the app since the delisting on 2026-05-10"]);
  });

  it("R-USE-4: a named test customer must itself have used the app since the delisting", () => {
    const r = canRequestReapplication({ listing: delisted, testCustomers: [usedBefore, usedAgain], chosenTestCustomerId: "c-before" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.refusal.missing).toEqual(["use of the app by Summit Co since the delisting on 2026-05-10 (last use: 2026-04-01)"]);
    const unknown = canRequestReapplication({ listing: delisted, testCustomers: [usedAgain], chosenTestCustomerId: "someone-else" });
    expect(unknown.ok).toBe(false);
    expect(canRequestReapplication({ listing: delisted, testCustomers: [usedBefore, usedAgain], chosenTestCustomerId: "c-again" }).ok).toBe(true);
  });

  it("R-USE-4: the validation must be a passed re-application that showed the customer's usage", () => {
    const cases = [
      [null, ["a re-application App Validation (purpose REAPPLICATION)"]],
      [{ ...passed, purpose: "INITIAL" as const }, ["a re-application App Validation (purpose REAPPLICATION)"]],
      [{ ...passed, status: "IN_PROGRESS" as const }, ["the re-application validation to pass (it is IN_PROGRESS)"]],
      [{ ...passed, showsTestCustomerUsage: false }, ["the test customer's usage shown in that validation (CUSTOMER_USAGE check passed)"]],
    ] as const;
    for (const [validation, missing] of cases) {
      const r = canReapply({ listing: delisted, testCustomers: [usedAgain], validation });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.refusal).toMatchObject({ rule: "R-USE-4", missing });
    }
  });
});

