// One tail of the event table per process, fanned out to every subscription on it.
// The table is the source of truth: bus notices (in-memory or Redis) only wake the tail early;
// a poll catches anything a lost notice would have delayed. Positions are commit-ordered, so
// reading "after the last position seen" never skips or repeats an event (R-EVT-2).
import type { Event as EventRow, Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { EventBus } from "./bus.js";

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
  /** Live subscriptions on this process (metrics). */
  size(): number;
  close(): void;
}

const PAGE = 500;
/** A subscriber this far behind is switched back to reading the table (memory stays bounded). */
const MAX_QUEUE = 5_000;

interface Listener {
  matches(e: ProgramEventRow): boolean;
  queue: ProgramEventRow[];
  overflowed: boolean;
  wake: (() => void) | null;
}

export async function createEventFeed(opts: { prisma: PrismaClient; bus: EventBus; pollMs?: number }): Promise<EventFeed> {
  const { prisma, bus } = opts;
  const pollMs = opts.pollMs ?? 1000;
  let head = 0n;
  let primed = false;
  async function prime(): Promise<void> {
    const last = await prisma.event.findFirst({ orderBy: { position: "desc" }, select: { position: true } });
    head = last?.position ?? 0n;
    primed = true;
  }
  // An unmigrated database (MIGRATE_ON_START=false) has no event table yet: the server must still
  // start and report it on /ready, so the tail primes itself on a later poll instead.
  await prime().catch(() => {});
  const listeners = new Set<Listener>();
  let fetching: Promise<void> | null = null;
  let again = false;
  let closed = false;

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
          rows = await prisma.event.findMany({ where: { position: { gt: head } }, orderBy: { position: "asc" }, take: PAGE });
        } catch {
          return; // database unavailable: the next notice or poll retries
        }
        for (const row of rows) {
          head = row.position;
          for (const l of listeners) {
            if (!l.matches(row)) continue;
            if (l.queue.length >= MAX_QUEUE) {
              l.overflowed = true;
              l.queue.length = 0;
            } else if (!l.overflowed) l.queue.push(row);
            l.wake?.();
          }
        }
        if (rows.length < PAGE) break;
      }
    } while (again && !closed);
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
    size: () => listeners.size,
    close() {
      closed = true;
      clearInterval(timer);
      for (const l of listeners) l.wake?.();
    },
    subscribe(opts) {
      const controller = new AbortController();
      const gen = tail({ ...opts, signal: controller.signal });
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

  async function* tail({ after, where, matches, signal }: {
    after: bigint | null; where: Prisma.EventWhereInput; matches: (e: ProgramEventRow) => boolean; signal: AbortSignal;
  }): AsyncGenerator<ProgramEventRow, void, undefined> {
      const listener: Listener = { matches, queue: [], overflowed: false, wake: null };
      // Register before replaying, so nothing committed during the replay is missed.
      listeners.add(listener);
      signal.addEventListener("abort", () => listener.wake?.(), { once: true });
      let cursor = after ?? head;
      const aborted = () => closed || signal.aborted;
      try {
        for (;;) {
          // Replay from the table (first, and whenever this subscriber fell too far behind).
          if (listener.overflowed || after !== null) {
            listener.overflowed = false;
            after = null;
            for (;;) {
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
              if (rows.length < PAGE) break;
            }
          }
          // Live: what the tail dispatched, minus what the replay already sent.
          while (listener.queue.length && !listener.overflowed) {
            const row = listener.queue.shift()!;
            if (row.position <= cursor) continue;
            cursor = row.position;
            yield row;
            if (aborted()) return;
          }
          if (aborted()) return;
          if (listener.overflowed) continue;
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
