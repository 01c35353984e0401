// GraphiQL as a new user first sees it, in a real browser with no internet: headless Chromium,
// every request that would leave this machine refused and recorded. The page opens with the
// project's first query and its token hint (not Yoga's welcome text), loads everything from this
// server, logs no console error, and runs that query; a query in the page's URL still wins.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";
import { loadDemoWorld } from "../support/world.js";

const CHROMIUM = "/usr/bin/chromium";
let t: TestService;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  t = await startTestService({ listen: true });
  await loadDemoWorld(t);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("GraphiQL, offline, in Chromium", () => {
  it("opens with the project's first query and token hint, fetches nothing from the internet, logs no error, and runs the query", async () => {
    const origin = `http://127.0.0.1:${t.port}`;
    const context = await browser.newContext();
    const outside: string[] = [];
    const fromServer: string[] = [];
    // Anything not from this server nor inline (data:, blob:) is refused, as on a machine without internet.
    await context.route(
      (url) => url.origin !== origin && url.protocol !== "data:" && url.protocol !== "blob:",
      (route) => {
        outside.push(route.request().url());
        return route.abort("internetdisconnected");
      },
    );
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
    page.on("request", (r) => {
      if (r.url().startsWith(origin)) fromServer.push(new URL(r.url()).pathname);
    });

    await page.goto(`${origin}/graphql`, { waitUntil: "load" });
    await page.waitForSelector(".graphiql-execute-button", { timeout: 60_000 });
    const editor = page.locator(".graphiql-query-editor");
    await expect.poll(async () => (await editor.innerText()).replace(/\u00a0/g, " "), { timeout: 30_000 }).toContain("npm run token");
    const text = (await editor.innerText()).replace(/\u00a0/g, " ");
    expect(text).toContain('Paste a token into Headers as {"Authorization": "Bearer');
    expect(text).toContain("listings(first: 5)");
    expect(text).not.toContain("Welcome to");

    await page.click(".graphiql-execute-button");
    const response = page.locator(".graphiql-response");
    await expect.poll(async () => (await response.innerText()).replace(/\u00a0/g, " "), { timeout: 30_000 }).toContain("Northwind");
    expect((await response.innerText()).replace(/\u00a0/g, " ")).toContain('"role": "PUBLIC"');

    // The page, its stylesheet, script and editor workers, and the GraphQL requests: all from here.
    expect(fromServer).toEqual(expect.arrayContaining(["/graphql", "/graphiql-assets/graphiql.css", "/graphiql-assets/yoga-graphiql.umd.js"]));
    expect(fromServer.filter((p) => p.includes("worker"))).toHaveLength(3);
    // A query in the page's URL (a shared link, a reload after editing) still opens as it is.
    const linked = "{ categories { slug } }";
    await page.goto(`${origin}/graphql?query=${encodeURIComponent(linked)}`, { waitUntil: "load" });
    await page.waitForSelector(".graphiql-execute-button", { timeout: 60_000 });
    await expect.poll(async () => (await editor.innerText()).replace(/\u00a0/g, " "), { timeout: 30_000 }).toContain("categories");
    expect((await editor.innerText()).replace(/\u00a0/g, " ")).not.toContain("npm run token");

    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
