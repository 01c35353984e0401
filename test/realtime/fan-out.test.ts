// Subscriptions fanned out by group (server/fan-out.ts), seen from raw graphql-transport-ws clients:
// the frames a group writes are byte-identical to graphql-ws' own, members get every event once and
// in order (R-EVT-2), a late member nothing from before it subscribed, a member whose socket falls
// behind is detached onto its own cursor without slowing the others, and the metrics count per member.
import { request as httpRequest, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import * as wsModule from "ws";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../src/events/log.js";
import { nextPrefix, textFrame } from "../../src/server/fan-out.js";
import { startTestService, type TestService } from "../support/harness.js";
import { loadDemoWorld, type DemoWorld } from "../support/world.js";
import { sleep } from "../support/subscriber.js";

let t: TestService;
let w: DemoWorld;
const sockets: WebSocket[] = [];
let listing: { id: string; partnerId: string };

beforeAll(async () => {
  t = await startTestService({ listen: true, env: { EVENT_POLL_MS: "200" } });
  w = await loadDemoWorld(t);
  listing = await t.service.program.prisma.listing.findFirstOrThrow({ where: { marketplace: "COMMERCIAL", state: "LIVE" } });
  t.service.http.server.on("connection", (s: Socket) => void serverSockets.push(s));
});
afterAll(async () => {
  for (const s of sockets) s.terminate();
  await t?.close();
});

const QUERY = `subscription($m: Marketplace, $after: String) { listingChanges(marketplace: $m, after: $after) { position type after listing { state content { name } partner { name } } } }`;

interface Raw {
  socket: WebSocket;
  /** The `next` frames' text, exactly as received. */
  frames: string[];
  closed: Promise<number>;
  positions(): string[];
}

/** A graphql-transport-ws client without graphql-ws: one subscription with id "1", frames kept raw. */
function raw(token: string | undefined, variables: Record<string, unknown> = { m: "COMMERCIAL" }): Promise<Raw> {
  const socket = new WebSocket(`ws://127.0.0.1:${t.port}/graphql`, "graphql-transport-ws");
  sockets.push(socket);
  const frames: string[] = [];
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: token ? { authorization: `Bearer ${token}` } : {} })));
    socket.on("message", (data, isBinary) => {
      const text = data.toString();
      const msg = JSON.parse(text) as { type: string };
      if (msg.type === "connection_ack") {
        expect(isBinary).toBe(false);
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: QUERY, variables } }));
        resolve({ socket, frames, closed, positions: () => frames.map((f) => (JSON.parse(f) as { payload: { data: { listingChanges: { position: string } } } }).payload.data.listingChanges.position) });
      } else if (msg.type === "next") {
        expect(isBinary, "a next frame is a text frame").toBe(false);
        frames.push(text);
      }
    });
  });
}

const metric = async (name: string) => Number(new RegExp(`^${name} (\\d+)`, "m").exec(await t.service.metrics.text())?.[1] ?? NaN);

/** Waits until the server counts `n` subscriptions, and a little more so that each has its start. */
async function subscribed(n: number) {
  for (let i = 0; i < 200 && (await metric("graphql_active_subscriptions")) !== n; i++) await sleep(25);
  expect(await metric("graphql_active_subscriptions")).toBe(n);
  await sleep(300);
}

async function publish(extra: Record<string, unknown> = {}): Promise<string> {
  const e = await t.service.program.change((_tx, record) => record({
    type: "listing.revised", actor: systemActor, subjectId: listing.id, listingId: listing.id, partnerId: listing.partnerId,
    marketplace: "COMMERCIAL", publicChange: true,
    before: { state: "LIVE", liveRevision: null }, after: { state: "LIVE", revision: 1, revisionStatus: "APPROVED", ...extra },
  } as never));
  return e.position.toString();
}

async function until(check: () => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await sleep(20);
}

/** The server's end of a client's WebSocket (server sockets are noted as they connect). */
const serverSockets: Socket[] = [];
function serverSocketOf(client: WebSocket): Socket & { _write: unknown; _writev: unknown } {
  // Node's writable stream calls _write for one chunk and _writev for several buffered ones.
  const port = (client as unknown as { _socket: Socket })._socket.localPort;
  const found = serverSockets.find((s) => s.remotePort === port);
  if (!found) throw new Error(`no server socket for client port ${port}`);
  return found as Socket & { _write: unknown; _writev: unknown };
}

async function closeAll(list: Raw[]) {
  for (const r of list) r.socket.close();
  await Promise.all(list.map((r) => r.closed));
}

describe("fan-out by group", () => {
  it("R-EVT-2: identical subscriptions share one group per visibility class; every member gets every event once, in order, in frames byte-identical to graphql-ws' own", async () => {
    const publicMembers = await Promise.all(Array.from({ length: 30 }, () => raw(undefined)));
    const partnerMembers = await Promise.all(Array.from({ length: 3 }, () => raw(w.partners.northwind.adminToken)));
    await subscribed(33);
    expect(await metric("graphql_subscription_groups")).toBe(2);
    expect(await metric("graphql_subscription_grouped")).toBe(33);

    const before = await publish();
    const positions = [await publish(), await publish(), await publish()];
    // A resume starts on its own cursor, through graphql-ws' own loop and serializer: the reference
    // bytes. Once it has caught up with its group it joins it (item 3 of issue 13). It starts once the
    // group has sent all three, so the three are the resume's own (started sooner, it can find its
    // group still at `before` and join it at once).
    await until(() => [...publicMembers, ...partnerMembers].every((r) => r.frames.length >= 4));
    const alone = await raw(undefined, { m: "COMMERCIAL", after: before });
    await until(() => alone.frames.length >= 3);
    await sleep(200);
    for (const r of [...publicMembers, ...partnerMembers]) expect(r.positions()).toEqual([before, ...positions]);
    expect(alone.positions()).toEqual(positions);
    for (const r of publicMembers) expect(r.frames.slice(1)).toEqual(alone.frames);
    expect(await metric("graphql_subscription_grouped"), "the resume joined its group once caught up").toBe(34);
    expect(await metric("graphql_subscription_detached")).toBe(0);
    const next = await publish();
    await until(() => [...publicMembers, ...partnerMembers, alone].every((r) => r.frames.length >= 5 - (r === alone ? 1 : 0)));
    await sleep(200);
    expect(alone.positions()).toEqual([...positions, next]);
    for (const r of publicMembers) expect(r.frames.slice(1)).toEqual(alone.frames);
    // Every message counted once, by whoever sent it: the resume's first three alone, then its group's.
    const sent = await t.service.metrics.text();
    const count = (via: string) => Number(new RegExp(`messages_total\\{field="listingChanges",via="${via}"\\} (\\d+)`).exec(sent)?.[1] ?? 0);
    expect(count("group") + count("alone")).toBe(4 * 33 + 3 + 34);
    expect(count("alone")).toBe(3);
    expect(sent).toMatch(/^graphql_subscription_delivery_lag_seconds_count 10$/m); // 5 events × 2 groups
    expect(alone.frames[0]).toMatch(/^\{"id":"1","type":"next","payload":\{"data":\{"listingChanges":\{"position":"/);
    // graphql-ws' own frame: JSON.stringify of {id, type, payload: the result}.
    const payloadOf = (frame: string) => (JSON.parse(frame) as { payload: unknown }).payload;
    for (const f of [...publicMembers[0]!.frames, ...partnerMembers[0]!.frames, ...alone.frames]) {
      expect(f).toBe(JSON.stringify({ id: "1", type: "next", payload: payloadOf(f) }));
    }
    await closeAll([...publicMembers, ...partnerMembers, alone]);
    await until(() => false, 300);
    expect(await metric("graphql_active_subscriptions")).toBe(0);
    expect(await metric("graphql_subscription_groups")).toBe(0);
  });

  it("R-EVT-2: a member joining a running group gets nothing committed before it subscribed, and everything after", async () => {
    const first = await raw(undefined);
    await subscribed(1);
    const early = await publish();
    await until(() => first.frames.length === 1);
    const second = await raw(undefined);
    await subscribed(2);
    expect(await metric("graphql_subscription_groups")).toBe(1);
    const late = await publish();
    await until(() => first.frames.length === 2 && second.frames.length === 1);
    await sleep(300);
    expect(first.positions()).toEqual([early, late]);
    expect(second.positions()).toEqual([late]);
    await closeAll([first, second]);
  });

  it("R-EVT-2: a member that stops reading is detached onto its own cursor and still gets every event once, in order, then rejoins its group; the others are not held back", async () => {
    const fast = await Promise.all(Array.from({ length: 3 }, () => raw(undefined)));
    const slow = await raw(undefined);
    await subscribed(4);
    const stalled = (slow.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    stalled.pause();
    // 200 KB events, each read by the fast members before the next, until the stalled member's socket
    // buffers (the kernel's, then the server's) pass the bound.
    const big = "x".repeat(200_000);
    const positions: string[] = [];
    for (let i = 0; i < 150 && (i % 10 || (await metric("graphql_subscription_detached")) === 0); i++) {
      positions.push(await publish({ note: big }));
      await until(() => fast.every((r) => r.frames.length === positions.length));
    }
    // Ten more while it is detached: its own execution runs them, and they wait for its socket.
    for (let i = 0; i < 10; i++) {
      positions.push(await publish({ note: big }));
      await until(() => fast.every((r) => r.frames.length === positions.length));
    }
    for (const r of fast) expect(r.positions()).toEqual(positions);
    expect(slow.frames.length).toBeLessThan(positions.length - 10);
    expect(await metric("graphql_subscription_detached"), "only the stalled member is detached").toBe(1);
    expect(await metric("graphql_subscription_grouped")).toBe(3);
    // The server's writes to the stalled member's socket from now on: the frames it is behind by go
    // out together (issue 13, item 4), not one write each.
    const server = serverSocketOf(slow.socket);
    let writes = 0;
    for (const m of ["_write", "_writev"] as const) {
      const original = (server[m] as (...x: unknown[]) => unknown).bind(server);
      server[m] = ((...a: unknown[]) => {
        writes++;
        return original(...a);
      }) as never;
    }
    const behind = positions.length - slow.frames.length;
    stalled.resume();
    await until(() => slow.frames.length >= positions.length, 30_000);
    await sleep(300);
    expect(slow.positions()).toEqual(positions);
    expect(behind).toBeGreaterThanOrEqual(10);
    // One write per frame would be at least 10 (the frames it missed while detached).
    expect(writes, `${behind} frames behind, caught up in ${writes} writes`).toBeLessThan(10);
    // Caught up: it rejoins its group at the next event, and gets the later ones from it, once each.
    for (let i = 0; i < 3; i++) positions.push(await publish());
    await until(() => [...fast, slow].every((r) => r.frames.length === positions.length));
    await sleep(300);
    for (const r of [...fast, slow]) expect(r.positions()).toEqual(positions);
    expect(await metric("graphql_subscription_rejoined")).toBeGreaterThanOrEqual(1);
    expect(await metric("graphql_subscription_grouped")).toBe(4);
    expect(await metric("graphql_active_subscriptions")).toBe(4);
    await closeAll([...fast, slow]);
  }, 90_000);
});

interface RawSse {
  response: IncomingMessage;
  /** The `next` messages' `data:` lines, exactly as received. */
  data: string[];
  /** Everything received, as received. */
  text(): string;
  closed: Promise<void>;
  close(): void;
  positions(): string[];
}

/** An SSE subscription over node:http (so that a test can stop reading its socket), messages kept raw. */
function rawSse(token: string | undefined, variables: Record<string, unknown> = { m: "COMMERCIAL" }): Promise<RawSse> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query: QUERY, variables });
    const req = httpRequest({
      host: "127.0.0.1", port: t.port, path: "/graphql", method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", "content-length": Buffer.byteLength(body), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    req.once("error", reject);
    req.once("response", (response) => {
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toMatch(/^text\/event-stream/);
      let received = "";
      const data: string[] = [];
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        received += chunk;
        data.length = 0;
        for (const m of received.split("\n\n")) if (m.startsWith("event: next\ndata: ")) data.push(m.slice("event: next\ndata: ".length));
      });
      const closed = new Promise<void>((res) => response.once("close", () => res()));
      response.on("error", () => {});
      resolve({
        response, data, closed, text: () => received,
        close: () => req.destroy(),
        positions: () => data.map((d) => (JSON.parse(d) as { data: { listingChanges: { position: string } } }).data.listingChanges.position),
      });
    });
    req.end(body);
  });
}

/** graphql-ws' frame for subscription id "1", from an SSE message's data. */
const asFrame = (data: string) => `{"id":"1","type":"next","payload":${data}}`;

describe("fan-out over SSE", () => {
  it("R-EVT-2: SSE subscriptions join the same groups as WebSocket ones; each gets every event once, in order, in the messages Yoga itself would send", async () => {
    const sse = await Promise.all(Array.from({ length: 10 }, () => rawSse(undefined)));
    const ws = await Promise.all(Array.from({ length: 5 }, () => raw(undefined)));
    const partner = await rawSse(w.partners.northwind.adminToken);
    await subscribed(16);
    expect(await metric("graphql_subscription_groups"), "one group for the public, one for the partner").toBe(2);
    expect(await metric("graphql_subscription_grouped")).toBe(16);
    const messages = async () => {
      const text = await t.service.metrics.text();
      return ["group", "alone"].reduce((n, via) => n + Number(new RegExp(`messages_total\\{field="listingChanges",via="${via}"\\} (\\d+)`).exec(text)?.[1] ?? 0), 0);
    };
    const messagesBefore = await messages();

    const before = await publish();
    const positions = [await publish(), await publish()];
    // A resume over SSE starts alone: its messages are serialized one by one, the reference bytes.
    const alone = await rawSse(undefined, { m: "COMMERCIAL", after: before });
    await until(() => [...sse, partner].every((r) => r.data.length >= 3) && ws.every((r) => r.frames.length >= 3) && alone.data.length >= 2);
    await sleep(200);
    for (const r of [...sse, partner]) expect(r.positions()).toEqual([before, ...positions]);
    for (const r of ws) expect(r.positions()).toEqual([before, ...positions]);
    expect(alone.positions()).toEqual(positions);
    for (const r of sse) expect(r.data.slice(1)).toEqual(alone.data);
    // The same result as the WebSocket members', in SSE's framing.
    for (const r of sse) expect(r.data.map(asFrame)).toEqual(ws[0]!.frames);
    expect(sse[0]!.text().startsWith(":\n\n"), "the stream opens with a ping, as Yoga's does").toBe(true);
    // Yoga's message: `event: next`, then the result as JSON.stringify writes it.
    for (const d of [...sse[0]!.data, ...partner.data, ...alone.data]) expect(d).toBe(JSON.stringify(JSON.parse(d)));
    expect(await metric("graphql_subscription_grouped"), "the resume joined its group once caught up").toBe(17);
    expect(await messages(), "every message counted once, SSE's too").toBe(messagesBefore + 3 * 16 + 2);

    // Closing an SSE response ends its subscription and its membership at once.
    for (const r of [...sse, alone, partner]) r.close();
    await Promise.all([...sse, alone, partner].map((r) => r.closed));
    for (let i = 0; i < 100 && (await metric("graphql_active_subscriptions")) !== 5; i++) await sleep(20);
    expect(await metric("graphql_active_subscriptions")).toBe(5);
    expect(await metric("graphql_subscription_grouped")).toBe(5);
    expect(await metric("graphql_subscription_groups")).toBe(1);
    const after = await publish();
    await until(() => ws.every((r) => r.frames.length === 4));
    for (const r of ws) expect(r.positions()).toEqual([before, ...positions, after]);
    await closeAll(ws);
    await until(() => false, 300);
    expect(await metric("graphql_active_subscriptions")).toBe(0);
    expect(await metric("graphql_subscription_groups")).toBe(0);
  });

  it("R-EVT-2: an SSE member that stops reading is detached onto its own cursor and still gets every event once, in order, then rejoins; the others are not held back", async () => {
    const fast = await Promise.all(Array.from({ length: 2 }, () => rawSse(undefined)));
    const fastWs = await raw(undefined);
    const slow = await rawSse(undefined);
    await subscribed(4);
    const detachedBefore = await metric("graphql_subscription_detached");
    const rejoinedBefore = await metric("graphql_subscription_rejoined");
    slow.response.pause();
    slow.response.socket.pause();
    const big = "x".repeat(200_000);
    const positions: string[] = [];
    for (let i = 0; i < 150 && (i % 10 || (await metric("graphql_subscription_detached")) === detachedBefore); i++) {
      positions.push(await publish({ note: big }));
      await until(() => fast.every((r) => r.data.length === positions.length) && fastWs.frames.length === positions.length);
    }
    for (const r of fast) expect(r.positions()).toEqual(positions);
    expect(fastWs.positions()).toEqual(positions);
    expect(slow.data.length).toBeLessThan(positions.length);
    expect(await metric("graphql_subscription_detached"), "only the stalled member is detached").toBe(detachedBefore + 1);
    expect(await metric("graphql_subscription_grouped")).toBe(3);
    slow.response.socket.resume();
    slow.response.resume();
    await until(() => slow.data.length >= positions.length, 30_000);
    await sleep(300);
    expect(slow.positions()).toEqual(positions);
    for (let i = 0; i < 3; i++) positions.push(await publish());
    await until(() => [...fast, slow].every((r) => r.data.length === positions.length) && fastWs.frames.length === positions.length);
    await sleep(300);
    for (const r of [...fast, slow]) expect(r.positions()).toEqual(positions);
    expect(await metric("graphql_subscription_rejoined")).toBeGreaterThan(rejoinedBefore);
    expect(await metric("graphql_subscription_grouped")).toBe(4);
    for (const r of [...fast, slow]) r.close();
    await closeAll([fastWs]);
    await Promise.all([...fast, slow].map((r) => r.closed));
    for (let i = 0; i < 100 && (await metric("graphql_active_subscriptions")) !== 0; i++) await sleep(20);
    expect(await metric("graphql_active_subscriptions")).toBe(0);
  }, 90_000);
});

/** ws' own frame builder (exported by ws, not declared by its types). */
const Sender = (wsModule as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender;

describe("the frames a group writes itself", () => {
  it("are the bytes ws writes for the same message, at every length class of the header", () => {
    const prefix = nextPrefix("0b9c5a1e-8d3c-4f0e-9a55-3f1f7b2d6c10");
    for (const size of [0, 10, 125 - prefix.length - 1, 126, 5_000, 65_535 - prefix.length - 1, 65_536, 200_000]) {
      const payload = Buffer.from("x".repeat(size));
      const message = Buffer.concat([prefix, payload, Buffer.from("}")]);
      const expected = Buffer.concat(Sender.frame(message, { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false }));
      expect(textFrame(prefix, payload).equals(expected), `payload of ${size} bytes`).toBe(true);
    }
  });
});
