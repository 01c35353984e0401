// The live path end to end, in a real browser: a change made through the API reaches an open
// storefront (and the partner's open dashboard) over graphql-ws without a reload; a dropped
// connection resumes with `after` from the last event the page saw.
import type { Page, WebSocket as PwWebSocket } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mutate, ok } from "../support/mutate.js";
import { globalId } from "../support/world.js";
import { cardNames, demoListingId, listingInReview, openPage, pageErrors, startWeb, waitLive, type WebWorld } from "./browser.js";

let web: WebWorld;
let storefront: Page;
let dashboard: Page;
/** Every subscribe message the storefront sent, with its variables. */
const subscribes: { variables: Record<string, unknown> }[] = [];

beforeAll(async () => {
  // The demo data alone: every live Commercial listing fits on the storefront's first page.
  web = await startWeb();
  storefront = await openPage(web, "/");
  storefront.on("websocket", (ws: PwWebSocket) => {
    ws.on("framesent", (f) => {
      const msg = JSON.parse(String(f.payload));
      if (msg.type === "subscribe") subscribes.push({ variables: msg.payload.variables ?? {} });
    });
  });
  await waitLive(storefront);
  dashboard = await openPage(web, "/partner", web.w.partners.northwind.adminToken);
  await dashboard.getByRole("heading", { name: "Northwind Analytics" }).waitFor({ timeout: 20_000 });
  await waitLive(dashboard);
}, 120_000);
afterAll(async () => {
  expect(pageErrors(storefront)).toEqual([]);
  expect(pageErrors(dashboard)).toEqual([]);
  await web?.close();
});

const card = (page: Page, name: string) => page.locator(".cards .card", { has: page.getByRole("heading", { name, exact: true }) });

describe("live storefront and dashboard", () => {
  it("R-LIST-6: a listing staff approve through the API appears on the open storefront within 2 s", async () => {
    const { listingId } = await listingInReview(web, "Granite Crew Planner");
    expect(await cardNames(storefront)).not.toContain("Granite Crew Planner");
    const approved = ok(await mutate(web.t, web.w.staffToken, `approveListing(listingId: "${listingId}")`, "{ state }"));
    const at = Date.now();
    expect(approved.state).toBe("LIVE");
    await expect.poll(() => cardNames(storefront), { timeout: 2_000, interval: 50 }).toContain("Granite Crew Planner");
    console.log(`approval to card on the open storefront: ${Date.now() - at} ms`);
    // In the API's order (by name), and the total follows.
    const api = (await web.t.gql(`{ listings(first: 50) { totalCount edges { node { content { name } } } } }`)).data.listings;
    expect(await cardNames(storefront)).toEqual(api.edges.map((e: any) => e.node.content.name));
    expect(await storefront.locator("#results-heading").innerText()).toBe(`${api.totalCount} listings`);
  }, 90_000);

  it("R-USE-2, R-USE-3, R-LIST-6: the low-usage sweep puts a listing at risk: the storefront's badge and the dashboard's countdown appear live", async () => {
    const prisma = web.t.service.program.prisma;
    const scheduler = await prisma.app.findFirstOrThrow({ where: { name: "Northwind Scheduler" } });
    // No usage in the trailing window (a fact, as an import of zeros would record).
    await prisma.usageMonth.deleteMany({ where: { appId: scheduler.id } });
    expect(await card(storefront, "Northwind Scheduler").locator(".badge.at-risk").count()).toBe(0);
    const swept = ok(await mutate(web.t, web.w.staffToken, "runLowUsageSweep", "{ putAtRisk }"));
    const at = Date.now();
    expect(swept.putAtRisk).toBeGreaterThanOrEqual(1);
    await expect.poll(() => card(storefront, "Northwind Scheduler").locator(".badge.at-risk").count(), { timeout: 2_000, interval: 50 }).toBe(1);
    console.log(`sweep to at-risk badge on the open storefront: ${Date.now() - at} ms`);

    // The dashboard: the notice with its deadline counting down, the listing's state, the event.
    const id = await demoListingId(web, "Northwind Scheduler");
    const notice = dashboard.locator(`.notices li[data-listing-id="${id}"]`);
    await notice.waitFor({ timeout: 5_000 });
    const { atRiskDeadline } = await prisma.listing.findFirstOrThrow({ where: { appId: scheduler.id, marketplace: "COMMERCIAL" } });
    const deadline = atRiskDeadline!.toLocaleDateString("en", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
    expect(await notice.innerText()).toContain(`Deadline ${deadline}`);
    const countdown = notice.locator(".countdown");
    const before = await countdown.innerText();
    expect(before).toMatch(/^\d+ days? \d\d:\d\d:\d\d left$/);
    await expect.poll(() => countdown.innerText(), { timeout: 5_000 }).not.toBe(before);
    expect(await dashboard.locator(`tr[data-listing-id="${id}"]`).getAttribute("data-state")).toBe("AT_RISK");
    await dashboard.locator('[data-event-type="listing.low-usage-notice"]').waitFor({ timeout: 5_000 });
    await dashboard.screenshot({ path: "/tmp/web-dashboard-at-risk.png", fullPage: true });
  }, 90_000);

  it("R-LIST-6, R-EVT-2: delisting removes the listing from the open storefront, also when the connection dropped: the page resumes after the last event it saw", async () => {
    // Delisting on a live connection.
    const granite = (await web.t.service.program.prisma.listing.findFirstOrThrow({ where: { app: { name: "Granite Crew Planner" } } })).id;
    // Its page is open too.
    const listingPage = await openPage(web, `/listing/${encodeURIComponent(globalId("Listing", granite))}`);
    await listingPage.getByRole("heading", { level: 1, name: "Granite Crew Planner" }).waitFor({ timeout: 20_000 });
    await listingPage.locator('article[data-live="live"]').waitFor({ timeout: 10_000 });
    ok(await mutate(web.t, web.w.staffToken, `delistListing(listingId: "${globalId("Listing", granite)}", reason: "Seen in the storefront test")`, "{ state }"));
    const at = Date.now();
    await expect.poll(() => cardNames(storefront), { timeout: 2_000, interval: 50 }).not.toContain("Granite Crew Planner");
    console.log(`delisting to card gone from the open storefront: ${Date.now() - at} ms`);
    await listingPage.getByRole("heading", { level: 1, name: "Listing not available" }).waitFor({ timeout: 2_000 });
    expect(pageErrors(listingPage)).toEqual([]);
    await listingPage.context().close();

    // The connection drops (the server's side of every WebSocket closed at once, as a network
    // failure would); a delisting happens while the page is disconnected.
    const lastSeen = subscribes.length;
    for (const socket of web.sockets) socket.destroy();
    await storefront.locator('.live-status[data-live="reconnecting"]').waitFor({ timeout: 5_000 });
    const scheduler = await demoListingId(web, "Northwind Scheduler");
    ok(await mutate(web.t, web.w.staffToken, `delistListing(listingId: "${scheduler}", reason: "Delisted while the page was offline")`, "{ state }"));
    await waitLive(storefront);
    await expect.poll(() => cardNames(storefront), { timeout: 5_000 }).not.toContain("Northwind Scheduler");
    // It subscribed again after the position of the last event it had: the delisting came as a replayed event.
    const resumed = subscribes.slice(lastSeen);
    expect(resumed.length).toBeGreaterThanOrEqual(1);
    const after = resumed[0]!.variables.after;
    expect(typeof after).toBe("string");
    const positions = (await web.t.gql(`{ events(first: 50, type: "listing.delisted") { edges { node { position listingId } } } }`, {}, web.w.staffToken)).data.events.edges.map((e: any) => e.node);
    const offline = positions.find((p: any) => p.listingId === scheduler)!;
    const lastBeforeDrop = positions.find((p: any) => p.listingId === globalId("Listing", granite))!;
    expect(after).toBe(lastBeforeDrop.position);
    expect(BigInt(after as string)).toBeLessThan(BigInt(offline.position));
    await storefront.locator(".visually-hidden", { hasText: "A listing was removed" }).waitFor({ state: "attached", timeout: 5_000 });
    expect(await cardNames(storefront)).toEqual(["Northwind Insights"]);
    await storefront.screenshot({ path: "/tmp/web-storefront-live.png" });
  }, 90_000);
});
