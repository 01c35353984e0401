// Subscriptions fanned out by group (server/fan-out.ts), seen from raw graphql-transport-ws clients:
// the frames a group writes are byte-identical to graphql-ws' own, members get every event once and
// in order (R-EVT-2), a late member nothing from before it subscribed, a member whose socket falls
// behind is detached onto its own cursor without slowing the others, and the metrics count per member.
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../src/events/log.js";
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
    // A resume runs alone, through graphql-ws' own loop and serializer: the reference bytes.
    const alone = await raw(undefined, { m: "COMMERCIAL", after: before });
    await until(() => [...publicMembers, ...partnerMembers].every((r) => r.frames.length >= 4) && alone.frames.length >= 3);
    await sleep(200);
    expect(await metric("graphql_subscription_grouped")).toBe(33);
    for (const r of [...publicMembers, ...partnerMembers]) expect(r.positions()).toEqual([before, ...positions]);
    expect(alone.positions()).toEqual(positions);
    for (const r of publicMembers) expect(r.frames.slice(1)).toEqual(alone.frames);
    const sent = await t.service.metrics.text();
    expect(sent).toContain('graphql_subscription_messages_total{field="listingChanges",via="group"} 132');
    expect(sent).toContain('graphql_subscription_messages_total{field="listingChanges",via="alone"} 3');
    expect(sent).toMatch(/^graphql_subscription_delivery_lag_seconds_count 8$/m); // 4 events × 2 groups
    expect(alone.frames[0]).toMatch(/^\{"id":"1","type":"next","payload":\{"data":\{"listingChanges":\{"position":"/);
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
    for (const r of fast) expect(r.positions()).toEqual(positions);
    expect(slow.frames.length).toBeLessThan(positions.length);
    expect(await metric("graphql_subscription_detached"), "only the stalled member is detached").toBe(1);
    expect(await metric("graphql_subscription_grouped")).toBe(3);
    stalled.resume();
    await until(() => slow.frames.length >= positions.length, 30_000);
    await sleep(300);
    expect(slow.positions()).toEqual(positions);
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
