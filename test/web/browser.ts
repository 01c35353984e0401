// The web frontends in a real browser: a service listening on a port (serving web/dist, built by the
// test run's global setup when web/ changed), Debian's Chromium through playwright-core, and pages
// opened as the public or signed in with a token.
import { existsSync } from "node:fs";
import path from "node:path";
import type { Socket } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";
import { WEB_DIST } from "../../src/server/web-app.js";
import { startTestService, type TestService } from "../support/harness.js";
import { mutate, ok, content } from "../support/mutate.js";
import { globalId, loadDemoWorld, partnerInProgram, type DemoWorld } from "../support/world.js";
import { seedDemoCatalogue } from "../../src/seed/catalogue.js";

export const CHROMIUM = "/usr/bin/chromium";

export interface WebWorld {
  t: TestService;
  w: DemoWorld;
  browser: Browser;
  base: string;
  /** Sockets upgraded to WebSocket, to drop them as a network failure would. */
  sockets: Set<Socket>;
  close(): Promise<void>;
}

export async function startWeb(opts: { catalogue?: boolean; env?: Record<string, string> } = {}): Promise<WebWorld> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  if (!existsSync(path.join(WEB_DIST, "index.html"))) throw new Error("web/dist is not built: run npm run build");
  const t = await startTestService({ listen: true, env: { EVENT_POLL_MS: "200", ...opts.env } });
  const w = await loadDemoWorld(t);
  if (opts.catalogue) await seedDemoCatalogue(t.service.program);
  const sockets = new Set<Socket>();
  t.service.http.server.on("upgrade", (_req, socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  return {
    t,
    w,
    browser,
    base: `http://127.0.0.1:${t.port}`,
    sockets,
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/** A new page (its own storage), signed in with `token` when given, with page errors failing the test. */
export async function openPage(web: WebWorld, pathname: string, token?: string): Promise<Page> {
  const context = await web.browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (token) await context.addInitScript((t) => localStorage.setItem("partner-program.token", t), token);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  (page as Page & { errors?: string[] }).errors = errors;
  await page.goto(web.base + pathname, { waitUntil: "domcontentloaded" });
  return page;
}

export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

/** Waits until the page's live feed is subscribed (its status line says so). */
export async function waitLive(page: Page): Promise<void> {
  await page.locator('.live-status[data-live="live"]').waitFor({ timeout: 20_000 });
}

/** The names on the storefront's cards, in order. */
export async function cardNames(page: Page): Promise<string[]> {
  return page.locator(".cards .card h3").allInnerTexts();
}

/**
 * A new partner in the program with one app (OTHER, PUSH) that passed App Validation on Commercial
 * and a listing of it submitted for review: the next approval puts it live (R-LIST-2).
 */
export async function listingInReview(web: WebWorld, name: string, extra: Record<string, unknown> = {}): Promise<{ partnerId: string; adminToken: string; listingId: string }> {
  const { t, w } = web;
  const { id: partnerId, adminToken } = await partnerInProgram(t, `${name} Co`);
  const appId = ok(await mutate(t, adminToken, `createApp(partnerId: "${partnerId}", name: "${name}", kind: OTHER, dataFlow: PUSH)`, "{ id }")).id as string;
  const customer = ok(await mutate(t, adminToken, `registerTestCustomer(appId: "${appId}", customerRef: "cust-${appId.slice(-6)}", customerName: "Harbor Builders")`, "{ id }"));
  ok(await mutate(t, adminToken, `recordTestCustomerUse(testCustomerId: "${customer.id}")`, "{ usageCount }"));
  const v = ok(await mutate(t, adminToken, `requestValidation(appId: "${appId}", marketplace: COMMERCIAL)`, "{ id }"));
  ok(await mutate(t, w.managerToken, `assignIntegrationManager(validationId: "${v.id}")`, "{ status }"));
  for (const kind of ["DEMONSTRATION", "IMPLEMENTATION_UNDERSTANDING"]) {
    ok(await mutate(t, w.managerToken, `recordValidationCheck(validationId: "${v.id}", kind: ${kind}, passed: true, notes: "Seen working")`, "{ kind }"));
  }
  expect(ok(await mutate(t, w.managerToken, `completeValidation(validationId: "${v.id}", outcome: PASSED)`, "{ status }")).status).toBe("PASSED");
  const listingId = ok(await mutate(t, adminToken, `createListing(appId: "${appId}", marketplace: COMMERCIAL, content: $content)`, "{ id }", { content: content(name, extra) })).id as string;
  expect(ok(await mutate(t, adminToken, `submitListing(listingId: "${listingId}")`, "{ state }")).state).toBe("IN_REVIEW");
  return { partnerId, adminToken, listingId };
}

/** The global id of a demo listing by its app's name. */
export async function demoListingId(web: WebWorld, appName: string, marketplace: "COMMERCIAL" | "FEDRAMP" = "COMMERCIAL"): Promise<string> {
  const l = await web.t.service.program.prisma.listing.findFirstOrThrow({ where: { marketplace, app: { name: appName } } });
  return globalId("Listing", l.id);
}

/**
 * Accessibility basics of what the page shows now: every form control has a label (or aria-label),
 * every image an alt text, every link and button a name, one h1, and text in sufficient contrast.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const el of document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>("input, select, textarea")) {
      if (!el.labels?.length && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")) problems.push(`control without a label: ${el.outerHTML.slice(0, 80)}`);
    }
    for (const img of document.querySelectorAll("img")) if (!img.getAttribute("alt")) problems.push(`image without alt: ${img.src}`);
    for (const el of document.querySelectorAll<HTMLElement>("a, button")) if (!(el.innerText || el.getAttribute("aria-label") || el.querySelector("img[alt]")?.getAttribute("alt") || "").trim()) problems.push(`nameless ${el.tagName.toLowerCase()}: ${el.outerHTML.slice(0, 80)}`);
    if (document.querySelectorAll("h1").length !== 1) problems.push(`${document.querySelectorAll("h1").length} h1 elements`);
    if (!document.documentElement.lang) problems.push("no lang on <html>");
    // WCAG AA contrast of every element's own visible text against the background it is drawn on
    // (4.5:1, large text 3:1; disabled controls are exempt).
    const rgba = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]) => {
      const lin = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
    };
    const background = (el: Element | null): number[] => {
      for (; el; el = el.parentElement) {
        const c = rgba(getComputedStyle(el).backgroundColor);
        if (c.length === 3 || (c[3] ?? 0) > 0) return c;
      }
      return [255, 255, 255];
    };
    for (const el of document.querySelectorAll<HTMLElement>("body *")) {
      const text = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
      if (!text || !el.offsetParent || (el as HTMLButtonElement).disabled || el.closest("svg")) continue;
      const style = getComputedStyle(el);
      const [l1, l2] = [luminance(rgba(style.color)), luminance(background(el))].sort((a, b) => b - a);
      const ratio = (l1! + 0.05) / (l2! + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)}:1 for "${el.innerText.slice(0, 30)}" (${style.color} on ${getComputedStyle(el).backgroundColor})`);
    }
    return problems;
  });
}
