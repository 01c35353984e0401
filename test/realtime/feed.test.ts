// The per-process event feed (src/events/feed.ts): one tail of the event table, a ring of recent
// events shared by every subscription, and the table again for a subscriber further behind than the
// ring. Whatever path an event takes, each subscriber gets every matching event once, in order (R-EVT-2).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventBus } from "../../src/events/bus.js";
import { createEventFeed, type EventFeed, type ProgramEventRow } from "../../src/events/feed.js";
import { systemActor } from "../../src/events/log.js";
import { createProgram, type Program } from "../../src/program/program.js";
import { freshDatabase, type TestDatabase } from "../support/harness.js";

const RING = 20;
let tdb: TestDatabase;
let eventReads = 0;
let program: Program;
let feed: EventFeed;

beforeAll(async () => {
  tdb = await freshDatabase({ log: (e) => {
    if (/^SELECT/i.test(e.query.trim()) && e.query.includes('"Event"')) eventReads++;
  } });
  program = createProgram({ prisma: tdb.db.prisma, bus: createEventBus(undefined) });
  feed = await createEventFeed({ prisma: tdb.db.prisma, sql: tdb.db.sql, bus: program.bus, pollMs: 50, ringSize: RING });
});
afterAll(async () => {
  feed?.close();
  await program?.bus.close();
  await tdb?.drop();
});

/** Commits n events, alternating between two partners' subjects; returns their positions. */
async function commit(n: number, tag: string): Promise<{ position: bigint; odd: boolean }[]> {
  const out: { position: bigint; odd: boolean }[] = [];
  for (let i = 0; i < n; i++) {
    const e = await program.change((_tx, record) => record({
      type: "usage.recorded", actor: systemActor, subjectId: crypto.randomUUID(),
      after: { rows: 0, created: 0, replaced: 0, apps: 0, firstMonth: null, lastMonth: null, tag, i, odd: i % 2 === 1 },
    }));
    out.push({ position: e.position, odd: i % 2 === 1 });
  }
  return out;
}

/** Reads from the iterator until it has `n` events (or fails after 20 s). */
async function take(it: AsyncIterableIterator<ProgramEventRow>, n: number): Promise<bigint[]> {
  const got: bigint[] = [];
  const deadline = Date.now() + 20_000;
  while (got.length < n) {
    const next = await Promise.race([it.next(), new Promise<"timeout">((r) => setTimeout(() => r("timeout"), deadline - Date.now()))]);
    if (next === "timeout") throw new Error(`only ${got.length} of ${n} events`);
    if (next.done) throw new Error(`ended after ${got.length} of ${n} events`);
    got.push(next.value.position);
  }
  return got;
}

const waitForHead = async (position: bigint) => {
  while (feed.head() < position) await new Promise((r) => setTimeout(r, 20));
};

describe("event feed", () => {
  it("R-EVT-2: a subscriber that reads nothing while many times the ring's size is committed still gets every event once, in order", async () => {
    const all = feed.subscribe({ after: null, where: {}, matches: () => true });
    const odd = feed.subscribe({ after: null, where: { after: { path: ["odd"], equals: true } }, matches: (e) => (e.after as { odd?: boolean } | null)?.odd === true });
    const events = await commit(5 * RING, "behind");
    await waitForHead(events.at(-1)!.position);
    // The tail has moved on: these events are now partly trimmed from the ring, so the subscriber
    // reads the table first, then the ring, then waits for live ones.
    expect(await take(all, events.length)).toEqual(events.map((e) => e.position));
    expect(await take(odd, events.length / 2)).toEqual(events.filter((e) => e.odd).map((e) => e.position));
    const live = await commit(3, "live");
    expect(await take(all, 3)).toEqual(live.map((e) => e.position));
    expect(await take(odd, 1)).toEqual(live.filter((e) => e.odd).map((e) => e.position));
    await all.return!();
    await odd.return!();
  });

  it("R-EVT-2: resuming from a position older than the ring replays from the table, then hands over to the ring without gap or duplicate", async () => {
    const before = await commit(3 * RING, "old");
    await waitForHead(before.at(-1)!.position);
    const from = before[4]!.position;
    const it = feed.subscribe({ after: from, where: {}, matches: () => true });
    const expected = before.slice(5).map((e) => e.position);
    expect(await take(it, expected.length)).toEqual(expected);
    const more = await commit(2, "after-resume");
    expect(await take(it, 2)).toEqual(more.map((e) => e.position));
    await it.return!();
  });

  it("R-EVT-2: a subscription without a cursor starts at the table's head, even when this process has not yet heard of the last commit", async () => {
    // A second process's feed: its own bus (no notices from this one) and no poll within the test.
    const otherBus = createEventBus(undefined);
    const other = await createEventFeed({ prisma: tdb.db.prisma, sql: tdb.db.sql, bus: otherBus, pollMs: 3_600_000, ringSize: RING });
    try {
      const [earlier] = await commit(1, "before-subscribe");
      expect(other.head()).toBeLessThan(earlier!.position); // the other process has not heard of it
      const it = other.subscribe({ after: null, where: {}, matches: () => true });
      const first = it.next();
      await new Promise((r) => setTimeout(r, 100));
      const [later] = await commit(1, "after-subscribe");
      otherBus.notifyCommitted(later!.position); // the notice reaches the other process
      const got = await first;
      expect(got.value?.position).toBe(later!.position);
      await it.return!();
    } finally {
      other.close();
      await otherBus.close();
    }
  });

  it("R-EVT-2: the tail's own statement reads the rows Prisma reads, every column and type alike", async () => {
    const sub = feed.subscribe({ after: null, where: {}, matches: () => true });
    const got = (async () => {
      const r = await sub.next();
      return r.value as ProgramEventRow;
    })();
    await new Promise((r) => setTimeout(r, 100));
    const partner = await tdb.db.prisma.partner.create({ data: { name: "Feed Columns Co", slug: `feed-columns-${crypto.randomUUID().slice(0, 8)}` } });
    // Written directly, every column set (the feed polls every 50 ms here).
    const e = await tdb.db.prisma.event.create({ data: {
      type: "listing.revised", actorKind: "STAFF", actorId: crypto.randomUUID(), subjectType: "Listing", subjectId: crypto.randomUUID(),
      partnerId: partner.id, marketplace: "FEDRAMP", publicChange: true, reason: "why", requestId: "req-1",
      before: { state: "LIVE", n: 1.5 }, after: { nested: { list: [1, "two", null, { deep: true }] }, ok: true, text: "é \u0001 ✓" },
    } });
    const row = await got;
    expect(row.position).toBe(e.position);
    expect(typeof row.position).toBe("bigint");
    expect(row.occurredAt).toBeInstanceOf(Date);
    expect(row).toEqual(await tdb.db.prisma.event.findUniqueOrThrow({ where: { position: e.position } }));
    await sub.return!();
  });

  it("R-EVT-2: a subscriber that keeps up reads from memory only: no table read per subscriber", async () => {
    const subs = Array.from({ length: 50 }, () => feed.subscribe({ after: null, where: {}, matches: () => true }));
    const reads = subs.map((s) => take(s, 5));
    const readsBefore = eventReads;
    const events = await commit(5, "fanout");
    for (const got of await Promise.all(reads)) expect(got).toEqual(events.map((e) => e.position));
    // The tail's own reads (a notice per commit, a poll every 50 ms), not one per subscriber and event.
    expect(eventReads - readsBefore).toBeLessThan(subs.length);
    for (const s of subs) await s.return!();
  });
});
