// R-TIME-1 in the partner dashboard: with PROGRAM_TODAY the program lives 20 days ahead of the
// browser, and the low-usage notice's countdown counts from the program's clock (Query.programNow),
// not from the browser's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mutate, ok } from "../support/mutate.js";
import { demoListingId, openPage, startWeb, waitLive, type WebWorld } from "./browser.js";

const DAY = 86_400_000;
const programToday = new Date(Date.now() + 20 * DAY).toISOString().slice(0, 10);
let web: WebWorld;

beforeAll(async () => {
  web = await startWeb({ env: { PROGRAM_TODAY: programToday } });
}, 120_000);
afterAll(() => web?.close());

describe("the program's clock in the dashboard", () => {
  it("R-TIME-1, R-USE-2: the low-usage countdown counts down from the program's now, which the API reports", async () => {
    const { data } = await web.t.gql(`{ programNow }`);
    const programNow = new Date(data.programNow).getTime();
    expect(new Date(programNow).toISOString().slice(0, 10)).toBe(programToday);

    const prisma = web.t.service.program.prisma;
    const scheduler = await prisma.app.findFirstOrThrow({ where: { name: "Northwind Scheduler" } });
    await prisma.usageMonth.deleteMany({ where: { appId: scheduler.id } });
    expect(ok(await mutate(web.t, web.w.staffToken, "runLowUsageSweep", "{ putAtRisk }")).putAtRisk).toBeGreaterThanOrEqual(1);
    const { atRiskDeadline } = await prisma.listing.findFirstOrThrow({ where: { appId: scheduler.id, marketplace: "COMMERCIAL" } });

    const page = await openPage(web, "/partner", web.w.partners.northwind.adminToken);
    await page.getByRole("heading", { level: 1, name: "Northwind Analytics" }).waitFor({ timeout: 20_000 });
    await waitLive(page);
    const id = await demoListingId(web, "Northwind Scheduler");
    const countdown = page.locator(`.notices li[data-listing-id="${id}"] .countdown`);
    await countdown.waitFor({ timeout: 10_000 });
    const shown = Number(/^(\d+) days?/.exec(await countdown.innerText())?.[1]);
    const { data: again } = await web.t.gql(`{ programNow }`);
    const left = (atRiskDeadline!.getTime() - new Date(again.programNow).getTime()) / DAY;
    // Counted from the program's clock: the whole days left on it (the browser's clock would show 20 more).
    expect(shown).toBe(Math.floor(left));
    expect(Math.floor((atRiskDeadline!.getTime() - Date.now()) / DAY)).toBeGreaterThanOrEqual(shown + 19);
  }, 90_000);
});
