// The graphql-transport-ws protocol as the real server speaks it, over a raw WebSocket (no client
// library smoothing things over): what a misbehaving or hostile client gets. Close codes are the
// protocol's (graphql-ws CloseCode).
import { CloseCode } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestService, type TestService } from "../support/harness.js";
import { globalId as gid, loadDemoWorld, type DemoWorld } from "../support/world.js";

let t: TestService;
let w: DemoWorld;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  t = await startTestService({ listen: true, env: { EVENT_POLL_MS: "200" } });
  w = await loadDemoWorld(t);
});
afterAll(async () => {
  for (const s of sockets) s.terminate();
  await t?.close();
});

interface Message { type: string; id?: string; payload?: any }

/** A raw socket that records every message and its close. */
class RawSocket {
  readonly ws: WebSocket;
  readonly messages: Message[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string; at: number }>;
  private waiters: (() => void)[] = [];

  constructor(protocol: string | string[] | null = "graphql-transport-ws") {
    this.ws = new WebSocket(`ws://127.0.0.1:${t.port}/graphql`, protocol === null ? [] : protocol);
    sockets.push(this.ws);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
    this.opened.catch(() => {}); // a refused handshake shows as the close
    this.closed = new Promise((resolve) => this.ws.once("close", (code, reason) => {
      resolve({ code, reason: reason.toString(), at: Date.now() });
      for (const wake of this.waiters.splice(0)) wake();
    }));
    this.ws.on("message", (data) => {
      this.messages.push(JSON.parse(data.toString()) as Message);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  send(message: Message | string) {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The first message (from `from` on) matching, or an error after `ms`. */
  async next(match: (m: Message) => boolean, ms = 5000, from = 0): Promise<Message> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.messages.slice(from).find(match);
      if (hit) return hit;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed; messages: ${JSON.stringify(this.messages)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${ms} ms; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  async init(token?: string) {
    await this.opened;
    this.send({ type: "connection_init", payload: token ? { authorization: `Bearer ${token}` } : {} });
    await this.next((m) => m.type === "connection_ack");
  }

  get open() {
    return this.ws.readyState === WebSocket.OPEN;
  }
}

const LISTING_CHANGES = `subscription { listingChanges(marketplace: COMMERCIAL) { position type } }`;

describe("graphql-transport-ws: connection set-up", () => {
  it("4408: a client that never sends connection_init is closed after the init timeout (5 s), not before", async () => {
    const s = new RawSocket();
    await s.opened;
    const t0 = Date.now();
    const closed = await s.closed;
    expect(closed.code).toBe(CloseCode.ConnectionInitialisationTimeout);
    expect(closed.code).toBe(4408);
    expect(closed.at - t0).toBeGreaterThanOrEqual(4500);
    expect(closed.at - t0).toBeLessThan(9000);
    expect(s.messages).toEqual([]);
  }, 15_000);

  it("4401: subscribing before connection_ack is Unauthorized", async () => {
    const s = new RawSocket();
    await s.opened;
    s.send({ id: "1", type: "subscribe", payload: { query: LISTING_CHANGES } });
    const closed = await s.closed;
    expect(closed.code).toBe(CloseCode.Unauthorized);
    expect(closed.code).toBe(4401);
    expect(s.messages.filter((m) => m.type === "next")).toEqual([]);
  });

  it("4429: a second connection_init is one too many", async () => {
    const s = new RawSocket();
    await s.init();
    s.send({ type: "connection_init", payload: {} });
    const closed = await s.closed;
    expect(closed.code).toBe(CloseCode.TooManyInitialisationRequests);
    expect(closed.code).toBe(4429);
  });

  it("4403: a bad token in connectionParams is Forbidden, and no ack is sent", async () => {
    const s = new RawSocket();
    await s.opened;
    s.send({ type: "connection_init", payload: { authorization: "Bearer not-a-token" } });
    const closed = await s.closed;
    expect(closed.code).toBe(CloseCode.Forbidden);
    expect(closed.code).toBe(4403);
    expect(s.messages.map((m) => m.type)).not.toContain("connection_ack");
  });

  it("4403: an expired token and a token signed with another secret are Forbidden too", async () => {
    const prisma = t.service.program.prisma;
    const sam = await prisma.staffUser.findUniqueOrThrow({ where: { email: "sam@program.example" } });
    const expired = await t.token({ sub: sam.id, role: "program-staff" }, "-1s");
    const { createTokenService } = await import("../../src/auth/tokens.js");
    const forged = await createTokenService("another-secret-another-secret-another-secret").sign({ sub: sam.id, role: "program-staff" });
    for (const token of [expired, forged]) {
      const s = new RawSocket();
      await s.opened;
      s.send({ type: "connection_init", payload: { authorization: `Bearer ${token}` } });
      expect((await s.closed).code).toBe(4403);
    }
  });

  it("4406: a socket without the graphql-transport-ws subprotocol is refused", async () => {
    const s = new RawSocket(null);
    const closed = await s.closed;
    expect(closed.code).toBe(CloseCode.SubprotocolNotAcceptable);
  });

  it("4400: a message that is not a protocol message closes the socket as a bad request", async () => {
    const s = new RawSocket();
    await s.init();
    s.send("{ this is not json");
    expect((await s.closed).code).toBe(CloseCode.BadRequest);
    const s2 = new RawSocket();
    await s2.init();
    s2.send({ type: "launch_missiles" });
    expect((await s2.closed).code).toBe(CloseCode.BadRequest);
  });
});

describe("graphql-transport-ws: operations", () => {
  it("4409: a second subscribe with an id that is still in use closes the socket", async () => {
    const s = new RawSocket();
    await s.init();
    s.send({ id: "same", type: "subscribe", payload: { query: LISTING_CHANGES } });
    // The first subscription is live (nothing happens on the storefront meanwhile).
    await new Promise((r) => setTimeout(r, 200));
    s.send({ id: "same", type: "subscribe", payload: { query: LISTING_CHANGES } });
    const closed = await s.closed;
    expect(closed.code).toBe(CloseCode.SubscriberAlreadyExists);
    expect(closed.code).toBe(4409);
  });

  it("an id may be reused once its operation completed", async () => {
    const s = new RawSocket();
    await s.init();
    for (let i = 0; i < 2; i++) {
      const from = s.messages.length;
      s.send({ id: "q", type: "subscribe", payload: { query: `{ viewer { role } }` } });
      expect((await s.next((m) => m.type === "next" && m.id === "q", 5000, from)).payload).toEqual({ data: { viewer: { role: "PUBLIC" } } });
      await s.next((m) => m.type === "complete" && m.id === "q", 5000, from);
    }
    expect(s.open).toBe(true);
  });

  it("a subscription the viewer may not use answers with an error for that id, and the socket stays open", async () => {
    const partner = w.partners.northwind;
    const s = new RawSocket();
    await s.init(w.partners.cobalt.adminToken);
    // Another partner's events, and the staff-only program feed.
    s.send({ id: "a", type: "subscribe", payload: { query: `subscription($p: ID!) { partnerEvents(partnerId: $p) { position } }`, variables: { p: gid("Partner", partner.id) } } });
    s.send({ id: "b", type: "subscribe", payload: { query: `subscription { programEvents { position } }` } });
    s.send({ id: "c", type: "subscribe", payload: { query: `subscription { listingChanges(marketplace: FEDRAMP) { position } }` } });
    for (const id of ["a", "b", "c"]) {
      const refused = await s.next((m) => m.id === id && (m.type === "next" || m.type === "error"));
      const errors = refused.type === "error" ? refused.payload : refused.payload.errors;
      expect(errors, id).toHaveLength(1);
      expect(errors[0].extensions?.code, id).toBe("FORBIDDEN");
      expect(refused.payload.data ?? null, id).toBeNull();
      await s.next((m) => m.id === id && m.type === "complete");
    }
    // The same socket still serves what the viewer may use.
    s.send({ id: "d", type: "subscribe", payload: { query: `{ viewer { role partner { slug } } }` } });
    expect((await s.next((m) => m.id === "d" && m.type === "next")).payload.data.viewer).toEqual({ role: "PARTNER_ADMIN", partner: { slug: "cobalt-estimating" } });
    expect(s.open).toBe(true);
  });

  it("an invalid document is answered with an error message for that id; the socket stays open", async () => {
    const s = new RawSocket();
    await s.init();
    s.send({ id: "bad", type: "subscribe", payload: { query: `subscription { noSuchField }` } });
    const err = await s.next((m) => m.id === "bad" && m.type === "error");
    expect(err.payload[0].message).toMatch(/noSuchField/);
    s.send({ id: "ok", type: "subscribe", payload: { query: `{ viewer { role } }` } });
    await s.next((m) => m.id === "ok" && m.type === "complete");
    expect(s.open).toBe(true);
  });

  it("complete from the client stops a subscription: later changes are not sent for it", async () => {
    const s = new RawSocket();
    await s.init();
    s.send({ id: "live", type: "subscribe", payload: { query: LISTING_CHANGES } });
    s.send({ id: "live", type: "complete" });
    // A storefront change after the complete.
    const prisma = t.service.program.prisma;
    const listing = await prisma.listing.findFirstOrThrow({ where: { marketplace: "COMMERCIAL", state: "LIVE", app: { name: "Northwind Scheduler" } } });
    const r = await t.gql(`mutation($l: ID!) { delistListing(listingId: $l, reason: "protocol test") { __typename } }`, { l: gid("Listing", listing.id) }, w.staffToken);
    expect(r.data.delistListing.__typename).toBe("MutationDelistListingSuccess");
    // A second subscriber proves the change was published.
    const watcher = new RawSocket();
    await watcher.init();
    watcher.send({ id: "w", type: "subscribe", payload: { query: `subscription { listingChanges(marketplace: COMMERCIAL, after: "0") { type } }` } });
    await watcher.next((m) => m.id === "w" && m.type === "next" && m.payload.data.listingChanges.type === "listing.delisted");
    await new Promise((r2) => setTimeout(r2, 500));
    expect(s.messages.filter((m) => m.id === "live" && m.type === "next")).toEqual([]);
    expect(s.open).toBe(true);
  });

  it("ping is answered with pong", async () => {
    const s = new RawSocket();
    await s.init();
    s.send({ type: "ping" });
    await s.next((m) => m.type === "pong");
  });
});
