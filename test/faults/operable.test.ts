// Operable: /metrics in Prometheus's text format (requests, latencies, 5xx, GraphQL operations and
// errors, active subscriptions, event lag, event bus), and structured logs — one JSON object per
// line, one line per GraphQL request with its request id — with unexpected errors logged by request
// id and never shown to the client. On PGlite and PostgreSQL.
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createService, type Service } from "../../src/server/app.js";
import { jsonLogger } from "../../src/server/logging.js";
import { freshDatabase, onPostgres, type TestDatabase, type TestService } from "../support/harness.js";
import { metricValue as value } from "../support/faults.js";
import { killAll } from "../support/processes.js";
import { collect, sleep, wsClient } from "../support/subscriber.js";
import { globalId, loadDemoWorld, type DemoWorld } from "../support/world.js";

let tdb: TestDatabase;
let service: Service;
let base: string;
let port: number;
let w: DemoWorld;
const lines: Record<string, any>[] = [];

beforeAll(async () => {
  tdb = await freshDatabase();
  const config = loadConfig({
    DATA_DIR: await mkdtemp(path.join(os.tmpdir(), "pp-operable-")),
    AUTH_SECRET: "operable-secret-operable-secret-operable",
    SEED_DEMO_DATA: "false",
    MIGRATE_ON_START: "false",
    EVENT_POLL_MS: "100",
    ...(tdb.url ? { DATABASE_URL: tdb.url } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  });
  service = await createService(config, { db: tdb.db, logger: jsonLogger((line) => lines.push(JSON.parse(line))) });
  port = await service.http.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${port}`;
  w = await loadDemoWorld({ service, token: (claims: never, ttl?: string) => service.tokens.sign(claims, ttl) } as unknown as TestService);
});
afterAll(async () => {
  await service?.close(0);
  await tdb?.drop();
  killAll();
});

const gql = async (query: string, opts: { token?: string; requestId?: string; variables?: object } = {}) => {
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.requestId ? { "x-request-id": opts.requestId } : {}),
    },
    body: JSON.stringify({ query, variables: opts.variables }),
  });
  return { status: res.status, requestId: res.headers.get("x-request-id"), body: (await res.json()) as any };
};

async function scrape(): Promise<string> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

describe(`/metrics (${onPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("exposes request rates and latencies, GraphQL operations and errors, in Prometheus's format", async () => {
    await gql(`query Viewer { viewer { role } }`);
    await gql(`{ nope }`);
    const text = await scrape();
    expect(text).toMatch(/# TYPE http_requests_total counter/);
    expect(text).toMatch(/# TYPE http_request_duration_seconds histogram/);
    expect(text).toMatch(/# TYPE http_responses_5xx_total counter/);
    expect(text).toMatch(/# TYPE graphql_operation_duration_seconds histogram/);
    expect(value(text, "http_requests_total", { route: "graphql", method: "POST", status: "200" })).toBeGreaterThanOrEqual(1);
    expect(value(text, "http_request_duration_seconds_count", { route: "graphql", method: "POST" })).toBeGreaterThanOrEqual(2);
    expect(value(text, "graphql_operations_total", { type: "query", field: "viewer" })).toBeGreaterThanOrEqual(1);
    expect(value(text, "graphql_errors_total", { code: "GRAPHQL_VALIDATION_FAILED" })).toBeGreaterThanOrEqual(1);
    expect(value(text, "process_resident_memory_bytes")).toBeGreaterThan(10_000_000);
    expect(value(text, "nodejs_eventloop_lag_p99_seconds")).toBeGreaterThanOrEqual(0);
    expect(value(text, "event_bus_connected")).toBe(1);
    expect(value(text, "database_reachable")).toBe(1);
  });

  it("counts active subscriptions, and shows the feed's lag behind the event table", async () => {
    const client = wsClient(port, w.staffToken);
    const sub = collect(client, `subscription { programEvents { position } }`, {}, (d) => d.programEvents);
    await sleep(300);
    let text = await scrape();
    expect(value(text, "graphql_active_subscriptions")).toBe(1);
    expect(value(text, "event_feed_listeners")).toBeGreaterThanOrEqual(1);
    expect(value(text, "graphql_operations_total", { type: "subscription", field: "programEvents" })).toBe(1);
    const sent = await gql(`mutation($p: ID!) { sendLead(partnerId: $p, company: "Metered", contactName: "C", contactEmail: "c@c.example", details: "d") { __typename } }`,
      { token: w.partners.northwind.adminToken, variables: { p: globalId("Partner", w.partners.northwind.id) } });
    expect(sent.body.data.sendLead.__typename).toBe("MutationSendLeadSuccess");
    const [e] = await sub.waitFor(1, 5000);
    text = await scrape();
    const top = await service.program.prisma.event.findFirstOrThrow({ orderBy: { position: "desc" } });
    expect(value(text, "event_table_position")).toBe(Number(top.position));
    expect(BigInt(e.position)).toBe(top.position);
    expect(value(text, "event_feed_position")).toBe(Number(top.position));
    expect(value(text, "event_feed_lag_events")).toBe(0);
    expect(value(text, "graphql_operations_total", { type: "mutation", field: "sendLead" })).toBe(1);
    await sub.dispose();
    await client.dispose();
    await sleep(300);
    expect(value(await scrape(), "graphql_active_subscriptions")).toBe(0);
  });

  it("METRICS_TOKEN: without the bearer token /metrics answers 401", async () => {
    const { serveMetrics } = await import("../../src/server/metrics.js");
    const { createServer } = await import("node:http");
    const guarded = createServer((req, res) => void serveMetrics(req, res, service.metrics, "m".repeat(40)));
    await new Promise<void>((r) => guarded.listen(0, "127.0.0.1", r));
    const at = `http://127.0.0.1:${(guarded.address() as { port: number }).port}/metrics`;
    expect((await fetch(at)).status).toBe(401);
    expect((await fetch(at, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const ok = await fetch(at, { headers: { authorization: `Bearer ${"m".repeat(40)}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/http_requests_total/);
    await new Promise((r) => guarded.close(r));
  });
});

describe(`structured logs (${onPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("one line per GraphQL request: request id (the client's, echoed back), method, operation, status, duration", async () => {
    const r = await gql(`query WhoAmI { viewer { role } }`, { requestId: "req-operable-1" });
    expect(r.requestId).toBe("req-operable-1");
    const line = lines.find((l) => l.msg === "request" && l.requestId === "req-operable-1");
    expect(line).toMatchObject({ level: "info", method: "POST", operation: "WhoAmI", operationType: "query", status: 200 });
    expect(typeof line!.durationMs).toBe("number");
    expect(Date.parse(line!.time)).not.toBeNaN();
    // Without one, the server makes one up and says which.
    const anon = await gql(`{ viewer { role } }`);
    expect(anon.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.some((l) => l.msg === "request" && l.requestId === anon.requestId)).toBe(true);
    // A header that would spoil the logs is replaced.
    const odd = await gql(`{ viewer { role } }`, { requestId: "has spaces and\ttabs" });
    expect(odd.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("the client's mistakes (a malformed id, a field its role may not use) are coded errors, not logged or counted as server errors", async () => {
    const from = lines.length;
    const bad = await gql(`query BadId { listing(id: "not-an-id") { id } }`, { requestId: "req-operable-bad-id" });
    expect(bad.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    const refused = await gql(`query Staffish { staffUsers { name } }`, { requestId: "req-operable-refused" });
    expect(refused.body.errors[0]).toMatchObject({ message: expect.stringMatching(/Not authorized/), extensions: { code: "FORBIDDEN" } });
    for (const id of ["req-operable-bad-id", "req-operable-refused"]) {
      expect(lines.some((l) => l.msg === "request" && l.requestId === id)).toBe(true);
    }
    expect(lines.slice(from).filter((l) => l.level === "error")).toEqual([]);
    // Counted under their own codes, not as internal errors.
    const text = await scrape();
    expect(value(text, "graphql_errors_total", { code: "BAD_USER_INPUT" })).toBeGreaterThanOrEqual(1);
    expect(value(text, "graphql_errors_total", { code: "FORBIDDEN" })).toBeGreaterThanOrEqual(1);
  });

  it("an unexpected error: logged with the request id and its stack; the client gets a masked message and no stack (and a 5xx is counted)", async () => {
    const before = value(await scrape(), "http_responses_5xx_total", { route: "graphql" }) ?? 0;
    // The database goes away under the server (the storefront reads through its own statements).
    const sql = service.db.sql as { query: unknown };
    const original = sql.query;
    sql.query = () => Promise.reject(new Error("disk on fire at /var/lib/secret"));
    try {
      const r = await gql(`query Shop { listings(first: 1) { edges { node { id } } } }`, { requestId: "req-operable-boom" });
      const text = JSON.stringify(r.body);
      expect(r.body.errors[0].message).toBe("Unexpected error.");
      expect(text).not.toMatch(/disk on fire|secret|at .*\.ts|stack/);
    } finally {
      sql.query = original;
    }
    const logged = lines.find((l) => l.level === "error" && l.requestId === "req-operable-boom");
    expect(logged).toMatchObject({ msg: "unexpected error", operation: "Shop", error: "disk on fire at /var/lib/secret" });
    expect(logged!.stack).toMatch(/disk on fire/);
    // A context that cannot be built (the database is unreachable while resolving the token) is a 500.
    const staffLookup = service.program.prisma as unknown as { staffUser: { findUnique: unknown } };
    const lookup = staffLookup.staffUser.findUnique;
    staffLookup.staffUser.findUnique = () => Promise.reject(new Error("connection refused"));
    try {
      const r = await gql(`{ viewer { role } }`, { token: w.staffToken, requestId: "req-operable-500" });
      expect(r.status).toBe(500);
      expect(JSON.stringify(r.body)).not.toMatch(/connection refused/);
    } finally {
      staffLookup.staffUser.findUnique = lookup;
    }
    expect(lines.some((l) => l.level === "error" && l.requestId === "req-operable-500")).toBe(true);
    expect(value(await scrape(), "http_responses_5xx_total", { route: "graphql" })).toBe(before + 1);
  });
});
