// graphql-ws on the real HTTP server (port 0) with the real graphql-ws client: the token travels
// in connectionParams, a bad one closes the socket as Forbidden, and a graceful shutdown closes
// open sockets with the "service restart" code clients reconnect on.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CloseCode, createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { loadConfig } from "../../src/config.js";
import { seedDemoData } from "../../src/seed/demo.js";
import { createService, type Service } from "../../src/server/app.js";
import { RESTART_CLOSE_CODE } from "../../src/server/http.js";
import { freshDatabase, type TestDatabase } from "../support/harness.js";

let tdb: TestDatabase;
let service: Service;
let dataDir: string;
let url: string;
let staffToken: string;
let partnerToken: string;
const clients: Client[] = [];

/** A service on a database of its own, listening on a free port. */
async function boot() {
  const db = await freshDatabase();
  const dir = await mkdtemp(path.join(os.tmpdir(), "pp-ws-"));
  const config = loadConfig({
    DATA_DIR: dir,
    AUTH_SECRET: "websocket-test-secret-websocket-test-secret",
    SEED_DEMO_DATA: "false",
    MIGRATE_ON_START: "false",
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  });
  const svc = await createService(config, { db: db.db });
  const port = await svc.http.listen(0, "127.0.0.1");
  return { db, dir, service: svc, url: `ws://127.0.0.1:${port}/graphql` };
}

beforeAll(async () => {
  ({ db: tdb, dir: dataDir, service, url } = await boot());
  await seedDemoData(service.program);
  const prisma = service.program.prisma;
  const sam = await prisma.staffUser.findUniqueOrThrow({ where: { email: "sam@program.example" } });
  staffToken = await service.tokens.sign({ sub: sam.id, role: "program-staff" });
  const admin = await prisma.partnerMember.findFirstOrThrow({ where: { role: "ADMIN", partner: { slug: "northwind-analytics" } } });
  partnerToken = await service.tokens.sign({ sub: admin.id, role: "partner-admin", partnerId: admin.partnerId });
});

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await service?.close(0).catch(() => {});
  await tdb?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** No retries: a close must surface as the close event, not a reconnect. */
function connect(token?: string, opts: { lazy?: boolean; url?: string } = {}): Client {
  const client = createClient({
    url: opts.url ?? url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: opts.lazy ?? true,
    // A non-lazy client reports its close here too (default: console.error); the tests read the close event.
    onNonLazyError: () => {},
    connectionParams: token === undefined ? undefined : { authorization: `Bearer ${token}` },
  });
  clients.push(client);
  return client;
}

function query<T = any>(client: Client, q: string): Promise<{ data?: T; errors?: readonly { message: string }[] }> {
  return new Promise((resolve, reject) => {
    let result: { data?: T; errors?: readonly { message: string }[] } = {};
    client.subscribe<T>({ query: q }, {
      next: (r) => (result = r as typeof result),
      error: reject,
      complete: () => resolve(result),
    });
  });
}

const closeEvent = (client: Client) =>
  new Promise<{ code: number; reason: string }>((resolve) => client.on("closed", (e) => resolve(e as { code: number; reason: string })));

const viewerQuery = `{ viewer { role partner { name } staffUser { name } } }`;

describe("graphql-ws on the real server", () => {
  it("a query over the socket runs as the viewer named by connectionParams.authorization", async () => {
    const staff = await query(connect(staffToken), viewerQuery);
    expect(staff).toEqual({ data: { viewer: { role: "PROGRAM_STAFF", partner: null, staffUser: { name: "Sam Staff" } } } });
    const partner = await query(connect(partnerToken), viewerQuery);
    expect(partner.data?.viewer).toEqual({ role: "PARTNER_ADMIN", partner: { name: "Northwind Analytics" }, staffUser: null });
    const anonymous = await query(connect(), viewerQuery);
    expect(anonymous.data?.viewer.role).toBe("PUBLIC");
  });

  it("the public storefront works over the socket as over HTTP", async () => {
    const r = await query(connect(), `{ listings(first: 5) { edges { node { content { name } } } } }`);
    expect(r.data.listings.edges.map((e: any) => e.node.content.name).sort()).toEqual(["Northwind Insights", "Northwind Scheduler"]);
  });

  it("a bad token in connectionParams closes the connection with 4403 Forbidden", async () => {
    for (const bad of ["not-a-jwt", staffToken.slice(0, -3) + "abc"]) {
      const client = connect(bad);
      const closed = closeEvent(client);
      const failure = await query(client, viewerQuery).then(
        () => { throw new Error("the query ran with a bad token"); },
        (err: { code?: number }) => err,
      );
      expect(failure.code).toBe(CloseCode.Forbidden);
      expect((await closed).code).toBe(4403);
    }
  });

  it("GraphiQL's way: an empty connection_init and the token in each subscribe message's headers; a subscription runs as that token's viewer", async () => {
    const client = connect(); // GraphiQL sends connection_init with {}
    const headers = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
    type Result = { data?: any; errors?: readonly { message: string; extensions?: { code?: string } }[] };
    const run = (q: string, extensions?: object, variables?: object) => new Promise<Result>((resolve, reject) => {
      let result: Result = {};
      client.subscribe({ query: q, variables: variables as never, extensions: extensions as never }, { next: (r) => (result = r as Result), error: reject, complete: () => resolve(result) });
    });
    // Staff's token in the headers: programEvents streams; the same socket without it is the public viewer.
    const events: { type: string; after: any }[] = [];
    const streamErrors: unknown[] = [];
    const stop = client.subscribe({ query: `subscription { programEvents { type after } }`, extensions: headers(staffToken) as never }, {
      next: (r) => {
        if (r.errors) streamErrors.push(r.errors);
        else events.push((r.data as any).programEvents);
      },
      error: (e) => streamErrors.push(e),
      complete: () => {},
    });
    const denied = await run(`subscription { programEvents { type } }`).catch((e: unknown) => ({ errors: e as Result["errors"] }));
    expect(JSON.stringify(denied.errors)).toContain("FORBIDDEN");
    const who = await run(viewerQuery, headers(partnerToken));
    expect(who.data.viewer).toEqual({ role: "PARTNER_ADMIN", partner: { name: "Northwind Analytics" }, staffUser: null });
    await new Promise((r) => setTimeout(r, 300));
    const partnerId = (await run(`{ viewer { partner { id } } }`, headers(partnerToken))).data.viewer.partner.id;
    const sent = await run(`mutation($p: ID!) { sendLead(partnerId: $p, company: "Graphiql Co", contactName: "G", contactEmail: "g@co.example", details: "d") { __typename } }`, headers(partnerToken), { p: partnerId });
    expect(sent.data.sendLead.__typename).toBe("MutationSendLeadSuccess");
    await expect.poll(() => events.map((e) => `${e.type} ${e.after?.company ?? ""}`), { timeout: 5000 }).toContain("lead.sent Graphiql Co");
    expect(streamErrors).toEqual([]);
    stop();
    // A token that is no token: that subscription fails UNAUTHENTICATED; the socket stays open.
    const bad = await run(`subscription { programEvents { type } }`, headers("not-a-jwt")).catch((e: unknown) => ({ errors: e as Result["errors"] }));
    expect(JSON.stringify(bad.errors)).toContain("UNAUTHENTICATED");
    expect((await run(viewerQuery)).data.viewer.role).toBe("PUBLIC");
  });

  it("a revoked API token given in a subscription's headers loses its socket at once (4403), as one given at connection", async () => {
    const client = connect(undefined, { lazy: false });
    const closed = closeEvent(client);
    const headers = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    const run = (q: string, token: string, variables?: object) => new Promise<any>((resolve, reject) => {
      let result: any = {};
      client.subscribe({ query: q, variables: variables as never, extensions: headers(token) as never }, { next: (r) => (result = r), error: reject, complete: () => resolve(result) });
    });
    const partnerId = (await run(`{ viewer { partner { id } } }`, partnerToken)).data.viewer.partner.id;
    const created = (await run(`mutation($p: ID!) { createApiToken(partnerId: $p, name: "graphiql", expiresInDays: 1) { ... on MutationCreateApiTokenSuccess { data { secret apiToken { id } } } } }`, partnerToken, { p: partnerId })).data.createApiToken.data;
    const streamed: unknown[] = [];
    client.subscribe({ query: `subscription($p: ID!) { partnerEvents(partnerId: $p) { type } }`, variables: { p: partnerId }, extensions: headers(created.secret) as never }, { next: (r) => streamed.push(r), error: (e) => streamed.push(e), complete: () => {} });
    await new Promise((r) => setTimeout(r, 300));
    const revoked = await run(`mutation($id: ID!) { revokeApiToken(apiTokenId: $id) { __typename } }`, partnerToken, { id: created.apiToken.id }).catch(() => null);
    if (revoked) expect(revoked.data.revokeApiToken.__typename).toBe("MutationRevokeApiTokenSuccess");
    expect((await closed).code).toBe(4403);
    expect(streamed.filter((r) => !(r as { data?: unknown }).data)).toEqual([]); // it ran as the API token's viewer until then
  });

  it("graceful shutdown closes open sockets with 1012 (service restart)", async () => {
    // A service of its own, so that the others' tests keep theirs.
    const own = await boot();
    try {
      // Not lazy: the socket stays open between operations, as a subscriber's would.
      const client = connect(undefined, { lazy: false, url: own.url });
      expect((await query(client, `{ viewer { role } }`)).data?.viewer.role).toBe("PUBLIC");
      const closed = closeEvent(client);
      const t0 = Date.now();
      await own.service.close(2000);
      expect(Date.now() - t0).toBeLessThan(2500);
      const event = await closed;
      expect(event.code).toBe(RESTART_CLOSE_CODE);
      expect(event.code).toBe(1012);
    } finally {
      await own.service.close(0).catch(() => {});
      await own.db.drop();
      await rm(own.dir, { recursive: true, force: true });
    }
  });
});
