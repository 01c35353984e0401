// R-USE-1..4 through the API and the database, on the demo program (PGlite or PostgreSQL).
// The program's today is 2027-03-31; the sweep walks the first quarter of 2027 by its as-of date.
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../src/events/log.js";
import { appendEvents } from "../../src/program/event-batch.js";
import { checkUsageFile, importUsageFile, importUsageFileAtomically } from "../../src/program/usage-file.js";
import { appPartners, upsertUsageRows, usageRecordedEvent, writeUsageRows } from "../../src/program/usage.js";
import { startTestService, type TestService } from "../support/harness.js";
import { globalId, loadDemoWorld, type DemoWorld } from "../support/world.js";
import { utc } from "./helpers.js";
import { call, ok, refusal } from "../support/mutate.js";

let t: TestService;
let w: DemoWorld;
const prisma = () => t.service.program.prisma;
const gid = globalId;

beforeAll(async () => {
  t = await startTestService({ env: { PROGRAM_TODAY: "2027-03-31" } });
  w = await loadDemoWorld(t);
});
afterAll(() => t?.close());

const appNamed = (name: string) => prisma().app.findFirstOrThrow({ where: { name } });
const listingOf = (name: string) => prisma().listing.findFirstOrThrow({ where: { marketplace: "COMMERCIAL", app: { name } } });

const RECORD = `recordUsage(rows: $rows)`;
const record = (token: string | undefined, rows: unknown[]) => call(t, token, "mutation", "$rows: [UsageRowInput!]!", RECORD, "{ rows created replaced apps }", { rows });
const sweep = (asOf: string, token = w.staffToken) =>
  call(t, token, "mutation", "$asOf: Date", "runLowUsageSweep(asOf: $asOf)", "{ examined putAtRisk delisted recovered unchanged conflicts minimum windowMonths noticeDays }", { asOf });

const row = (appId: string, month: string, activeCustomers: number, extra: Record<string, unknown> = {}) => ({
  appId, month, activeCustomers, installs: 1, uninstalls: 0, pushCalls: "10", pullCalls: "0", ...extra,
});

/** Zero usage for the app from 2026-01 to 2027-03: low over any trailing window in 2027. */
async function silence(appId: string) {
  const rows = [];
  for (let m = 0; m < 15; m++) rows.push(row(appId, `${2026 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`, 0));
  ok(await record(w.staffToken, rows));
}

describe("R-USE-1: usage per app per month", () => {
  it("R-USE-1: staff record a batch; recording an app-month again replaces it (idempotent)", async () => {
    const app = await appNamed("Northwind Insights");
    const before = await prisma().usageMonth.count();
    const first = ok(await record(w.staffToken, [row(gid("App", app.id), "2027-03", 7, { pushCalls: "9007199254740993" }), row(app.id, "2027-02", 5)]));
    expect(first).toMatchObject({ rows: 2, apps: 1 });
    const again = ok(await record(w.staffToken, [row(app.id, "2027-03", 8), row(app.id, "2027-03", 9, { pullCalls: "4" })]));
    expect(again).toEqual({ rows: 1, created: 0, replaced: 1, apps: 1 });
    const stored = await prisma().usageMonth.findUniqueOrThrow({ where: { appId_month: { appId: app.id, month: utc("2027-03-01") } } });
    expect(stored).toMatchObject({ activeCustomers: 9, pullCalls: 4n, pushCalls: 10n });
    expect(await prisma().usageMonth.count()).toBe(before + (first.created));
    const event = await prisma().event.findFirstOrThrow({ where: { type: "usage.recorded" }, orderBy: { position: "desc" } });
    expect(event.after).toMatchObject({ rows: 1, replaced: 1, firstMonth: "2027-03", lastMonth: "2027-03" });
  });

  it("R-USE-1: a bad row is named by index and reason, and nothing of the batch is written", async () => {
    const app = await appNamed("Northwind Insights");
    const [usage, events] = [await prisma().usageMonth.count(), await prisma().event.count()];
    const o = await record(w.staffToken, [
      row(app.id, "2027-01", 3),
      row(app.id, "2027-04", 3),
      row(app.id, "2026-13", -1),
      row("00000000-0000-4000-8000-000000000000", "2026-05", 1),
    ]);
    const e = refusal(o, "R-USE-1");
    const fields = e.problems!.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(["rows[1].month", "rows[2].month", "rows[2].activeCustomers"]));
    expect(e.problems!.find((p) => p.field === "rows[1].month")!.message).toMatch(/future/);
    expect(await prisma().usageMonth.count()).toBe(usage);
    expect(await prisma().event.count()).toBe(events);
    // The unknown app is caught once the row is otherwise valid.
    const unknown = refusal(await record(w.staffToken, [row(app.id, "2027-01", 3), row("00000000-0000-4000-8000-000000000000", "2026-05", 1)]), "R-USE-1");
    expect(unknown.problems).toEqual([{ field: "rows[1].appId", message: "no app with id 00000000-0000-4000-8000-000000000000" }]);
    expect(await prisma().usageMonth.count()).toBe(usage);
  });

  it("R-USE-1: partners cannot record usage", async () => {
    const app = await appNamed("Northwind Insights");
    const r = await t.gql(`mutation($rows: [UsageRowInput!]!) { recordUsage(rows: $rows) { __typename } }`, { rows: [row(app.id, "2027-01", 3)] }, w.partners.northwind.adminToken);
    expect(r.errors?.[0]?.message ?? r.data?.recordUsage?.__typename).toMatch(/Not authorized|Forbidden/);
  });

  it("R-USE-1: a file with a bad row imports nothing and names each bad line; a clean one imports, and again changes nothing", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "pp-usage-"));
    const insights = (await appNamed("Northwind Insights")).id;
    const scheduler = (await appNamed("Northwind Scheduler")).id;
    const bad = path.join(dir, "bad.csv");
    await writeFile(bad, [
      "appId,month,activeCustomers,installs,uninstalls,pushCalls,pullCalls",
      `${insights},2026-01,5,1,0,10,10`,
      `${insights},2026-02,x,1,0,10,10`,
      "",
      `00000000-0000-4000-8000-000000000001,2026-02,1,1,0,1,1`,
      `${scheduler},2030-01,1,1,0,1,1`,
    ].join("\n"));
    const knownApps = async (ids: readonly string[]) => new Set((await appPartners(prisma(), ids)).keys());
    const asOf = t.service.program.today();
    const atomically = (file: string, format: "csv" | "ndjson", batchSize: number) =>
      importUsageFileAtomically(file, {
        format, asOf, batchSize,
        transaction: (work) => prisma().$transaction((tx) => work({
          knownApps: async (ids) => new Set((await appPartners(tx, ids)).keys()),
          write: (rows) => upsertUsageRows(tx, rows, t.service.program.now()),
          finish: async (r) => void (await appendEvents(tx, [usageRecordedEvent(systemActor, r, { batches: r.batches })], t.service.program.now())),
        }), { timeout: 60_000 }),
      });
    const [usageBefore, eventsBefore] = [await prisma().usageMonth.count(), await prisma().event.count()];
    // Straight into the database: batches of one row, so line 2 is written before line 3 is found bad; all rolled back.
    const direct = await atomically(bad, "csv", 1);
    expect(direct.ok).toBe(false);
    if (direct.ok) return;
    expect(direct.check).toMatchObject({ rows: 4, badRows: 3 });
    expect(direct.check.bad.map((b) => b.line)).toEqual([3, 5, 6]);
    expect(direct.check.bad[0]!.reason).toMatch(/activeCustomers/);
    expect(direct.check.bad[1]!.reason).toMatch(/no app with id/);
    expect(direct.check.bad[2]!.reason).toMatch(/future/);
    expect(await prisma().usageMonth.count()).toBe(usageBefore);
    expect(await prisma().event.count()).toBe(eventsBefore);
    // Through the server: the check pass reports the same lines before anything is sent.
    const check = await checkUsageFile(bad, { format: "csv", asOf, knownApps });
    expect(check.bad.map((b) => b.line)).toEqual([3, 5, 6]);

    const good = path.join(dir, "good.ndjson");
    const lines = [];
    for (const appId of [insights, scheduler]) for (const m of ["2025-01", "2025-02", "2025-03"]) lines.push(JSON.stringify(row(appId, m, 4, { pushCalls: 5, pullCalls: "6" })));
    lines.push(JSON.stringify(row(insights, "2025-01", 11)));
    await writeFile(good, lines.join("\n") + "\n");
    expect((await checkUsageFile(good, { format: "ndjson", asOf, knownApps })).badRows).toBe(0);
    const first = await atomically(good, "ndjson", 4);
    expect(first.ok && first.report).toMatchObject({ rows: 7, written: 7, batches: 2, apps: 2, firstMonth: "2025-01", lastMonth: "2025-03" });
    const jan = await prisma().usageMonth.findUniqueOrThrow({ where: { appId_month: { appId: insights, month: utc("2025-01-01") } } });
    expect(jan.activeCustomers).toBe(11);
    const event = await prisma().event.findFirstOrThrow({ where: { type: "usage.recorded" }, orderBy: { position: "desc" } });
    expect(event.after).toMatchObject({ rows: 7, batches: 2 });
    const count = await prisma().usageMonth.count();
    const second = await atomically(good, "ndjson", 1000);
    expect(second.ok && second.report.created).toBe(0);
    expect(await prisma().usageMonth.count()).toBe(count);
    // The batch path the admin socket uses: whole batches through the writer.
    const viaBatches = await importUsageFile(good, { format: "ndjson", asOf, batchSize: 3, write: async ({ rows }) => t.service.program.change((tx) => writeUsageRows(tx, rows, systemActor, t.service.program.now())) });
    expect(viaBatches).toMatchObject({ rows: 7, batches: 3, created: 0 });
  });
});

/** A fixture built on first use and shared after: each test asks for the stage it starts from, so any test runs alone. */
const once = <T>(build: () => Promise<T>) => {
  let built: Promise<T> | undefined;
  return () => (built ??= build());
};

/** Northwind Scheduler silent since 2026: the sweep of 2027-01-05 puts it at risk, the same sweep again does nothing. */
const atRisk = once(async () => {
  const app = await appNamed("Northwind Scheduler");
  await silence(app.id);
  const first = ok(await sweep("2027-01-05"));
  const listing = await listingOf("Northwind Scheduler");
  const events = await prisma().event.count();
  const again = ok(await sweep("2027-01-05"));
  return { app, first, listing, again, events, eventsAfter: await prisma().event.count(), versionAfter: (await prisma().listing.findUniqueOrThrow({ where: { id: listing.id } })).version };
});
/** Then usage of 2027-01 recorded before the deadline: the sweep of 2027-01-20 recovers it. */
const recovered = once(async () => {
  const { app } = await atRisk();
  ok(await record(w.staffToken, [row(app.id, "2027-01", 3)]));
  return { sweep: ok(await sweep("2027-01-20")), listing: await listingOf("Northwind Scheduler") };
});
/** Then the usage of 2027-01 corrected to 0: at risk again on 2027-02-01, delisted when the deadline has passed. */
const delisted = once(async () => {
  const { app } = await atRisk();
  await recovered();
  ok(await record(w.staffToken, [row(app.id, "2027-01", 0)]));
  const sweeps = [];
  for (const day of ["2027-02-01", "2027-03-02", "2027-03-03", "2027-03-03"]) sweeps.push(ok(await sweep(day)));
  return { sweeps, listing: await listingOf("Northwind Scheduler") };
});

describe("R-USE-2 / R-USE-3: the low-usage sweep", () => {
  it("R-USE-2: a live listing under the minimum goes AT_RISK with a notice and a deadline; sweeping again changes nothing", async () => {
    const { first, listing: l, again, events, eventsAfter, versionAfter } = await atRisk();
    expect(first).toMatchObject({ putAtRisk: 1, delisted: 0, recovered: 0, minimum: 1, windowMonths: 12, noticeDays: 30 });
    expect(l.state).toBe("AT_RISK");
    expect(l.atRiskDeadline?.toISOString()).toBe("2027-02-04T00:00:00.000Z");
    expect(again).toMatchObject({ putAtRisk: 0, delisted: 0, recovered: 0, examined: first.examined });
    expect(eventsAfter).toBe(events);
    expect(versionAfter).toBe(l.version);
  });

  it("R-USE-2: each listing and app shows its delisting risk: trailing customers, minimum, status, deadline", async () => {
    const l = (await atRisk()).listing;
    const q = `query($id: ID!, $app: ID!) {
      node(id: $id) { ... on Listing { delistingRisk(asOf: "2027-01-06") { state trailingActiveCustomers minimum status deadline nextSweepAction windowFrom windowThrough explanation } } }
      app: node(id: $app) { ... on App { delistingRisk(asOf: "2027-01-06") { status deadline } } } }`;
    const r = await t.gql(q, { id: gid("Listing", l.id), app: gid("App", l.appId) }, w.partners.northwind.memberToken!);
    expect(r.errors).toBeUndefined();
    expect(r.data.node.delistingRisk).toMatchObject({
      state: "AT_RISK", trailingActiveCustomers: 0, minimum: 1, status: "LOW", deadline: "2027-02-04T00:00:00.000Z", nextSweepAction: "NONE",
      windowFrom: "2026-01-01", windowThrough: "2027-01-01",
    });
    expect(r.data.app.delistingRisk).toEqual({ status: "LOW", deadline: "2027-02-04T00:00:00.000Z" });
    const healthy = await listingOf("Northwind Insights");
    const ok = await t.gql(`query($id: ID!) { node(id: $id) { ... on Listing { delistingRisk { status trailingActiveCustomers deadline } } } }`, { id: gid("Listing", healthy.id) }, w.staffToken);
    expect(ok.data.node.delistingRisk.status).toBe("OK");
    expect(ok.data.node.delistingRisk.trailingActiveCustomers).toBeGreaterThan(0);
    // The public sees the listing, not its usage.
    const pub = await t.gql(`query($id: ID!) { node(id: $id) { ... on Listing { state delistingRisk { status } } } }`, { id: gid("Listing", healthy.id) });
    expect(pub.errors?.length).toBeGreaterThan(0);
  });

  it("R-USE-2: usage recovered before the deadline returns the listing to LIVE", async () => {
    const { sweep: swept, listing: l } = await recovered();
    expect(swept).toMatchObject({ recovered: 1, putAtRisk: 0 });
    expect(l).toMatchObject({ state: "LIVE", atRiskDeadline: null, atRiskSince: null });
  });

  it("R-USE-2: without recovery by the deadline the listing is DELISTED with reason LOW_USAGE", async () => {
    const { sweeps, listing: l } = await delisted();
    expect(sweeps[0]).toMatchObject({ putAtRisk: 1 });
    expect(sweeps[1]).toMatchObject({ delisted: 0, putAtRisk: 0 });
    expect(sweeps[2]).toMatchObject({ delisted: 1 });
    expect(l).toMatchObject({ state: "DELISTED", delistReason: "LOW_USAGE", atRiskDeadline: null });
    expect(sweeps[3]).toMatchObject({ delisted: 0, putAtRisk: 0, recovered: 0 });
    const storefront = await t.gql(`{ listings(first: 50) { edges { node { id } } } }`);
    expect(storefront.data.listings.edges.map((e: any) => e.node.id)).not.toContain(gid("Listing", l.id));
  });

  it("R-USE-2: the sweep refuses a date after the program's today and is staff-only", async () => {
    const future = await sweep("2027-04-01");
    expect(future.error?.__typename).toBe("InvalidInput");
    const r = await t.gql(`mutation { runLowUsageSweep { __typename ... on Error { message } } }`, {}, w.partners.northwind.adminToken);
    expect(r.data.runLowUsageSweep).toEqual({ __typename: "Forbidden", message: "Only program staff can do this: the low-usage sweep is the program's (R-USE-2)." });
  });

  it("R-USE-3: every notice, recovery and delisting is an event for the partner's dashboard and in the listing's history", async () => {
    const l = (await delisted()).listing;
    const q = `query($id: ID!) { node(id: $id) { ... on Listing { events(first: 20) { edges { node { type before after reason } } } } } }`;
    const r = await t.gql(q, { id: gid("Listing", l.id) }, w.partners.northwind.adminToken);
    const types = r.data.node.events.edges.map((e: any) => e.node.type).filter((x: string) => x.startsWith("listing.low-usage") || x === "listing.delisted");
    expect(types).toEqual(["listing.delisted", "listing.low-usage-notice", "listing.low-usage-recovered", "listing.low-usage-notice"]);
    const rows = await prisma().event.findMany({ where: { listingId: l.id, type: { in: ["listing.delisted", "listing.low-usage-notice", "listing.low-usage-recovered"] } } });
    for (const e of rows) expect(e).toMatchObject({ partnerId: w.partners.northwind.id, appId: l.appId, marketplace: "COMMERCIAL", actorKind: "STAFF" });
    expect(rows.find((e) => e.type === "listing.delisted")!.publicChange).toBe(true);
    const notice = rows.find((e) => e.type === "listing.low-usage-notice")!;
    expect(notice.reason).toMatch(/will be delisted on 2027-02-04/);
    const feed = await t.gql(`{ events(first: 50) { edges { node { type } } } }`, {}, w.partners.northwind.adminToken);
    expect(feed.data.events.edges.map((e: any) => e.node.type)).toEqual(expect.arrayContaining(["listing.low-usage-notice", "listing.delisted"]));
  });
});

describe("R-USE-4: re-applying a low-usage-delisted app", () => {
  const v = (id: string) => gid("AppValidation", id);

  it("R-USE-4: only a listing delisted for low usage can be re-applied", async () => {
    const insights = await appNamed("Northwind Insights");
    const o = await call(t, w.partners.northwind.adminToken, "mutation", "", `requestValidation(appId: "${gid("App", insights.id)}", marketplace: COMMERCIAL, purpose: REAPPLICATION)`, "{ id }");
    const e = refusal(o, "R-USE-4");
    expect(e.message).toMatch(/LIVE, not delisted/);
  });

  it("R-USE-4: delisted → a test customer again → re-application validation showing its usage → passed → IN_REVIEW → approved → LIVE", async () => {
    const nw = w.partners.northwind;
    const app = await appNamed("Northwind Scheduler");
    const listing = (await delisted()).listing;
    expect(listing).toMatchObject({ state: "DELISTED", delistReason: "LOW_USAGE" });
    const customer = ok(await call(t, nw.adminToken, "mutation", "", `registerTestCustomer(appId: "${gid("App", app.id)}", customerRef: "again-1", customerName: "Keystone Builders")`, "{ id }"));
    ok(await call(t, nw.adminToken, "mutation", "", `recordTestCustomerUse(testCustomerId: "${customer.id}")`, "{ id }"));
    const requested = ok(await call(t, nw.adminToken, "mutation", "", `requestValidation(appId: "${gid("App", app.id)}", marketplace: COMMERCIAL, purpose: REAPPLICATION, testCustomerId: "${customer.id}")`, "{ id purpose testCustomer { customerName } }"));
    expect(requested).toMatchObject({ purpose: "REAPPLICATION", testCustomer: { customerName: "Keystone Builders" } });
    const validationId = Buffer.from(requested.id, "base64").toString().split(":")[1]!;
    ok(await call(t, w.managerToken, "mutation", "", `assignIntegrationManager(validationId: "${v(validationId)}")`, "{ status }"));
    for (const kind of ["DEMONSTRATION", "IMPLEMENTATION_UNDERSTANDING"]) {
      ok(await call(t, w.managerToken, "mutation", "", `recordValidationCheck(validationId: "${v(validationId)}", kind: ${kind}, passed: true, notes: "ok")`, "{ kind }"));
    }
    // Passing needs the test customer's usage shown (the CUSTOMER_USAGE check).
    const early = await call(t, w.managerToken, "mutation", "", `completeValidation(validationId: "${v(validationId)}", outcome: PASSED)`, "{ status }");
    expect(early.error?.rule).toBe("R-APP-3");
    expect(early.error?.missing?.join(" ")).toMatch(/usage/);
    ok(await call(t, w.managerToken, "mutation", "", `recordValidationCheck(validationId: "${v(validationId)}", kind: CUSTOMER_USAGE, passed: true, notes: "Keystone used it daily")`, "{ kind }"));
    ok(await call(t, w.managerToken, "mutation", "", `completeValidation(validationId: "${v(validationId)}", outcome: PASSED)`, "{ status }"));
    const inReview = await prisma().listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect(inReview).toMatchObject({ state: "IN_REVIEW", delistReason: null });
    const reapplied = await prisma().event.findFirstOrThrow({ where: { listingId: listing.id, type: "listing.reapplied" } });
    expect(reapplied.partnerId).toBe(nw.id);
    const approved = ok(await call(t, w.staffToken, "mutation", "", `approveListing(listingId: "${gid("Listing", listing.id)}")`, "{ state }"));
    expect(approved.state).toBe("LIVE");
    // Live again: a new low-usage window starts, so the next sweep does not put it straight back at risk.
    const live = await prisma().listing.findUniqueOrThrow({ where: { id: listing.id } });
    expect(live.firstLiveAt!.getTime()).toBeGreaterThan(listing.firstLiveAt!.getTime());
  });
});
