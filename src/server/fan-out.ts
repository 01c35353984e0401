// graphql-ws subscriptions fanned out by group: identical subscriptions (same document, operation
// name, variables apart from `after`, same visibility class) share one cursor on the event feed,
// one execution and one JSON serialization per event; each member gets the shared bytes behind its
// own `{"id":…,"type":"next","payload":` prefix, the frame graphql-ws itself would have sent.
//
// Every member still subscribes through graphql-ws and the enveloped `subscribe` (its checks, its
// errors, its metrics), but with a feed that hands it a placeholder instead of a cursor: graphql-ws
// holds the placeholder as the subscription, so complete, disconnect, 4403 and 1012 end it exactly as
// before. A subscription with `after` (a resume) runs alone, as before, with its own cursor.
// A member whose socket falls behind (bufferedAmount over a bound) is detached: its placeholder turns
// into its own cursor from the last event it was sent, and graphql-ws' own loop (which waits for each
// write) serves it until it has caught up with the group, which it then rejoins.
import { getOperationAST, Kind, type ExecutionArgs, type ExecutionResult, type GraphQLError } from "graphql";
import type { WebSocket } from "ws";
import type { Viewer } from "../auth/viewer.js";
import type { EventFeed, ProgramEventRow } from "../events/feed.js";
import { fanOutOf } from "../graphql/fan-out.js";
import { visibilityClass } from "../program/visibility.js";

/** A member with more than this waiting in its socket's buffer is detached onto its own cursor. */
export const DETACH_BUFFERED_BYTES = 1024 * 1024;

/** Marks the group's own execution context: not a client's subscription (metrics skip it). */
export const GROUP_SOURCE = Symbol.for("partner-program.fan-out-group");

type Subscribe = (args: ExecutionArgs) => Promise<unknown> | unknown;
type FeedOpts = Parameters<EventFeed["subscribe"]>[0];

export interface FanOutTarget {
  /** graphql-ws' subscription id and the socket it arrived on. */
  id: string;
  socket: WebSocket;
  viewer: Viewer;
  /** The query text as sent (the group key; the parsed document is cached by it anyway). */
  query: string;
}

/** What the metrics count: messages per subscription field (grouped or alone), and each group's lag behind the commit. */
export interface FanOutObserver {
  delivered(field: string, via: "group" | "alone", messages: number): void;
  /** Seconds from an event's time to its frames being written, once per event per group. */
  lag(seconds: number): void;
}

export interface FanOutStats {
  groups: number;
  members: number;
  detached: number;
  rejoined: number;
}

export interface FanOut {
  /** graphql-ws' `subscribe`: groups the subscription when it may, else runs it as before. */
  subscribe(args: ExecutionArgs, target: FanOutTarget | undefined, subscribe: Subscribe): Promise<unknown>;
  /** graphql-ws' `onNext`: one message sent by graphql-ws itself (a subscription running alone). */
  sentAlone(args: ExecutionArgs): void;
  stats(): FanOutStats;
}

const DONE: IteratorResult<never, undefined> = { done: true, value: undefined };

const isAsyncIterable = (x: unknown): x is AsyncIterable<unknown> =>
  typeof x === "object" && x !== null && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";

/** graphql-ws' `next` payload: the result without `errors`, then the errors as JSON, if any. */
export function nextPayload(result: ExecutionResult): string {
  const { errors, ...rest } = result;
  return JSON.stringify({ ...rest, ...(errors ? { errors: errors.map((e: GraphQLError) => e.toJSON()) } : {}) });
}

/** The part of graphql-ws' `next` message before its payload, for one subscription id. */
export const nextPrefix = (id: string) => Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
const CLOSE = Buffer.from("}");
const TEXT = { binary: false } as const;

class Member {
  /** The position this member is owed events after; null until read (events meanwhile wait in `held`). */
  start: bigint | null = null;
  held: { position: bigint; payload: Buffer }[] = [];
  /** The last position written to the socket (or the start). */
  last = 0n;
  /** Set once detached: the member's own cursor, which graphql-ws' loop pulls from. */
  own: AsyncIterator<ProgramEventRow> | null = null;
  ended = false;
  private waiting: { resolve: (r: IteratorResult<ProgramEventRow>) => void; reject: (e: unknown) => void } | null = null;
  readonly prefix: Buffer;
  group: Group | null = null;

  constructor(
    readonly target: FanOutTarget, readonly feed: EventFeed, readonly opts: FeedOpts,
    private readonly events: { detached(): void; rejoined(): void; group(): Group | undefined },
  ) {
    this.prefix = nextPrefix(target.id);
  }

  /** The placeholder graphql-ws iterates (through graphql-js' map of it). */
  readonly iterator: AsyncIterableIterator<ProgramEventRow> = {
    next: () => {
      if (this.own && !this.rejoin()) {
        return this.own.next().then((r) => {
          if (!r.done) this.last = r.value.position;
          return r;
        });
      }
      if (this.ended) return Promise.resolve(DONE);
      return new Promise((resolve, reject) => {
        this.waiting = { resolve, reject };
      });
    },
    return: async () => {
      this.leave();
      await this.own?.return?.();
      return DONE;
    },
    throw: async (err?: unknown) => {
      this.leave();
      await this.own?.return?.();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };

  leave() {
    if (this.ended) return;
    this.ended = true;
    this.group?.remove(this);
    this.group = null;
    this.waiting?.resolve(DONE);
    this.waiting = null;
  }

  /** The group ended (feed closed) or failed: graphql-ws completes or errors the subscription as before. */
  end(err?: unknown) {
    if (this.ended) return;
    this.ended = true;
    this.group = null;
    const w = this.waiting;
    this.waiting = null;
    if (err === undefined) w?.resolve(DONE);
    else w?.reject(err);
  }

  startAt(position: bigint) {
    this.start = position;
    this.last = position;
    const held = this.held;
    this.held = [];
    for (const h of held) if (this.deliver(h.position, h.payload)) this.group?.observer?.delivered(this.group.field, "group", 1);
  }

  /** Writes the event's frame unless this member is not owed it; whether it was written. */
  deliver(position: bigint, payload: Buffer): boolean {
    if (this.ended || this.own) return false;
    if (this.start === null) {
      this.held.push({ position, payload });
      return false;
    }
    if (position <= this.start) return false; // committed before this member subscribed
    const socket = this.target.socket;
    if (socket.readyState !== socket.OPEN) return false; // closing: graphql-ws ends the subscription
    if (socket.bufferedAmount > DETACH_BUFFERED_BYTES) {
      this.detach();
      return false;
    }
    this.last = position;
    socket.send(Buffer.concat([this.prefix, payload, CLOSE], this.prefix.length + payload.length + 1), TEXT);
    return true;
  }

  /** Its own cursor from the last event written: graphql-ws' loop executes and sends, waiting for each write. */
  private detach() {
    this.events.detached();
    this.alone(this.last);
  }

  /**
   * Back into the group once its own cursor has sent everything the group has written and its socket
   * has drained. Called between two of graphql-ws' sends, so nothing is in flight for this member; the
   * group writes it what comes after the last event it was sent (an event the group is executing
   * right now included).
   */
  private rejoin(): boolean {
    const group = this.events.group();
    // The group covers every event after its own start, which it has passed once it has written one.
    if (!group || this.ended || group.delivered === 0n || this.last < group.delivered) return false;
    if (this.target.socket.bufferedAmount > DETACH_BUFFERED_BYTES / 4) return false;
    const own = this.own!;
    this.own = null;
    void own.return?.();
    this.start = this.last;
    group.add(this);
    this.events.rejoined();
    return true;
  }

  /** Runs on its own cursor after `after`, as a subscription that is not grouped. */
  alone(after: bigint) {
    this.group?.remove(this);
    this.group = null;
    this.last = after;
    this.own = this.feed.subscribe({ ...this.opts, after });
    const w = this.waiting;
    this.waiting = null;
    if (w) this.own.next().then(w.resolve, w.reject);
  }
}

class Group {
  readonly members = new Set<Member>();
  /** The position of the event whose result the source is yielding (set by the group's feed). */
  position = 0n;
  /** When that event happened (its row's time). */
  occurredAt = 0;
  /** The position of the last event whose frames were written. */
  delivered = 0n;
  source: AsyncIterator<ExecutionResult> | null = null;
  constructor(readonly key: string, readonly field: string, readonly observer: FanOutObserver | undefined, private readonly onEmpty: (g: Group) => void) {}

  add(m: Member) {
    m.group = this;
    this.members.add(m);
  }

  remove(m: Member) {
    this.members.delete(m);
    if (this.members.size === 0) {
      this.onEmpty(this);
      void this.source?.return?.();
    }
  }

  async pump(): Promise<void> {
    try {
      for (;;) {
        const r = await this.source!.next();
        if (r.done) break;
        if (this.members.size === 0) continue;
        const payload = Buffer.from(nextPayload(r.value));
        this.delivered = this.position;
        let sent = 0;
        for (const m of this.members) if (m.deliver(this.position, payload)) sent++;
        if (this.observer) {
          this.observer.delivered(this.field, "group", sent);
          this.observer.lag((Date.now() - this.occurredAt) / 1000);
        }
      }
      this.finish();
    } catch (err) {
      this.finish(err);
    }
  }

  private finish(err?: unknown) {
    this.onEmpty(this);
    const members = [...this.members];
    this.members.clear();
    for (const m of members) m.end(err);
  }
}

/** The root field of a subscription operation, when it is one plain field. */
function rootField(args: ExecutionArgs): string | null {
  const op = getOperationAST(args.document, args.operationName);
  if (op?.operation !== "subscription" || op.selectionSet.selections.length !== 1) return null;
  const sel = op.selectionSet.selections[0]!;
  return sel.kind === Kind.FIELD ? sel.name.value : null;
}

export function createFanOut(opts: { feed: EventFeed; observer?: FanOutObserver }): FanOut {
  const { feed, observer } = opts;
  const fields = new WeakMap<object, string>();
  const fieldOf = (args: ExecutionArgs) => {
    let f = fields.get(args.document);
    if (f === undefined) fields.set(args.document, (f = rootField(args) ?? ""));
    return f;
  };
  const groups = new Map<string, Group>();
  const starting = new Map<string, Promise<Group | null>>();
  let detached = 0;
  let rejoined = 0;

  /** The group's one execution: the first member's arguments and context, with a feed that notes positions. */
  async function startGroup(key: string, field: string, args: ExecutionArgs, subscribe: Subscribe): Promise<Group | null> {
    const group = new Group(key, field, observer, (g) => {
      if (groups.get(key) === g) groups.delete(key);
    });
    const ctx = args.contextValue as Record<string, unknown>;
    const groupFeed: EventFeed = {
      ...feed,
      subscribe(o) {
        const inner = feed.subscribe(o);
        return {
          next: async () => {
            const r = await inner.next();
            if (!r.done) {
              group.position = r.value.position;
              group.occurredAt = r.value.occurredAt.getTime();
            }
            return r;
          },
          return: () => inner.return!(),
          throw: (e?: unknown) => inner.throw!(e),
          [Symbol.asyncIterator]() {
            return this;
          },
        };
      },
    };
    const result = await subscribe({ ...args, contextValue: { ...ctx, feed: groupFeed, [GROUP_SOURCE]: true } });
    if (!isAsyncIterable(result)) return null;
    group.source = (result as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
    return group;
  }

  return {
    sentAlone(args) {
      if (!observer) return;
      const field = fieldOf(args);
      if (field) observer.delivered(field, "alone", 1); // queries and mutations over WebSocket are not counted
    },

    stats: () => ({ groups: groups.size, members: [...groups.values()].reduce((n, g) => n + g.members.size, 0), detached, rejoined }),

    async subscribe(args, target, subscribe) {
      const field = target && rootField(args);
      if (!target || !field || fanOutOf(args.schema, field) !== "visibilityClass") return subscribe(args);
      const { after: _after, ...variables } = (args.variableValues ?? {}) as Record<string, unknown>;
      const key = JSON.stringify([target.query, args.operationName ?? null, variables, visibilityClass(target.viewer)]);

      // The member's own subscribe: its checks and errors as before; its feed hands out a placeholder.
      let member: Member | null = null;
      const memberFeed: EventFeed = {
        ...feed,
        subscribe(o) {
          if (o.after !== null || member) return feed.subscribe(o); // a resume runs alone
          member = new Member(target, feed, o, { detached: () => void detached++, rejoined: () => void rejoined++, group: () => groups.get(key) });
          return member.iterator;
        },
      };
      const result = await subscribe({ ...args, contextValue: { ...(args.contextValue as object), feed: memberFeed } });
      const m = member as Member | null;
      if (!m || !isAsyncIterable(result)) return result;

      let group = groups.get(key);
      if (!group) {
        let pending = starting.get(key);
        if (!pending) {
          // A group that cannot start (its subscribe threw) leaves its members to run alone.
          pending = startGroup(key, field, args, subscribe).catch(() => null).finally(() => starting.delete(key));
          starting.set(key, pending);
          const started = await pending;
          if (started) {
            groups.set(key, started);
            void started.pump();
          }
        }
        group = (await pending) ?? undefined;
      }
      if (!group || groups.get(key) !== group) {
        // The group's own subscribe failed (its errors are the member's too, which passed): alone.
        m.alone(await feed.startPosition());
        return result;
      }
      // Joined before its start is read: events the group sends meanwhile wait, and those after
      // the start are written once it is known (the group can be no further than the start).
      group.add(m);
      m.startAt(await feed.startPosition());
      return result;
    },
  };
}
