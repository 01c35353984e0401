// One tail of the event table per process, fanned out to every subscription on it.
// The table is the source of truth: bus notices (in-memory or Redis) only wake the tail early;
// a poll catches anything a lost notice would have delayed. Positions are commit-ordered, so
// reading "after the last position seen" never skips or repeats an event (R-EVT-2).
import type { Event as EventRow, Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { EventBus } from "./bus.js";
import type { SqlRunner } from "../db/database.js";

export type ProgramEventRow = EventRow;

export interface FeedSubscription {
  /** Events matching the filter, from after `after` on, in order, each once. */
  readonly events: AsyncGenerator<ProgramEventRow, void, undefined>;
}

export interface EventFeed {
  /** The highest position the feed has seen committed. */
  head(): bigint;
  /** Ending the iterator (return()) stops it at once, even while it waits for events. */
  subscribe(opts: {
    after: bigint | null;
    where: Prisma.EventWhereInput;
    matches: (e: ProgramEventRow) => boolean;
  }): AsyncIterableIterator<ProgramEventRow>;
  /**
   * Where a subscription without `after` that starts now starts: the table's head (or this process's,
   * if higher). A subscription fanned out to a group (server/fan-out.ts) takes it as its own start.
   */
  startPosition(): Promise<bigint>;
  /** Live subscriptions on this process (metrics). */
  size(): number;
  close(): void;
}

const PAGE = 500;
/** Recent events kept in memory, shared by every subscription on the process. */
const RING = 10_000;

interface Listener {
  wake: (() => void) | null;
}

/**
 * The tail keeps the most recent events (up to 2 × ringSize, trimmed to ringSize) in one array
 * shared by every subscription. Each subscription is only a cursor into it: fanning an event out
 * to a thousand subscribers costs no per-subscriber queue, and a subscriber that falls behind
 * catches up from memory. Only one further behind than the ring reads the table again.
 */
/**
 * The tail's read, as one prepared statement: every notice on every instance runs it, and through
 * Prisma's client it cost ~0.9 ms of CPU against ~0.35 ms (10,000-event table, one new row). The
 * table is named with its schema as Prisma names it (tests tell the feed's reads by that).
 */
const TAIL = {
  name: "feed_tail",
  text: `SELECT "position", "id", "occurredAt", "type", "actorKind"::text AS "actorKind", "actorId", "subjectType", "subjectId",
      "partnerId", "appId", "listingId", "marketplace"::text AS "marketplace", "publicChange", "before", "after", "reason", "requestId"
    FROM "public"."Event" WHERE "position" > $1::bigint ORDER BY "position" LIMIT $2::int`,
};
type TailRow = Omit<EventRow, "position"> & { position: string | bigint | number };

export async function createEventFeed(opts: {
  prisma: PrismaClient; bus: EventBus; pollMs?: number; ringSize?: number;
  /** The hand-written statements' runner: the tail reads through it. */
  sql: SqlRunner;
}): Promise<EventFeed> {
  const { prisma, bus, sql } = opts;
  const readTail = async (after: bigint): Promise<ProgramEventRow[]> =>
    (await sql.query<TailRow>(TAIL, [after.toString(), PAGE])).map((r) => ({ ...r, position: BigInt(r.position) }));
  const pollMs = opts.pollMs ?? 1000;
  const ringSize = opts.ringSize ?? RING;
  let head = 0n;
  let primed = false;
  // ring holds every committed event with floor < position <= head, in position order; base is the
  // number of rows trimmed from its front so far (absolute index = base + index in ring).
  let ring: ProgramEventRow[] = [];
  let base = 0;
  let floor = 0n;
  async function prime(): Promise<void> {
    const last = await prisma.event.findFirst({ orderBy: { position: "desc" }, select: { position: true } });
    head = last?.position ?? 0n;
    floor = head;
    primed = true;
  }
  // An unmigrated database (MIGRATE_ON_START=false) has no event table yet: the server must still
  // start and report it on /ready, so the tail primes itself on a later poll instead.
  await prime().catch(() => {});
  const listeners = new Set<Listener>();
  let fetching: Promise<void> | null = null;
  let again = false;
  let closed = false;

  function append(rows: ProgramEventRow[]) {
    for (const row of rows) ring.push(row);
    head = rows[rows.length - 1]!.position;
    if (ring.length > 2 * ringSize) {
      const drop = ring.length - ringSize;
      floor = ring[drop - 1]!.position;
      ring = ring.slice(drop);
      base += drop;
    }
    for (const l of listeners) l.wake?.();
  }

  /** Absolute index of the first ring row after `cursor`. */
  function indexAfter(cursor: bigint): number {
    let lo = 0;
    let hi = ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ring[mid]!.position <= cursor) lo = mid + 1;
      else hi = mid;
    }
    return base + lo;
  }

  async function pull(): Promise<void> {
    if (!primed) {
      try {
        await prime();
      } catch {
        return; // still no event table: the next poll retries
      }
    }
    do {
      again = false;
      for (;;) {
        let rows: ProgramEventRow[];
        try {
          rows = await readTail(head);
        } catch {
          return; // database unavailable: the next notice or poll retries
        }
        if (rows.length) append(rows);
        if (rows.length < PAGE) break;
      }
    } while (again && !closed);
  }

  // A subscription without a cursor starts at the table's head, not at this process's: another
  // instance may have committed since the last notice reached us (a notice in flight, a poll not yet
  // due), and those events happened before the subscription. Subscriptions that arrive while one
  // such read is in flight share it: its answer can only be lower, so they may get an event
  // committed a moment before they asked, never miss one committed after.
  let headRead: Promise<bigint> | null = null;
  function tableHead(): Promise<bigint> {
    const known = head;
    headRead ??= prisma.event
      .findFirst({ orderBy: { position: "desc" }, select: { position: true } })
      .then((row) => row?.position ?? 0n, () => head) // database unavailable: what this process knows
      .finally(() => {
        headRead = null;
      });
    return headRead.then((h) => (h > known ? h : known));
  }

  function poke() {
    if (closed) return;
    if (fetching) {
      again = true;
      return;
    }
    fetching = pull().finally(() => {
      fetching = null;
    });
  }

  const unsubscribe = (async () => {
    const notices = bus.pubsub.subscribe("events:committed");
    for await (const notice of notices) {
      if (closed) break;
      if (BigInt(notice.position) > head) poke();
    }
  })();
  void unsubscribe;
  const timer = setInterval(poke, pollMs);
  timer.unref();

  return {
    head: () => head,
    startPosition: tableHead,
    size: () => listeners.size,
    close() {
      closed = true;
      clearInterval(timer);
      for (const l of listeners) l.wake?.();
    },
    subscribe(opts) {
      const controller = new AbortController();
      // The cursor is fixed now, not at the first read: the subscriber is owed every event after this moment.
      const gen = tail({ ...opts, start: opts.after ?? tableHead(), signal: controller.signal });
      return {
        next: () => gen.next(),
        return: async () => {
          controller.abort();
          await gen.return(undefined);
          return { done: true, value: undefined };
        },
        throw: (err?: unknown) => gen.throw(err),
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    },
  };

  async function* tail({ start, where, matches, signal }: {
    start: bigint | Promise<bigint>; where: Prisma.EventWhereInput; matches: (e: ProgramEventRow) => boolean; signal: AbortSignal;
  }): AsyncGenerator<ProgramEventRow, void, undefined> {
    const listener: Listener = { wake: null };
    listeners.add(listener);
    signal.addEventListener("abort", () => listener.wake?.(), { once: true });
    // Everything after the cursor is owed to this subscriber, in order, once.
    let cursor = await start;
    const aborted = () => closed || signal.aborted;
    try {
      for (;;) {
        // Further behind than the ring: read the table. Every event at or below the head seen before
        // a read is committed (positions follow commit order), so a short page means the subscriber
        // has everything up to that head.
        while (cursor < floor) {
          const seenHead = head;
          const rows = await prisma.event.findMany({
            where: { AND: [where, { position: { gt: cursor } }] },
            orderBy: { position: "asc" },
            take: PAGE,
          });
          for (const row of rows) {
            cursor = row.position;
            yield row;
            if (aborted()) return;
          }
          if (rows.length < PAGE && seenHead > cursor) cursor = seenHead;
        }
        // From the ring: the absolute index survives trimming; an index trimmed away means this
        // subscriber fell behind the ring and goes back to the table.
        let at = indexAfter(cursor);
        while (at - base < ring.length && cursor >= floor) {
          if (at < base) break;
          const row = ring[at - base]!;
          at++;
          cursor = row.position;
          if (!matches(row)) continue;
          yield row;
          if (aborted()) return;
        }
        if (aborted()) return;
        if (cursor < floor || at - base < ring.length) continue;
        await new Promise<void>((resolve) => {
          listener.wake = resolve;
        });
        listener.wake = null;
      }
    } finally {
      listeners.delete(listener);
    }
  }
}
