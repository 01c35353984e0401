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
});
