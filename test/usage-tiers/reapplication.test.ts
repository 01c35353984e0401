// R-USE-4 through the API: a low-usage-delisted app is re-applied only once it meets R-APP-2 again,
// with a test customer's use AFTER the delisting; its use from before does not count, whether the
// partner names that customer or leaves the choice to the server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";
import { globalId as gid, loadDemoWorld, type DemoWorld } from "../support/world.js";
import { call, ok, refusal } from "../support/mutate.js";

let t: TestService;
let w: DemoWorld;
beforeAll(async () => {
  t = await startTestService();
  w = await loadDemoWorld(t);
});
afterAll(() => t?.close());

/** Dormant Docs' Dormant Sync: delisted for low usage 20 days ago; its test customer last used it two years ago. */
async function dormantSync() {
  const prisma = t.service.program.prisma;
  const app = await prisma.app.findFirstOrThrow({ where: { name: "Dormant Sync" }, include: { testCustomers: true } });
  const listing = await prisma.listing.findFirstOrThrow({ where: { appId: app.id, marketplace: "COMMERCIAL" } });
  expect(listing).toMatchObject({ state: "DELISTED", delistReason: "LOW_USAGE" });
  const customer = app.testCustomers[0]!;
  expect(customer.lastUsedAt!.getTime()).toBeLessThan(listing.stateChangedAt.getTime());
  return { app, listing, customer };
}

const reapply = (appId: string, testCustomerId?: string) =>
  call(t, w.partners.dormant.adminToken, "mutation", "",
    `requestValidation(appId: "${gid("App", appId)}", marketplace: COMMERCIAL, purpose: REAPPLICATION${testCustomerId ? `, testCustomerId: "${testCustomerId}"` : ""})`,
    "{ id purpose testCustomer { customerName } }");

describe("R-USE-4: re-application needs a test customer's use after the delisting", () => {
  it("R-USE-4: the original test customer's use from before the delisting is refused, named or picked by the server, and nothing is written", async () => {
    const { app, customer } = await dormantSync();
    const before = await t.service.program.prisma.appValidation.count({ where: { appId: app.id } });
    const picked = refusal(await reapply(app.id), "R-USE-4");
    expect(picked.relatedRule).toBe("R-APP-2");
    expect(picked.missing![0]).toMatch(/use of the app since the delisting on \d{4}-\d{2}-\d{2}/);
    expect(picked.missing![0]).toContain(`${customer.customerName} last used it on`);
    const named = refusal(await reapply(app.id, customer.id), "R-USE-4");
    expect(named.missing).toEqual([expect.stringContaining(`use of the app by ${customer.customerName} since the delisting`)]);
    expect(named.toSatisfy).toContain(`Have ${customer.customerName} use the app again`);
    expect(await t.service.program.prisma.appValidation.count({ where: { appId: app.id } })).toBe(before);
  });

  it("R-USE-4: after the test customer uses the app again, the re-application is accepted and shows that customer", async () => {
    const { app, customer } = await dormantSync();
    ok(await call(t, w.partners.dormant.adminToken, "mutation", "", `recordTestCustomerUse(testCustomerId: "${customer.id}")`, "{ id }"));
    const requested = ok(await reapply(app.id));
    expect(requested).toMatchObject({ purpose: "REAPPLICATION", testCustomer: { customerName: customer.customerName } });
  });
});
