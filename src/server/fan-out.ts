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
// it runs its own execution of the subscription from the last event it was sent, at its peer's pace
// (results that come while the peer is still reading wait, and go out together in one write), until
// it has caught up with the group, which it then rejoins. A subscription with `after` (a resume)
// starts that way: on its own execution from `after`, joining its group once it has caught up.
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
  /** Several frames in one write (a member catching up). */
  writeAll(frames: SharedFrame[]): void;
}

/**
 * One WebSocket text frame (FIN, opcode 1, unmasked, as a server sends it) holding prefix + payload +
 * `}`, in one buffer: the bytes ws itself would write for that message.
 */
export function textFrame(prefix: Buffer, payload: Buffer): Buffer {
  const length = prefix.length + payload.length + 1;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const buf = Buffer.allocUnsafe(header + length);
  buf[0] = 0x81;
  if (header === 2) buf[1] = length;
  else if (header === 4) {
    buf[1] = 126;
    buf.writeUInt16BE(length, 2);
  } else {
    buf[1] = 127;
    buf.writeBigUInt64BE(BigInt(length), 2);
  }
  prefix.copy(buf, header);
  payload.copy(buf, header + prefix.length);
  buf[header + length - 1] = 0x7d; // }
  return buf;
}

/** What of ws' internals the direct write looks at (ws 8: lib/websocket.js, lib/sender.js). */
interface WsInternals {
  _socket?: { write(b: Buffer): boolean };
  _sender?: { _state: number; _queue: unknown[] };
}

/**
 * A graphql-ws subscription's sink: the shared payload behind its own id prefix, as a text frame.
 * The frame is built here in one buffer and written straight to the TCP socket (one write; ws' own
 * send builds a header and writes it and the data corked), when ws could not be holding anything
 * back: no extension negotiated (the server offers none: no permessage-deflate) and its sender idle
 * with nothing queued. Otherwise through ws' send.
 */
export function webSocketSink(id: string, socket: WebSocket): MemberSink {
  const prefix = nextPrefix(id);
  const ws = socket as unknown as WsInternals;
  // Fixed once the handshake is done, which it is before any subscribe (ws' getter joins the keys on every read).
  const plain = socket.extensions === "";
  const tcp = () => (plain && ws._sender?._state === 0 && ws._sender._queue.length === 0 ? ws._socket : undefined);
  const send = (f: SharedFrame) => {
    const payload = f.payload();
    socket.send(Buffer.concat([prefix, payload, CLOSE], prefix.length + payload.length + 1), TEXT);
  };
  return {
    open: () => socket.readyState === socket.OPEN,
    backlog: () => socket.bufferedAmount,
    write(f) {
      const direct = tcp();
      if (direct) direct.write(textFrame(prefix, f.payload()));
      else send(f);
    },
    writeAll(frames) {
      // Several frames in one write.
      const direct = tcp();
      if (direct) direct.write(Buffer.concat(frames.map((f) => textFrame(prefix, f.payload()))));
      else for (const f of frames) send(f);
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
  /**
   * The transport's `subscribe`: groups the subscription when it may, else runs it as before.
   * `subscribe` runs the member's own subscription; `sources` (default: `subscribe`) the executions
   * the server runs for members (a group's, a member's own catch-up), whose context is marked
   * GROUP_SOURCE: it must apply the same plugins to their results (masked errors) as to a client's.
   */
  subscribe(args: ExecutionArgs, target: FanOutTarget | undefined, subscribe: Subscribe, sources?: Subscribe): Promise<unknown>;
  /** One message sent by the transport itself (graphql-ws' `onNext`, the SSE response's): a subscription that is not grouped. */
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

/** One result of a member's own execution, with the position of the event it answers. */
interface OwnResult {
  position: bigint;
  result: ExecutionResult;
}
/** A member's own execution of the subscription from a position on (its catch-up). */
interface OwnExecution {
  next(): Promise<IteratorResult<OwnResult, unknown>>;
  return(): void;
}

interface MemberEvents {
  detached(): void;
  rejoined(): void;
  group(): Group | undefined;
  /** Messages the member wrote from its own execution. */
  sentAlone(messages: number): void;
}

/** While catching up, frames wait (and are written together) as long as more than this is unread. */
const CONGESTED_BYTES = 64 * 1024;
/** At most this many frames wait for a congested peer before the catch-up waits for it. */
const BATCH_FRAMES = 64;

class Member {
  /** The position this member is owed events after; null until read (events meanwhile wait in `held`). */
  start: bigint | null = null;
  held: { position: bigint; frame: SharedFrame }[] = [];
  /** The last position written to the sink, or waiting in `batch` (or the start). */
  last = 0n;
  /** A resume: the position it starts its own execution after, once subscribed. */
  resumeAfter: bigint | null = null;
  /** Set while the member runs its own execution (detached, or a resume): the group skips it. */
  catchingUp = false;
  private own: OwnExecution | null = null;
  /** Frames of its own execution waiting for a congested peer; written in one go (one write). */
  private batch: SharedFrame[] = [];
  private draining: Promise<void> | null = null;
  ended = false;
  private waiting: { resolve: (r: IteratorResult<ProgramEventRow>) => void; reject: (e: unknown) => void } | null = null;
  group: Group | null = null;

  constructor(readonly target: FanOutTarget, private readonly execute: (after: bigint) => Promise<OwnExecution>, private readonly events: MemberEvents) {}

  /**
   * The placeholder the transport iterates (through graphql-js' map of it): it yields nothing, and
   * ends when the member does. The group, or the member's own execution, writes the frames.
   */
  readonly iterator: AsyncIterableIterator<ProgramEventRow> = {
    next: () => {
      if (this.ended) return Promise.resolve(DONE);
      return new Promise((resolve, reject) => {
        this.waiting = { resolve, reject };
      });
    },
    return: async () => {
      this.leave();
      return DONE;
    },
    throw: async (err?: unknown) => {
      this.leave();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };

  /** The client ended the subscription (complete, disconnect, 4403, 1012). */
  leave() {
    if (this.ended) return;
    this.ended = true;
    this.group?.remove(this);
    this.group = null;
    this.stopOwn();
    this.waiting?.resolve(DONE);
    this.waiting = null;
  }

  /** The group or its own execution ended (feed closed) or failed: the transport completes or errors the subscription. */
  end(err?: unknown) {
    if (this.ended) return;
    this.ended = true;
    this.group = null;
    this.stopOwn();
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
    if (this.ended || this.catchingUp) return false;
    if (this.start === null) {
      this.held.push({ position, frame });
      return false;
    }
    if (position <= this.start) return false; // committed before this member subscribed
    const sink = this.target.sink;
    if (!sink.open()) return false; // closing: the transport ends the subscription
    if (sink.backlog() > DETACH_BUFFERED_BYTES) {
      this.events.detached();
      this.catchUp(this.last);
      return false;
    }
    this.last = position;
    sink.write(frame);
    return true;
  }

  /**
   * Leaves the group (if in one) and runs its own execution of the subscription from `after` on, at
   * its peer's pace: while the peer has more than CONGESTED_BYTES unread, results wait and are then
   * written together (one write for several frames); once it has caught up with the group, it rejoins.
   */
  catchUp(after: bigint) {
    this.group?.remove(this);
    this.group = null;
    this.last = after;
    this.catchingUp = true;
    void this.runOwn(after);
  }

  private async runOwn(after: bigint) {
    let own: OwnExecution;
    try {
      own = await this.execute(after);
    } catch (err) {
      this.end(err);
      return;
    }
    if (this.ended) return own.return();
    this.own = own;
    try {
      for (;;) {
        if (this.rejoin()) return;
        if (this.batch.length >= BATCH_FRAMES) await this.drained();
        if (this.ended) return;
        const r = await own.next();
        if (this.ended) return;
        if (r.done) break;
        this.batch.push(new SharedFrame(r.value.result));
        this.last = r.value.position;
        if (this.target.sink.backlog() <= CONGESTED_BYTES) this.flush();
        else void this.drained().then(() => this.flush());
      }
      this.flush();
      this.end();
    } catch (err) {
      this.end(err);
    }
  }

  /** Writes the frames waiting, in one write. */
  private flush() {
    if (this.ended || !this.batch.length) return;
    const frames = this.batch;
    this.batch = [];
    if (!this.target.sink.open()) return;
    this.target.sink.writeAll(frames);
    this.events.sentAlone(frames.length);
  }

  /**
   * Resolves once the peer has no more than CONGESTED_BYTES unread (or the member ended). Checked
   * every 5 ms at first, backing off to every 100 ms for a client that stays stalled.
   */
  private drained(): Promise<void> {
    return (this.draining ??= new Promise<void>((resolve) => {
      let wait = 5;
      const check = () => {
        if (this.ended || this.target.sink.backlog() <= CONGESTED_BYTES) {
          this.draining = null;
          resolve();
          return;
        }
        setTimeout(check, wait);
        wait = Math.min(100, wait * 2);
      };
      check();
    }));
  }

  /**
   * Back into the group once its own execution has written everything the group has and its peer has
   * taken it. Called between two results of its own execution, so nothing is in flight; the group
   * writes it what comes after the last event it was sent (an event the group is executing right now
   * included).
   */
  private rejoin(): boolean {
    const group = this.events.group();
    // The group covers every event after its own start, which it has passed once it has written one.
    if (!group || this.ended || group.delivered === 0n || this.last < group.delivered) return false;
    if (this.batch.length || this.target.sink.backlog() > DETACH_BUFFERED_BYTES / 4) return false;
    this.stopOwn();
    this.start = this.last;
    group.add(this);
    this.events.rejoined();
    return true;
  }

  private stopOwn() {
    this.catchingUp = false;
    this.own?.return();
    this.own = null;
    this.batch = [];
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

  /**
   * The feed of an execution the server runs for its members (a group's, or a member's own): marked
   * so that metrics and the SSE plugin leave it alone, telling `seen` the row of each result (results
   * come one at a time, each from the row read last), and starting after `after` when given.
   */
  const sourceContext = (args: ExecutionArgs, seen: (row: ProgramEventRow) => void, after?: bigint) => {
    const sourceFeed: EventFeed = {
      ...feed,
      subscribe(o) {
        const inner = feed.subscribe(after === undefined ? o : { ...o, after });
        return {
          next: async () => {
            const r = await inner.next();
            if (!r.done) seen(r.value);
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
    return { ...(args.contextValue as Record<string, unknown>), feed: sourceFeed, [GROUP_SOURCE]: true };
  };

  /** The group's one execution: the first member's arguments and context. */
  async function startGroup(key: string, field: string, args: ExecutionArgs, subscribe: Subscribe): Promise<Group | null> {
    const group = new Group(key, field, observer, (g) => {
      if (groups.get(key) === g) groups.delete(key);
    });
    const result = await subscribe({ ...args, contextValue: sourceContext(args, (row) => {
      group.position = row.position;
      group.occurredAt = row.occurredAt.getTime();
    }) });
    if (!isAsyncIterable(result)) return null;
    group.source = (result as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
    return group;
  }

  /** A member's own execution from `after` on (its arguments and context), each result with its event's position. */
  async function ownExecution(args: ExecutionArgs, subscribe: Subscribe, after: bigint): Promise<OwnExecution> {
    let position = after;
    const result = await subscribe({ ...args, contextValue: sourceContext(args, (row) => void (position = row.position), after) });
    if (!isAsyncIterable(result)) throw new Error(`the subscription could not run on its own: ${((result as ExecutionResult).errors ?? []).map((e) => e.message).join("; ")}`);
    const it = (result as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
    return {
      next: async () => {
        const r = await it.next();
        return r.done ? r : { done: false, value: { position, result: r.value } };
      },
      return: () => void it.return?.(),
    };
  }

  return {
    sentAlone(args) {
      if (!observer) return;
      const field = fieldOf(args);
      if (field) observer.delivered(field, "alone", 1); // queries and mutations over WebSocket are not counted
    },

    stats: () => ({ groups: groups.size, members: [...groups.values()].reduce((n, g) => n + g.members.size, 0), detached, rejoined }),

    async subscribe(args, target, subscribe, sources = subscribe) {
      const field = target && rootField(args);
      if (!target || !field || fanOutOf(args.schema, field) !== "visibilityClass") return subscribe(args);
      const { after: _after, ...variables } = (args.variableValues ?? {}) as Record<string, unknown>;
      const key = JSON.stringify([target.query, args.operationName ?? null, variables, visibilityClass(target.viewer)]);

      // The member's own subscribe: its checks and errors as before; its feed hands out a placeholder.
      let member: Member | null = null;
      const events: MemberEvents = {
        detached: () => void detached++,
        rejoined: () => void rejoined++,
        group: () => groups.get(key),
        sentAlone: (n) => observer?.delivered(field, "alone", n),
      };
      const memberFeed: EventFeed = {
        ...feed,
        subscribe(o) {
          if (member) return feed.subscribe(o);
          member = new Member(target, (after) => ownExecution(args, sources, after), events);
          member.resumeAfter = o.after;
          return member.iterator;
        },
      };
      const result = await subscribe({ ...args, contextValue: { ...(args.contextValue as object), feed: memberFeed } });
      const m = member as Member | null;
      if (!m || !isAsyncIterable(result)) return result;
      // A resume catches up on its own execution, and joins its group (if there is one) once caught up.
      if (m.resumeAfter !== null) {
        m.catchUp(m.resumeAfter);
        return result;
      }

      let group = groups.get(key);
      if (!group) {
        let pending = starting.get(key);
        if (!pending) {
          // A group that cannot start (its subscribe threw) leaves its members to run alone.
          pending = startGroup(key, field, args, sources).catch(() => null).finally(() => starting.delete(key));
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
        m.catchUp(await feed.startPosition());
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
