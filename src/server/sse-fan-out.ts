// SSE subscriptions in the fan-out (fan-out.ts): a subscription asked for with
// `Accept: text/event-stream` subscribes through the group like a graphql-ws one, and its response
// stream is this file's instead of Yoga's SSE processor. The stream carries what Yoga's does (a `:`
// ping at the start and every 12 s, `event: next` / `data:` per result, `event: complete` at the end),
// but a member's messages are enqueued by the fan-out (the group's shared bytes, or those of its own
// execution while it catches up), while the results of a subscription that is not grouped are
// serialized here one by one, as Yoga does.
//
// The stream's queue is the member's backlog: it counts bytes (high-water mark 0), and the Node
// response takes a chunk only when the socket has drained the last, so a client that stops reading
// shows as a growing queue and is detached like a WebSocket member whose buffer fills.
import { isAsyncIterable } from "@envelop/core";
import type { ExecutionArgs, ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Viewer } from "../auth/viewer.js";
import { GROUP_SOURCE, sseMessage, type FanOut, type MemberSink, type SharedFrame } from "./fan-out.js";

const PING_MS = 12_000;
const encoder = new TextEncoder();
const PING = encoder.encode(":\n\n");
const COMPLETE = encoder.encode("event: complete\ndata:\n\n");

class SseSink implements MemberSink {
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  /** Frames the group wrote before the response stream existed. */
  private early: Uint8Array[] = [];
  private earlyBytes = 0;
  closed = false;

  open() {
    return !this.closed;
  }
  backlog() {
    if (!this.controller) return this.earlyBytes;
    const desired = this.controller.desiredSize;
    return desired === null ? 0 : Math.max(0, -desired);
  }
  write(frame: SharedFrame) {
    this.enqueue(frame.sse());
  }
  writeAll(frames: SharedFrame[]) {
    this.enqueue(frames.length === 1 ? frames[0]!.sse() : Buffer.concat(frames.map((f) => f.sse())));
  }
  enqueue(bytes: Uint8Array) {
    if (this.closed) return;
    if (!this.controller) {
      this.early.push(bytes);
      this.earlyBytes += bytes.byteLength;
      return;
    }
    this.controller.enqueue(bytes);
  }
  attach(controller: ReadableStreamDefaultController<Uint8Array>) {
    this.controller = controller;
    const early = this.early;
    this.early = [];
    this.earlyBytes = 0;
    for (const b of early) controller.enqueue(b);
  }
}

/**
 * Groups SSE subscriptions with the WebSocket ones (same key, same group) and writes their responses.
 * Goes after the metrics and logging plugins, whose hooks see every subscription as before.
 */
export function useSseFanOut(fanOut: FanOut): Plugin {
  const sinks = new WeakMap<Request, { sink: SseSink; sentAlone: () => void }>();
  let yoga: { getEnveloped(ctx: object): { subscribe(args: ExecutionArgs): unknown } } | undefined;
  return {
    onYogaInit(init) {
      yoga = init.yoga as unknown as typeof yoga;
    },
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      const ctx = args.contextValue as unknown as Record<PropertyKey, unknown> & { request?: Request; viewer?: Viewer; params?: { query?: unknown } };
      const request = ctx.request;
      // Over WebSocket there is no fetch Request: graphql-ws' subscribe groups those (http.ts).
      if (!request || ctx[GROUP_SOURCE]) return;
      if (!request.headers.get("accept")?.includes("text/event-stream")) return;
      const sink = new SseSink();
      sinks.set(request, { sink, sentAlone: () => fanOut.sentAlone(args) });
      const query = typeof ctx.params?.query === "string" ? ctx.params.query : undefined;
      const target = ctx.viewer && query !== undefined ? { sink, viewer: ctx.viewer, query } : undefined;
      // The member subscribes with the function envelop hands this hook (inside envelop already); the
      // executions run for members go through every plugin again (their results masked and counted
      // like a client's; this hook and the metrics skip them by their GROUP_SOURCE mark).
      const sources = (a: ExecutionArgs) => yoga!.getEnveloped(a.contextValue as object).subscribe(a);
      setSubscribeFn((a) => fanOut.subscribe(a, target, subscribeFn, yoga ? sources : subscribeFn) as never);
    },
    onResultProcess({ request, result, resultProcessor, setResultProcessor }) {
      const entry = sinks.get(request);
      if (!entry) return;
      sinks.delete(request);
      if (!isAsyncIterable(result)) return; // the subscription was refused: Yoga answers its errors
      if (!resultProcessor) {
        // Not answerable as SSE after all (406): end the subscription rather than leave it open.
        entry.sink.closed = true;
        void (result as AsyncIterable<unknown>)[Symbol.asyncIterator]().return?.();
        return;
      }
      setResultProcessor((r, fetchAPI) => sseResponse(r as AsyncIterable<ExecutionResult>, request, entry.sink, entry.sentAlone, fetchAPI), "text/event-stream");
    },
  };
}

function sseResponse(
  result: AsyncIterable<ExecutionResult>, request: Request, sink: SseSink, sentAlone: () => void,
  fetchAPI: { Response: typeof Response },
): Response {
  const iterator = result[Symbol.asyncIterator]();
  let ping: ReturnType<typeof setInterval> | undefined;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    sink.closed = true;
    clearInterval(ping);
    request.signal?.removeEventListener("abort", end);
    void Promise.resolve(iterator.return?.()).catch(() => {});
  };
  // Node's own ReadableStream (not the fetch ponyfill's, whose controller reports no queue): its
  // desiredSize is the member's backlog.
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // Some browsers only show a response once something arrives: a ping first, as Yoga does.
        controller.enqueue(PING);
        sink.attach(controller);
        ping = setInterval(() => {
          if (controller.desiredSize === null) return clearInterval(ping);
          if (controller.desiredSize >= 0) controller.enqueue(PING); // nothing waiting: keep the connection alive
        }, PING_MS);
        ping.unref?.();
        // A client that goes away ends the subscription (and so leaves its group) at once.
        request.signal?.addEventListener("abort", end, { once: true });
      },
      // A member's next() only ends it (the fan-out enqueues); a subscription not grouped yields results.
      async pull(controller) {
        try {
          const r = await iterator.next();
          if (ended) return;
          if (!r.done) {
            sentAlone();
            controller.enqueue(encoder.encode(sseMessage(r.value)));
            return;
          }
          controller.enqueue(COMPLETE);
          end();
          controller.close();
        } catch (err) {
          end();
          controller.error(err);
        }
      },
      cancel() {
        end();
      },
    },
    { highWaterMark: 0, size: (chunk) => chunk.byteLength },
  );
  return new fetchAPI.Response(stream, {
    status: 200,
    headers: { "Content-Type": "text/event-stream", Connection: "keep-alive", "Cache-Control": "no-cache", "Content-Encoding": "none" },
  });
}
