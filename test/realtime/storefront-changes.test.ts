// R-LIST-6 through the API: what the storefront shows changes when a listing goes at risk (its badge
// appears) and when it recovers, so a public `listingChanges` subscriber receives both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";
import { collect, wsClient } from "../support/subscriber.js";
import { loadDemoWorld, type DemoWorld } from "../support/world.js";

let t: TestService;
let w: DemoWorld;
beforeAll(async () => {
  t = await startTestService({ listen: true, env: { PROGRAM_TODAY: "2027-03-31", EVENT_POLL_MS: "200" } });
  w = await loadDemoWorld(t);
});
afterAll(() => t?.close());

const sweep = async (asOf: string) => {
  const r = await t.gql(`mutation($asOf: Date) { runLowUsageSweep(asOf: $asOf) { __typename ... on MutationRunLowUsageSweepSuccess { data { putAtRisk recovered } } } }`, { asOf }, w.staffToken);
  expect(r.errors).toBeUndefined();
  return r.data.runLowUsageSweep.data as { putAtRisk: number; recovered: number };
};

describe("R-LIST-6: the at-risk badge is a storefront change", () => {
  it("R-LIST-6: a public listingChanges subscriber receives the at-risk notice and the recovery", async () => {
    const prisma = t.service.program.prisma;
    const app = await prisma.app.findFirstOrThrow({ where: { name: "Northwind Scheduler" } });
    const listing = await prisma.listing.findFirstOrThrow({ where: { appId: app.id, marketplace: "COMMERCIAL" } });
    const client = wsClient(t.port!);
    const changes = collect(client, `subscription { listingChanges { type listingId listing { state atRiskDeadline } } }`, {}, (d) => d.listingChanges);
    try {
      await new Promise((r) => setTimeout(r, 300));
      // No usage in the trailing window: the sweep puts the live listing at risk.
      await prisma.usageMonth.deleteMany({ where: { appId: app.id } });
      expect(await sweep("2027-01-05")).toMatchObject({ putAtRisk: 1 });
      const [notice] = await changes.waitFor(1, 10_000);
      expect(notice).toMatchObject({ type: "listing.low-usage-notice", listing: { state: "AT_RISK", atRiskDeadline: "2027-02-04T00:00:00.000Z" } });
      expect(Buffer.from(notice.listingId, "base64").toString()).toBe(`Listing:${listing.id}`);
      // Usage comes back before the deadline: the badge goes, and the subscriber hears it.
      await prisma.usageMonth.create({ data: { appId: app.id, month: new Date("2027-01-01T00:00:00Z"), activeCustomers: 3, installs: 1, uninstalls: 0, pushCalls: 10n, pullCalls: 0n } });
      expect(await sweep("2027-01-20")).toMatchObject({ recovered: 1 });
      const [, recovery] = await changes.waitFor(2, 10_000);
      expect(recovery).toMatchObject({ type: "listing.low-usage-recovered", listing: { state: "LIVE", atRiskDeadline: null } });
    } finally {
      await changes.dispose();
      await client.dispose();
    }
  });
});
