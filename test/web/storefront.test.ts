// The storefront (/) in a real browser, on the demo data and the demo catalogue: what it shows is what
// the API answers for the same search, filters, sort and page; the listing page; the contact form,
// whose inquiry reaches the partner's open dashboard live.
import { print } from "graphql";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StorefrontSearchDocument, type StorefrontSearchQuery, type StorefrontSearchQueryVariables } from "../../schema/operations/generated/graphql.js";
import { mutate, ok } from "../support/mutate.js";
import { accessibilityProblems, cardNames, demoListingId, listingInReview, openPage, pageErrors, startWeb, waitLive, type WebWorld } from "./browser.js";

const PAGE_SIZE = 12; // web/src/storefront.tsx
let web: WebWorld;

beforeAll(async () => {
  web = await startWeb({ catalogue: true });
}, 120_000);
afterAll(() => web?.close());

async function api(variables: StorefrontSearchQueryVariables): Promise<StorefrontSearchQuery["listings"]> {
  const r = await web.t.gql<StorefrontSearchQuery>(print(StorefrontSearchDocument), { first: PAGE_SIZE, ...variables });
  expect(r.errors).toBeUndefined();
  return r.data!.listings;
}
const names = (l: StorefrontSearchQuery["listings"]) => l.edges.map((e) => e.node.content?.name ?? "");

/** The page shows the API's answer: the total in the heading and the cards in order. */
async function expectShows(page: Page, expected: StorefrontSearchQuery["listings"]) {
  await expect.poll(() => page.locator("#results-heading").innerText(), { timeout: 10_000 }).toMatch(new RegExp(`^${expected.totalCount} listings?`));
  await expect.poll(() => cardNames(page), { timeout: 10_000 }).toEqual(names(expected));
}

/** The count a facet value shows beside its checkbox. */
const facetCount = async (page: Page, id: string) => Number(await page.locator(`label[for="${id}"] .count`).innerText());

describe("storefront in a real browser", () => {
  it("R-LIST-6: opens on the first page of live Commercial listings, interactive quickly; search and facets narrow the results as the API says", async () => {
    const context = await web.browser.newContext({ viewport: { width: 1280, height: 900 } });
    // When the first cards are in the document, measured from navigation start.
    await context.addInitScript(() => {
      new MutationObserver((_m, observer) => {
        if (document.querySelector(".cards .card") && !(window as unknown as { firstCardsAt?: number }).firstCardsAt) {
          (window as unknown as { firstCardsAt?: number }).firstCardsAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on("request", (r) => {
      if (["script", "stylesheet", "xhr", "fetch", "websocket"].includes(r.resourceType())) scripts.push(r.url());
    });
    await page.goto(web.base + "/", { waitUntil: "domcontentloaded" });
    await page.locator(".cards .card").first().waitFor({ timeout: 20_000 });
    const firstCardsMs = await page.evaluate(() => (window as unknown as { firstCardsAt: number }).firstCardsAt);
    const nav = await page.evaluate(() => (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).domInteractive);
    console.log(`storefront: first page of cards at ${firstCardsMs.toFixed(0)} ms after navigation start (document interactive at ${nav.toFixed(0)} ms)`);
    // Everything from this server, nothing from a CDN.
    expect(scripts.every((u) => u.startsWith(web.base) || u.startsWith(web.base.replace("http", "ws")))).toBe(true);

    // The first page: the API's first page of the Commercial storefront (relevance = by name without search).
    const all = await api({});
    expect(all.totalCount).toBeGreaterThan(PAGE_SIZE * 2);
    await expectShows(page, all);
    await page.screenshot({ path: "/tmp/web-storefront.png" });
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(await facetCount(page, "category-accounting")).toBe(all.facets.categories.find((c) => c.slug === "accounting")!.count);

    // A search.
    await page.getByLabel("Search listings").fill("schedules");
    await page.getByRole("button", { name: "Search" }).click();
    const searched = await api({ search: "schedules" });
    expect(searched.totalCount).toBeLessThan(all.totalCount);
    await expectShows(page, searched);

    // A category facet narrows the search (the one with the most matches that leaves some out);
    // every facet's counts are the API's.
    const cat = searched.facets.categories.filter((c) => c.count > 0 && c.count < searched.totalCount).sort((a, b) => b.count - a.count)[0]!;
    await page.locator(`#category-${cat.slug}`).check();
    const inCategory = await api({ search: "schedules", filter: { categories: [cat.slug] } });
    expect(inCategory.totalCount).toBe(cat.count);
    expect(inCategory.totalCount).toBeLessThan(searched.totalCount);
    await expectShows(page, inCategory);
    for (const t of inCategory.facets.tiers) expect(await facetCount(page, `tier-${t.tier}`), t.tier).toBe(t.count);
    for (const f of inCategory.facets.dataFlows) expect(await facetCount(page, `flow-${f.dataFlow}`), f.dataFlow).toBe(f.count);
    for (const c of inCategory.facets.categories) expect(await facetCount(page, `category-${c.slug}`), c.slug).toBe(c.count);

    // A tier on top, then the data connector facet instead.
    const tier = inCategory.facets.tiers.find((t) => t.count > 0)!;
    await page.locator(`#tier-${tier.tier}`).check();
    const narrowed = await api({ search: "schedules", filter: { categories: [cat.slug], tiers: [tier.tier] } });
    expect(narrowed.totalCount).toBe(tier.count);
    await expectShows(page, narrowed);
    expect(narrowed.edges.every((e) => e.node.partner.tier === tier.tier)).toBe(true);
    await page.locator(`#tier-${tier.tier}`).uncheck();
    await expectShows(page, inCategory);
    const connector = inCategory.facets.dataConnector.find((d) => d.count > 0)!.dataConnector;
    await page.locator(`#connector-${connector}`).check();
    const connectors = await api({ search: "schedules", filter: { categories: [cat.slug], dataConnector: connector } });
    await expectShows(page, connectors);

    // Sort by newest: the API's order.
    await page.getByLabel("Sort by").selectOption("NEWEST");
    await expectShows(page, await api({ search: "schedules", filter: { categories: [cat.slug], dataConnector: connector }, sort: "NEWEST" }));
    await page.screenshot({ path: "/tmp/web-storefront-filtered.png" });
    expect(pageErrors(page)).toEqual([]);
    await context.close();
  }, 90_000);

  it("pages forward and back with cursors, as the API pages", async () => {
    const page = await openPage(web, "/");
    await page.getByLabel("Sort by").selectOption("NAME");
    const first = await api({ sort: "NAME" });
    await expectShows(page, first);
    const second = await api({ sort: "NAME", after: first.pageInfo.endCursor });
    const third = await api({ sort: "NAME", after: second.pageInfo.endCursor });
    await page.getByRole("button", { name: "Next page" }).click();
    await expectShows(page, second);
    expect(await page.getByText("Page 2", { exact: true }).isVisible()).toBe(true);
    await page.getByRole("button", { name: "Next page" }).click();
    await expectShows(page, third);
    await page.getByRole("button", { name: "Previous page" }).click();
    await expectShows(page, second);
    await page.getByRole("button", { name: "Previous page" }).click();
    await expectShows(page, first);
    expect(await page.getByRole("button", { name: "Previous page" }).isDisabled()).toBe(true);
    // Keyboard only: focus reaches the pager and Enter pages.
    await page.getByRole("button", { name: "Next page" }).focus();
    await page.keyboard.press("Enter");
    await expectShows(page, second);
    await page.screenshot({ path: "/tmp/web-storefront-page-2.png" });
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("the listing page shows the content, screenshots and contact form; an inquiry sent through it arrives in the partner's open dashboard live (R-INQ-1)", async () => {
    const nw = web.w.partners.northwind;
    const dashboard = await openPage(web, "/partner", nw.adminToken);
    await dashboard.getByRole("heading", { name: "Northwind Analytics" }).waitFor({ timeout: 20_000 });
    await waitLive(dashboard);

    const page = await openPage(web, "/");
    await page.getByLabel("Search listings").fill("Northwind Insights");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: "Northwind Insights", exact: true }).click();
    const id = await demoListingId(web, "Northwind Insights");
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/listing/${encodeURIComponent(id)}`);
    const listing = (await web.t.gql(`query($id: ID!) { listing(id: $id) { content { name tagline summary screenshots contactKind } partner { name } } }`, { id })).data.listing;
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(listing.content.name);
    const text = await page.locator("main").innerText();
    expect(text).toContain(listing.content.tagline);
    expect(text).toContain(listing.content.summary.split(/\n/)[0].trim().slice(0, 60));
    expect(text).toContain(`by ${listing.partner.name}`);
    expect(await page.locator(".screenshots img").count()).toBe(listing.content.screenshots.length);
    expect(listing.content.contactKind).toBe("CONTACT_FORM");

    // A typed refusal reads as the API's message and the field to fix (R-INQ-1).
    await page.getByLabel("Your name").fill("Robin Customer");
    await page.getByLabel("Email").fill("robin@customer.example");
    await page.getByLabel("Company (optional)").fill("Customer Works");
    await page.getByLabel("Message").fill("x".repeat(5001));
    await page.getByRole("button", { name: "Send message" }).click();
    const alert = page.locator("#contact-error");
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.innerText()).toBe("Message: must be at most 5000 characters (has 5001)");

    await page.getByLabel("Message").fill("Do you sync cost codes both ways? Sent from the browser test.");
    await page.getByRole("button", { name: "Send message" }).click();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByText("your message was sent to the partner").waitFor({ timeout: 10_000 });
    await page.screenshot({ path: "/tmp/web-listing.png", fullPage: true });

    // The partner's dashboard, open all along, shows it without a reload.
    const row = dashboard.locator("tr", { hasText: "Sent from the browser test" });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.innerText()).toContain("Robin Customer, Customer Works");
    expect(await row.innerText()).toContain("Not answered yet");
    await dashboard.locator('[data-event-type="inquiry.received"]').waitFor({ timeout: 10_000 });
    expect(pageErrors(page)).toEqual([]);
    expect(pageErrors(dashboard)).toEqual([]);
    for (const p of [page, dashboard]) await p.context().close();
  }, 90_000);

  it("a listing page opened by its address shows its screenshots and, without a contact form, the learn-more link", async () => {
    const screenshots = [`${web.base}/assets/shot-1.png`, `${web.base}/assets/shot-2.png`];
    const learnMoreUrl = "https://quarry.example/marketplace";
    const { listingId } = await listingInReview(web, "Quarry Photo Log", { screenshots, contactKind: "LEARN_MORE_LINK", contactEmail: null, learnMoreUrl });
    ok(await mutate(web.t, web.w.staffToken, `approveListing(listingId: "${listingId}")`, "{ state }"));
    const page = await openPage(web, `/listing/${encodeURIComponent(listingId)}`);
    await page.getByRole("heading", { level: 1, name: "Quarry Photo Log" }).waitFor({ timeout: 20_000 });
    const shots = page.locator(".screenshots img");
    expect(await shots.count()).toBe(2);
    expect(await shots.nth(1).getAttribute("src")).toBe(screenshots[1]);
    expect(await shots.first().getAttribute("alt")).toBe("Quarry Photo Log, screenshot 1");
    expect(await page.getByRole("link", { name: /^Learn more/ }).getAttribute("href")).toBe(learnMoreUrl);
    expect(await page.locator("form.contact").count()).toBe(0);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("a token the API refuses is explained on the storefront, with a way back to browsing as the public", async () => {
    const page = await openPage(web, "/", "expired-or-mistyped");
    const alert = page.getByRole("alert");
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.innerText()).toContain("Your token was not accepted");
    await page.getByRole("button", { name: "Sign out and browse as the public" }).click();
    await page.locator(".cards .card").first().waitFor({ timeout: 10_000 });
    await waitLive(page);
    expect(await page.evaluate(() => localStorage.getItem("partner-program.token"))).toBeNull();
    await page.context().close();
  }, 60_000);

  it("R-LIST-6: the FedRAMP marketplace is offered to a cleared viewer only, and shows its listings", async () => {
    const publicPage = await openPage(web, "/");
    await publicPage.locator(".cards .card").first().waitFor({ timeout: 20_000 });
    expect(await publicPage.getByLabel("Marketplace").count()).toBe(0);
    expect(await publicPage.locator("main").innerText()).not.toContain("Northwind Insights Gov");

    const cleared = await openPage(web, "/", web.w.staffFedrampToken);
    await cleared.getByLabel("Marketplace").selectOption("FEDRAMP");
    const fed = (await web.t.gql<StorefrontSearchQuery>(print(StorefrontSearchDocument), { marketplace: "FEDRAMP", first: PAGE_SIZE }, web.w.staffFedrampToken)).data!.listings;
    expect(fed.totalCount).toBeGreaterThan(0);
    await expect.poll(() => cardNames(cleared), { timeout: 10_000 }).toEqual(names(fed));
    expect(await cleared.locator(".cards .badge.fedramp").count()).toBe(fed.edges.length);
    expect(await cleared.getByRole("heading", { level: 1 }).innerText()).toBe("FedRAMP marketplace");
    for (const p of [publicPage, cleared]) await p.context().close();
  }, 60_000);
});
