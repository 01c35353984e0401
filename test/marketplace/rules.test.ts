// The storefront's plain rules: search input, page sizes, popularity window, freshness, install.
import { describe, expect, it } from "vitest";
import {
  checkStorefrontQuery, isInstallAllowed, isRecentlyUpdated, normalizeSearch, popularityWindow, MAX_PAGE_SIZE,
} from "../../src/domain/storefront.js";

describe("search text", () => {
  it("is trimmed, whitespace collapsed, controls and lone surrogates dropped", () => {
    expect(normalizeSearch("  cost \n\t codes ")).toBe("cost codes");
    expect(normalizeSearch("led\u0000ger\u0007")).toBe("led ger");
    expect(normalizeSearch("\ud800ledger\udc00")).toBe("ledger");
    expect(normalizeSearch("😀 ledger")).toBe("😀 ledger");
  });
  it("with no word left in it is no search", () => {
    for (const s of [null, undefined, "", "   ", "!!!", "& | ( ) <-> :*", '""', "-"]) expect(normalizeSearch(s)).toBeNull();
    expect(normalizeSearch("é")).toBe("é");
  });
});

describe("a storefront query", () => {
  const check = (input: Parameters<typeof checkStorefrontQuery>[0]) => checkStorefrontQuery(input);
  it("defaults: no search, relevance meaning name, 20 per page", () => {
    expect(check({})).toEqual({ ok: true, query: { text: null, categories: [], tiers: [], dataFlows: [], dataConnector: null, sort: "NAME", pageSize: 20 } });
    expect(check({ search: "ledger" })).toMatchObject({ ok: true, query: { text: "ledger", sort: "RELEVANCE" } });
    expect(check({ search: "ledger", sort: "NEWEST", last: 7 })).toMatchObject({ ok: true, query: { sort: "NEWEST", pageSize: 7 } });
  });
  it("deduplicates filter values", () => {
    expect(check({ categories: ["erp", "erp"], tiers: ["SELECT", "SELECT"], dataFlows: ["PUSH", "PUSH"] })).toMatchObject({
      ok: true, query: { categories: ["erp"], tiers: ["SELECT"], dataFlows: ["PUSH"] },
    });
  });
  it("names every problem by its argument", () => {
    const r = check({ search: "x".repeat(201), categories: ["Not A Slug"], tiers: ["lower"], first: MAX_PAGE_SIZE + 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.field)).toEqual(["search", "filter.categories", "filter.tiers", "first"]);
    expect(check({ first: 1, last: 1 })).toMatchObject({ ok: false, problems: [{ field: "last" }] });
    expect(check({ search: "y".repeat(100_000) })).toMatchObject({ ok: false, problems: [{ field: "search", message: "at most 200 characters" }] });
    expect(check({ first: MAX_PAGE_SIZE })).toMatchObject({ ok: true });
  });
});

describe("figures beside a listing", () => {
  it("popularity counts the three complete months before today's month", () => {
    expect(popularityWindow(new Date("2026-11-26T10:00:00Z"))).toEqual({ from: new Date("2026-08-01T00:00:00Z"), to: new Date("2026-11-01T00:00:00Z") });
    expect(popularityWindow(new Date("2026-02-01T00:00:00Z"))).toEqual({ from: new Date("2025-11-01T00:00:00Z"), to: new Date("2026-02-01T00:00:00Z") });
  });
  it("recently updated: approved within 30 days", () => {
    const today = new Date("2026-11-26T00:00:00Z");
    expect(isRecentlyUpdated(new Date("2026-10-27T00:00:00Z"), today)).toBe(true);
    expect(isRecentlyUpdated(new Date("2026-10-26T23:59:59Z"), today)).toBe(false);
    expect(isRecentlyUpdated(null, today)).toBe(false);
  });
  it("install: while shown and the app is active", () => {
    expect(isInstallAllowed({ state: "LIVE" }, { status: "ACTIVE" })).toBe(true);
    expect(isInstallAllowed({ state: "AT_RISK" }, { status: "ACTIVE" })).toBe(true);
    expect(isInstallAllowed({ state: "DELISTED" }, { status: "ACTIVE" })).toBe(false);
    expect(isInstallAllowed({ state: "LIVE" }, { status: "RETIRED" })).toBe(false);
  });
});
