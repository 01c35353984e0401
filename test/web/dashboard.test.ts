// The partner dashboard (/partner) in a real browser: signing in with a token, what a partner sees of
// itself (apps, checks, listings, usage, tier progress, leads, inquiries), live events, and what it
// never sees: its FedRAMP listing without clearance, anything of another partner.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { content, mutate, ok } from "../support/mutate.js";
import { globalId } from "../support/world.js";
import { accessibilityProblems, demoListingId, openPage, pageErrors, startWeb, waitLive, type WebWorld } from "./browser.js";

let web: WebWorld;

beforeAll(async () => {
  web = await startWeb();
}, 120_000);
afterAll(() => web?.close());

const mainText = (page: Page) => page.locator("main").innerText();

/** Northwind's admin with FedRAMP clearance in the token (R-LIST-6). */
async function clearedNorthwindAdmin(): Promise<string> {
  const partnerId = web.w.partners.northwind.id;
  const admin = await web.t.service.program.prisma.partnerMember.findFirstOrThrow({ where: { partnerId, role: "ADMIN" } });
  return web.t.token({ sub: admin.id, role: "partner-admin", partnerId, fedramp: true });
}

async function signedIn(token: string, name: string): Promise<Page> {
  const page = await openPage(web, "/partner", token);
  await page.getByRole("heading", { level: 1, name }).waitFor({ timeout: 20_000 });
  await page.locator("tr[data-listing-id], .app").first().waitFor({ timeout: 20_000 });
  await waitLive(page);
  return page;
}

describe("partner dashboard in a real browser", () => {
  it("signs in with a pasted token (with the npm run token hint), explains a rejected one, and shows the partner's own data", async () => {
    const page = await openPage(web, "/partner");
    expect(await page.locator("#token-hint").innerText()).toContain("npm run -s token -- --partner");
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByLabel("Paste your token").fill("not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").innerText(), { timeout: 10_000 }).toMatch(/token was not accepted/);

    await page.getByLabel("Paste your token").fill(`Bearer ${web.w.partners.northwind.adminToken}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 1, name: "Northwind Analytics" }).waitFor({ timeout: 20_000 });
    await page.locator(".app").first().waitFor({ timeout: 20_000 });
    await waitLive(page);
    const text = await mainText(page);
    // Apps with their validation and checks, listings with their state.
    expect(text).toContain("Northwind Insights (data connector, Bi-directional, active)");
    expect(text).toMatch(/App Validation, Commercial, attempt 1: passed/);
    expect(text).toContain("✓ passed: data transfer — Transferred 500 records.");
    const insights = await demoListingId(web, "Northwind Insights");
    expect(await page.locator(`tr[data-listing-id="${insights}"]`).getAttribute("data-state")).toBe("LIVE");
    // Usage: one bar per month, 12 months, the API's sums.
    const apps = (await web.t.gql(`{ apps(first: 10) { edges { node { usage(months: 12) { month activeCustomers } } } } }`, {}, web.w.partners.northwind.adminToken)).data.apps.edges;
    const sums = new Map<string, number>();
    for (const a of apps) for (const u of a.node.usage) sums.set(u.month, (sums.get(u.month) ?? 0) + u.activeCustomers);
    const months = [...sums.keys()].sort().slice(-12);
    expect(await page.locator(".chart .bar").count()).toBe(months.length);
    expect(await page.locator(".chart text.value").evaluateAll((els) => els.map((e) => e.textContent))).toEqual(months.map((m) => String(sums.get(m))));
    // R-TIER-9: this year's tier and the progress toward the next, informational.
    const progress = (await web.t.gql(`query($id: ID!) { partner(id: $id) { tierProgress { ... on PartnerTierProgressSuccess { data { nextTier met total requirements { label } } } } } }`,
      { id: globalId("Partner", web.w.partners.northwind.id) }, web.w.partners.northwind.adminToken)).data.partner.tierProgress.data;
    expect(text).toContain("This year you are Select.");
    expect(text).toContain(`${progress.met} of ${progress.total} requirements met`);
    for (const r of progress.requirements) expect(text).toContain(r.label);
    // Leads and inquiries with response time.
    expect(text).toContain("Summit Builders");
    expect(text).toContain("Does Insights support cost codes?");
    await page.screenshot({ path: "/tmp/web-dashboard.png", fullPage: true });
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  }, 90_000);

  it("R-LEAD-1, R-INQ-1, R-LIST-5: events update each part live and fill the activity feed: a lead sent, an inquiry answered with its response time, a revision in review then rejected with its notes", async () => {
    const nw = web.w.partners.northwind;
    const page = await signedIn(nw.adminToken, "Northwind Analytics");
    ok(await mutate(web.t, nw.adminToken, `sendLead(partnerId: "${globalId("Partner", nw.id)}", company: "Live Lead Builders", contactName: "Lee", contactEmail: "lee@live.example", details: "12 projects")`, "{ id }"));
    await page.locator("tr", { hasText: "Live Lead Builders" }).waitFor({ timeout: 5_000 });
    await page.locator('[data-event-type="lead.sent"]').waitFor({ timeout: 5_000 });
    const inquiry = await web.t.service.program.prisma.inquiry.findFirstOrThrow({ where: { partnerId: nw.id, respondedAt: null } });
    ok(await mutate(web.t, nw.adminToken, `answerInquiry(inquiryId: "${inquiry.id}", response: "Yes, both ways.")`, "{ responseSeconds }"));
    const row = page.locator(`tr[data-inquiry-id="${inquiry.id}"]`);
    await expect.poll(() => row.innerText(), { timeout: 5_000 }).not.toContain("Not answered yet");
    expect(await row.innerText()).toMatch(/\d+(\.\d)? (s|min|h|days)$/);
    await page.locator('[data-event-type="inquiry.answered"]').waitFor({ timeout: 5_000 });

    // R-LIST-5: an edit of the live listing goes to review as a pending revision; rejected, its notes show.
    const insights = await demoListingId(web, "Northwind Insights");
    const listingRow = page.locator(`tr[data-listing-id="${insights}"]`);
    ok(await mutate(web.t, nw.adminToken, `editListing(listingId: "${insights}", content: $content)`, "{ id }", { content: content("Northwind Insights") }));
    ok(await mutate(web.t, nw.adminToken, `submitListing(listingId: "${insights}")`, "{ state }"));
    await expect.poll(() => listingRow.innerText(), { timeout: 5_000 }).toContain("#2, in review");
    ok(await mutate(web.t, web.w.staffToken, `rejectListing(listingId: "${insights}", reasons: "Add a screenshot of the sync settings.")`, "{ state }"));
    await expect.poll(() => listingRow.locator(".review").innerText(), { timeout: 5_000 }).toMatch(/^#2 rejected on .*: Add a screenshot of the sync settings\.$/);
    expect(await listingRow.innerText()).not.toContain("in review");
    expect(await listingRow.getAttribute("data-state")).toBe("LIVE");
    await page.locator('[data-event-type="listing.revision-rejected"]').waitFor({ timeout: 5_000 });
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  }, 90_000);

  it("R-LIST-6: an uncleared partner never sees its FedRAMP listing (nor its events); with clearance in the token it does", async () => {
    const nw = web.w.partners.northwind;
    const uncleared = await signedIn(nw.adminToken, "Northwind Analytics");
    const cleared = await signedIn(await clearedNorthwindAdmin(), "Northwind Analytics");
    // The positive control: the same partner, cleared, has the FedRAMP listing and its validation.
    expect(await mainText(cleared)).toContain("Northwind Insights Gov");
    expect(await mainText(cleared)).toContain("App Validation, FedRAMP");
    const unclearedText = await mainText(uncleared);
    expect(unclearedText).not.toContain("Northwind Insights Gov");
    expect(unclearedText).not.toContain("FedRAMP");

    // A change to the FedRAMP listing reaches the cleared dashboard only; a later Commercial event
    // reaches both, so the uncleared one had every chance to show the first.
    const gov = await demoListingId(web, "Northwind Insights", "FEDRAMP");
    ok(await mutate(web.t, web.w.staffFedrampToken, `delistListing(listingId: "${gov}", reason: "FedRAMP delisting, seen only when cleared")`, "{ state }"));
    await cleared.locator('[data-event-type="listing.delisted"]', { hasText: "FedRAMP delisting" }).waitFor({ timeout: 5_000 });
    ok(await mutate(web.t, nw.adminToken, `sendLead(partnerId: "${globalId("Partner", nw.id)}", company: "After Gov Co", contactName: "A", contactEmail: "a@aftergov.example", details: "d")`, "{ id }"));
    await uncleared.locator('[data-event-type="lead.sent"]').waitFor({ timeout: 5_000 });
    await uncleared.locator("tr", { hasText: "After Gov Co" }).waitFor({ timeout: 5_000 });
    const after = await mainText(uncleared);
    expect(after).not.toContain("FedRAMP delisting");
    expect(after).not.toContain("Northwind Insights Gov");
    expect(after).not.toContain("FedRAMP");
    expect(await uncleared.locator('[data-event-type="listing.delisted"]').count()).toBe(0);
    for (const p of [uncleared, cleared]) {
      expect(pageErrors(p)).toEqual([]);
      await p.context().close();
    }
  }, 90_000);

  it("signed in with a partner's API token, the dashboard says so when the token is revoked: its live feed is closed (4403) and not retried", async () => {
    const nw = web.w.partners.northwind;
    const created = ok(await mutate(web.t, nw.adminToken, `createApiToken(partnerId: "${globalId("Partner", nw.id)}", name: "Dashboard screen")`, "{ secret apiToken { id } }"));
    const page = await signedIn(created.secret, "Northwind Analytics");
    const subscribes: string[] = [];
    page.on("websocket", (ws) => ws.on("framesent", (f) => String(f.payload).includes('"subscribe"') && subscribes.push(String(f.payload))));
    ok(await mutate(web.t, nw.adminToken, `revokeApiToken(apiTokenId: "${created.apiToken.id}")`, "{ revokedAt }"));
    await page.locator('.live-status[data-live="refused"]').waitFor({ timeout: 10_000 });
    expect(await page.locator(".live-status").innerText()).toContain("your token was refused");
    await page.waitForTimeout(1500);
    expect(subscribes).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  }, 60_000);

  it("R-LIST-6: a token for another partner shows nothing of this one, not even its events", async () => {
    const cobalt = web.w.partners.cobalt;
    const nw = web.w.partners.northwind;
    const page = await signedIn(cobalt.adminToken, "Cobalt Estimating");
    // Northwind does something; then Cobalt does something, which its dashboard shows.
    ok(await mutate(web.t, nw.adminToken, `sendLead(partnerId: "${globalId("Partner", nw.id)}", company: "Northwind Only Co", contactName: "N", contactEmail: "n@nw.example", details: "d")`, "{ id }"));
    ok(await mutate(web.t, cobalt.adminToken, `sendLead(partnerId: "${globalId("Partner", cobalt.id)}", company: "Cobalt Own Co", contactName: "C", contactEmail: "c@co.example", details: "d")`, "{ id }"));
    await page.locator("tr", { hasText: "Cobalt Own Co" }).waitFor({ timeout: 5_000 });
    await expect.poll(() => page.locator('[data-event-type="lead.sent"]').count(), { timeout: 5_000 }).toBe(1);
    const text = await mainText(page);
    for (const northwind of ["Northwind", "Summit Builders", "Does Insights support cost codes?", "Northwind Only Co"]) expect(text).not.toContain(northwind);
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  }, 90_000);
});
