// Subscriptions fanned out by group, over graphql-ws and SSE alike: identical subscriptions (same
// document, operation name, variables apart from `after`, same visibility class) share one cursor on
// the event feed, one execution and one JSON serialization per event. Each member gets the shared
// bytes in its transport's frame: over WebSocket behind its own `{"id":…,"type":"next","payload":`
// prefix, the frame graphql-ws itself would have sent; over SSE as the `event: next` / `data:` lines
// Yoga would have sent, shared whole by every SSE member (sse-fan-out.ts).
//
// Every member still subscribes through its transport and the enveloped `subscribe` (its checks, its
// errors, its metrics), but with a feed that hands it a placeholder instead of a cursor: the transport
// holds the placeholder as the subscription, so complete, disconnect, 4403 and 1012 end it exactly as
// before. A member whose peer falls behind (bytes written but not taken over a bound) is detached:
// its placeholder turns into its own cursor from the last event it was sent, and the transport's own
// loop (which waits for each write) serves it until it has caught up with the group, which it then
// rejoins. A subscription with `after` (a resume) starts that way: on its own cursor from `after`,
// joining its group once it has caught up with it.
import { getOperationAST, Kind, type ExecutionArgs, type ExecutionResult, type GraphQLError } from "graphql";
import type { WebSocket } from "ws";
import type { Viewer } from "../auth/viewer.js";
import type { EventFeed, ProgramEventRow } from "../events/feed.js";
import { fanOutOf } from "../graphql/fan-out.js";
import { visibilityClass } from "../program/visibility.js";

/** A member with more than this written but not taken by its peer is detached onto its own cursor. */
export const DETACH_BUFFERED_BYTES = 1024 * 1024;

/** Marks the group's own execution context: not a client's subscription (metrics skip it). */
export const GROUP_SOURCE = Symbol.for("partner-program.fan-out-group");

type Subscribe = (args: ExecutionArgs) => Promise<unknown> | unknown;
type FeedOpts = Parameters<EventFeed["subscribe"]>[0];

/** One event's result, serialized once for every member of a group (once per transport that has members). */
export class SharedFrame {
  private ws: Buffer | null = null;
  private sseBytes: Buffer | null = null;
  constructor(private readonly result: ExecutionResult) {}
  /** graphql-ws' `next` payload. */
  payload(): Buffer {
    return (this.ws ??= Buffer.from(nextPayload(this.result)));
  }
  /** The SSE message Yoga would write for the result (sse-fan-out.ts). */
  sse(): Buffer {
    return (this.sseBytes ??= Buffer.from(sseMessage(this.result)));
  }
}

/** Yoga's SSE `next` message: the result without its errors' internal extensions (http, unexpected). */
export function sseMessage(result: ExecutionResult): string {
  let clean: object = result;
  if (result.errors?.length || (result.extensions as { http?: unknown } | undefined)?.http) {
    const { http: _http, ...extensions } = (result.extensions ?? {}) as Record<string, unknown>;
    clean = {
      ...result,
      ...(result.errors ? { errors: result.errors.map((e) => {
        const { http: _h, unexpected: _u, ...rest } = (e.toJSON().extensions ?? {}) as Record<string, unknown>;
        return { ...e.toJSON(), extensions: Object.keys(rest).length ? rest : undefined };
      }) } : {}),
      extensions: Object.keys(extensions).length ? extensions : undefined,
    };
  }
  return `event: next\ndata: ${JSON.stringify(clean)}\n\n`;
}

/** Where a member's frames go: its WebSocket, or its SSE response. */
export interface MemberSink {
  /** False once the transport is closing (it ends the subscription itself). */
  open(): boolean;
  /** Bytes written for this member that its peer has not taken yet. */
  backlog(): number;
  write(frame: SharedFrame): void;
}

/** A graphql-ws subscription's sink: the shared payload behind its own id prefix, as a text frame. */
export function webSocketSink(id: string, socket: WebSocket): MemberSink {
  const prefix = nextPrefix(id);
  return {
    open: () => socket.readyState === socket.OPEN,
    backlog: () => socket.bufferedAmount,
    write: (f) => {
      const payload = f.payload();
      socket.send(Buffer.concat([prefix, payload, CLOSE], prefix.length + payload.length + 1), TEXT);
    },
  };
}

export interface FanOutTarget {
  /** Where the member's frames go (webSocketSink, or an SSE response's). */
  sink: MemberSink;
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
  held: { position: bigint; frame: SharedFrame }[] = [];
  /** The last position written to the sink (or the start). */
  last = 0n;
  /** Set once detached: the member's own cursor, which graphql-ws' loop pulls from. */
  own: AsyncIterator<ProgramEventRow> | null = null;
  ended = false;
  private waiting: { resolve: (r: IteratorResult<ProgramEventRow>) => void; reject: (e: unknown) => void } | null = null;
  group: Group | null = null;

  constructor(
    readonly target: FanOutTarget, readonly feed: EventFeed, readonly opts: FeedOpts,
    private readonly events: { detached(): void; rejoined(): void; group(): Group | undefined },
  ) {
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
    for (const h of held) if (this.deliver(h.position, h.frame)) this.group?.observer?.delivered(this.group.field, "group", 1);
  }

  /** Writes the event's frame unless this member is not owed it; whether it was written. */
  deliver(position: bigint, frame: SharedFrame): boolean {
    if (this.ended || this.own) return false;
    if (this.start === null) {
      this.held.push({ position, frame });
      return false;
    }
    if (position <= this.start) return false; // committed before this member subscribed
    const sink = this.target.sink;
    if (!sink.open()) return false; // closing: the transport ends the subscription
    if (sink.backlog() > DETACH_BUFFERED_BYTES) {
      this.detach();
      return false;
    }
    this.last = position;
    sink.write(frame);
    return true;
  }

  /** Its own cursor from the last event written: the transport's loop executes and sends, waiting for each write. */
  private detach() {
    this.events.detached();
    this.alone(this.last);
  }

  /**
   * Back into the group once its own cursor has sent everything the group has written and its peer
   * has taken it. Called between two of the transport's sends, so nothing is in flight for this member; the
   * group writes it what comes after the last event it was sent (an event the group is executing
   * right now included).
   */
  private rejoin(): boolean {
    const group = this.events.group();
    // The group covers every event after its own start, which it has passed once it has written one.
    if (!group || this.ended || group.delivered === 0n || this.last < group.delivered) return false;
    if (this.target.sink.backlog() > DETACH_BUFFERED_BYTES / 4) return false;
    const own = this.own!;
    this.own = null;
    void own.return?.();
    this.start = this.last;
    group.add(this);
    this.events.rejoined();
    return true;
  }

  /** Runs on its own cursor after `after`, outside the group (until it rejoins). */
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
        const frame = new SharedFrame(r.value);
        this.delivered = this.position;
        let sent = 0;
        for (const m of this.members) if (m.deliver(this.position, frame)) sent++;
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
          if (member) return feed.subscribe(o);
          member = new Member(target, feed, o, { detached: () => void detached++, rejoined: () => void rejoined++, group: () => groups.get(key) });
          // A resume starts on its own cursor, and joins its group (if there is one) once caught up.
          if (o.after !== null) member.alone(o.after);
          return member.iterator;
        },
      };
      const result = await subscribe({ ...args, contextValue: { ...(args.contextValue as object), feed: memberFeed } });
      const m = member as Member | null;
      if (!m || !isAsyncIterable(result) || m.own) return result;

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
