// A real browser: headless Chromium opens GraphiQL (served from local assets), starts a listing
// subscription, and shows the event of a delisting made through the API.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";
import { globalId as gid, loadDemoWorld, type DemoWorld } from "../support/world.js";
import { mutate, ok } from "../support/mutate.js";

const CHROMIUM = "/usr/bin/chromium";
let t: TestService;
let w: DemoWorld;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  t = await startTestService({ listen: true, env: { EVENT_POLL_MS: "200" } });
  w = await loadDemoWorld(t);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("GraphiQL in a real browser", () => {
  it("R-LIST-6: shows the listing change of a delisting made through the API, live", async () => {
    const page = await browser.newPage();
    const scripts: string[] = [];
    page.on("request", (r) => {
      if (r.resourceType() === "script") scripts.push(r.url());
    });
    const query = "subscription { listingChanges(marketplace: COMMERCIAL) { type listingId reason } }";
    await page.goto(`http://127.0.0.1:${t.port}/graphql?query=${encodeURIComponent(query)}`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(".graphiql-execute-button", { timeout: 20_000 });
    // Every script came from this server, none from a CDN.
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.every((u) => u.startsWith(`http://127.0.0.1:${t.port}/`) || u.startsWith("blob:"))).toBe(true);
    await page.click(".graphiql-execute-button");
    await page.waitForTimeout(1000); // the subscription is open before the change is made
    const listing = await t.service.program.prisma.listing.findFirstOrThrow({ where: { marketplace: "COMMERCIAL", app: { name: "Northwind Scheduler" } } });
    ok(await mutate(t, w.staffToken, `delistListing(listingId: "${gid("Listing", listing.id)}", reason: "Seen in the browser")`, "{ state }"));
    const response = page.locator(".graphiql-response");
    await expect.poll(async () => response.innerText(), { timeout: 10_000 }).toContain("listing.delisted");
    // The editor renders spaces as non-breaking spaces and wraps long values across lines.
    const text = (await response.innerText()).replace(/\u00a0/g, " ");
    expect(text).toContain("Seen in the browser");
    expect(text.replace(/\s+/g, "")).toContain(gid("Listing", listing.id));
    await page.screenshot({ path: "/tmp/graphiql-subscription.png" });
    await page.close();
  }, 60_000);

  /** Opens GraphiQL with a subscription and a token pasted into its Headers tab, and runs it. */
  async function subscribeInGraphiQL(query: string, token: string) {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${t.port}/graphql?query=${encodeURIComponent(query)}`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(".graphiql-execute-button", { timeout: 20_000 });
    await page.getByText("Headers", { exact: true }).click();
    const editor = page.locator(".graphiql-editor-tool .graphiql-editor").last();
    await editor.click();
    await page.keyboard.press("Control+A");
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${token}` }));
    await page.click(".graphiql-execute-button");
    await page.waitForTimeout(1000); // the subscription is open before the change is made
    return page;
  }
  const responseText = async (page: import("playwright-core").Page) => (await page.locator(".graphiql-response").innerText()).replace(/\u00a0/g, " ");

  it("staff, a partner and a FedRAMP-cleared viewer subscribe with the token pasted into Headers, and see events of a mutation made elsewhere", async () => {
    const staffPage = await subscribeInGraphiQL("subscription { programEvents { type after } }", w.staffToken);
    const nw = w.partners.northwind;
    const partnerPage = await subscribeInGraphiQL(`subscription { partnerEvents(partnerId: "${gid("Partner", nw.id)}") { type after } }`, nw.adminToken);
    const fedToken = await t.token({ ...(await t.service.tokens.verify(w.staffToken)), fedramp: true });
    const fedPage = await subscribeInGraphiQL("subscription { listingChanges(marketplace: FEDRAMP) { type listingId } }", fedToken);
    // The mutation, as from another tab.
    ok(await mutate(t, nw.adminToken, `sendLead(partnerId: "${gid("Partner", nw.id)}", company: "Headers Tab Co", contactName: "H", contactEmail: "h@co.example", details: "d")`, "{ id }"));
    const fedListing = await t.service.program.prisma.listing.findFirstOrThrow({ where: { marketplace: "FEDRAMP", state: { in: ["LIVE", "AT_RISK"] } } });
    ok(await mutate(t, fedToken, `delistListing(listingId: "${gid("Listing", fedListing.id)}", reason: "FedRAMP in the browser")`, "{ state }"));
    await expect.poll(() => responseText(staffPage), { timeout: 10_000 }).toContain("Headers Tab Co");
    await expect.poll(() => responseText(partnerPage), { timeout: 10_000 }).toContain("Headers Tab Co");
    await expect.poll(() => responseText(fedPage), { timeout: 10_000 }).toContain("listing.delisted");
    for (const text of [await responseText(staffPage), await responseText(partnerPage), await responseText(fedPage)]) expect(text).not.toMatch(/FORBIDDEN|staff only|not allowed/);
    await staffPage.screenshot({ path: "/tmp/graphiql-headers-subscription.png" });
    for (const p of [staffPage, partnerPage, fedPage]) await p.close();
  }, 90_000);
});
