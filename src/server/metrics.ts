// GET /metrics in Prometheus's text format: HTTP request rates, latencies and 5xx responses per
// route, GraphQL operations and errors, active subscriptions, how far this process's event feed
// trails the event table, the event bus, and Node's process metrics (memory, event-loop delay, GC).
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { getOperationAST, Kind, type GraphQLError } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { EventBus } from "../events/bus.js";
import type { EventFeed } from "../events/feed.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Context } from "../graphql/context.js";
import { clientErrorCode, isUnexpected } from "./logging.js";
import { GROUP_SOURCE, type FanOutObserver, type FanOutStats } from "./fan-out.js";

// Process metrics are per process, not per service: one registry for them, shared.
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** A bounded label for a path (never the raw URL: its cardinality is the client's choice). */
export function routeOf(url: string | undefined): string {
  const path = (url ?? "/").split("?")[0]!;
  if (path === "/graphql") return "graphql";
  if (path === "/ready" || path === "/health" || path === "/metrics") return path.slice(1);
  if (path.startsWith("/graphiql")) return "graphiql";
  if (path === "/" || path.startsWith("/partner") || path.startsWith("/listing/") || path.startsWith("/assets/")) return "web";
  return "other";
}

export interface ServiceMetrics {
  readonly registry: Registry;
  /** Counts an HTTP response once it is finished. Call at the start of each request. */
  observeHttp(req: IncomingMessage, res: ServerResponse): void;
  /** The Yoga plugin for GraphQL operations and errors. */
  readonly plugin: Plugin<Context>;
  /** What the subscriptions' fan-out reports (fan-out.ts). */
  readonly fanOutObserver: FanOutObserver;
  /** The whole exposition text. */
  text(): Promise<string>;
  readonly contentType: string;
}

export function createMetrics(opts: { prisma: PrismaClient; feed: EventFeed; bus: EventBus; fanOutStats?: () => FanOutStats }): ServiceMetrics {
  const { prisma, feed, bus } = opts;
  const registry = new Registry();
  const httpRequests = new Counter({
    name: "http_requests_total", help: "HTTP requests answered, by route, method and status.",
    labelNames: ["route", "method", "status"] as const, registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "http_request_duration_seconds", help: "Time to answer an HTTP request (to the end of the response), by route.",
    labelNames: ["route", "method"] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
  });
  const http5xx = new Counter({
    name: "http_responses_5xx_total", help: "HTTP responses with a 5xx status (server errors), by route.",
    labelNames: ["route"] as const, registers: [registry],
  });
  const operations = new Counter({
    name: "graphql_operations_total", help: "GraphQL operations executed, by type and first root field.",
    labelNames: ["type", "field"] as const, registers: [registry],
  });
  const operationDuration = new Histogram({
    name: "graphql_operation_duration_seconds", help: "Time to execute a query or mutation, by type.",
    labelNames: ["type"] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
  });
  const errors = new Counter({
    name: "graphql_errors_total", help: "GraphQL errors in responses, by code (INTERNAL_SERVER_ERROR: unexpected, masked).",
    labelNames: ["code"] as const, registers: [registry],
  });
  const activeSubscriptions = new Gauge({
    name: "graphql_active_subscriptions", help: "GraphQL subscriptions open on this process (WebSocket and SSE).", registers: [registry],
  });
  const fanOutStats = opts.fanOutStats;
  if (fanOutStats) {
    new Gauge({
      name: "graphql_subscription_groups", help: "Groups of identical subscriptions, WebSocket and SSE (one visibility class), sharing one execution per event.",
      registers: [registry], collect() { this.set(fanOutStats().groups); },
    });
    new Gauge({
      name: "graphql_subscription_grouped", help: "Subscriptions served by a group (the rest run alone: resumes catching up, detached members, fields declared alone).",
      registers: [registry], collect() { this.set(fanOutStats().members); },
    });
    new Gauge({
      name: "graphql_subscription_detached", help: "Group members detached onto their own cursor since the start because their socket fell behind.",
      registers: [registry], collect() { this.set(fanOutStats().detached); },
    });
    new Gauge({
      name: "graphql_subscription_rejoined", help: "Detached members that caught up and rejoined their group since the start.",
      registers: [registry], collect() { this.set(fanOutStats().rejoined); },
    });
  }
  const subscriptionMessages = new Counter({
    name: "graphql_subscription_messages_total", help: "Subscription messages sent (WebSocket, and SSE subscriptions the fan-out serves), by root field and whether a group or the subscription alone sent it.",
    labelNames: ["field", "via"] as const, registers: [registry],
  });
  const deliveryLag = new Histogram({
    name: "graphql_subscription_delivery_lag_seconds", help: "From an event's time to its frames being written to a group's members (once per event per group).",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
  });
  const fanOutObserver: FanOutObserver = {
    delivered: (field, via, messages) => void (messages && subscriptionMessages.inc({ field, via }, messages)),
    lag: (seconds) => deliveryLag.observe(Math.max(0, seconds)),
  };
  new Gauge({
    name: "event_feed_listeners", help: "Listeners on this process's event feed: subscriptions and the server's own (storefront cache, token revocations).",
    registers: [registry], collect() { this.set(feed.size()); },
  });
  new Gauge({
    name: "event_bus_connected", help: "1 when the event bus (Redis, or in memory) can deliver notices, else 0.",
    registers: [registry], collect() { this.set(bus.healthy() ? 1 : 0); },
  });
  const feedHead = new Gauge({ name: "event_feed_position", help: "Highest event position this process's feed has read.", registers: [registry] });
  const tableHead = new Gauge({ name: "event_table_position", help: "Highest committed event position in the event table.", registers: [registry] });
  const lag = new Gauge({ name: "event_feed_lag_events", help: "Committed events this process's feed has not yet read (table position - feed position).", registers: [registry] });
  const dbUp = new Gauge({ name: "database_reachable", help: "1 when the last scrape could read the event table, else 0.", registers: [registry] });

  async function sampleEvents() {
    const seen = feed.head();
    feedHead.set(Number(seen));
    try {
      const last = await Promise.race([
        prisma.event.findFirst({ orderBy: { position: "desc" }, select: { position: true } }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000).unref()),
      ]);
      const top = last?.position ?? 0n;
      tableHead.set(Number(top));
      lag.set(Number(top > seen ? top - seen : 0n));
      dbUp.set(1);
    } catch {
      dbUp.set(0);
    }
  }

  const codeOf = (e: GraphQLError) =>
    isUnexpected(e) ? "INTERNAL_SERVER_ERROR" : typeof e.extensions?.code === "string" ? e.extensions.code : clientErrorCode(e) ?? "GRAPHQL_ERROR";

  const plugin: ServiceMetrics["plugin"] = {
    onValidate() {
      return ({ result }) => {
        for (const e of result) errors.inc({ code: typeof e.extensions?.code === "string" ? e.extensions.code : "GRAPHQL_VALIDATION_FAILED" });
      };
    },
    onExecute({ args }) {
      const op = getOperationAST(args.document, args.operationName);
      const type = op?.operation ?? "unknown";
      const first = op?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
      operations.inc({ type, field: first?.kind === Kind.FIELD ? first.name.value : "" });
      const stop = operationDuration.startTimer({ type });
      return {
        onExecuteDone({ result }) {
          stop();
          if (!isAsyncIterable(result)) for (const e of result.errors ?? []) errors.inc({ code: codeOf(e) });
        },
      };
    },
    onSubscribe({ args }) {
      // A fan-out group's own execution is no client's subscription: its members are counted.
      if ((args.contextValue as unknown as Record<symbol, unknown>)[GROUP_SOURCE]) return;
      const op = getOperationAST(args.document, args.operationName);
      const first = op?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
      operations.inc({ type: "subscription", field: first?.kind === Kind.FIELD ? first.name.value : "" });
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) return;
          activeSubscriptions.inc();
          return { onEnd: () => void activeSubscriptions.dec() };
        },
      };
    },
  };

  return {
    registry,
    plugin,
    fanOutObserver,
    contentType: registry.contentType,
    observeHttp(req, res) {
      const start = performance.now();
      res.once("finish", () => {
        const route = routeOf(req.url);
        const method = req.method ?? "GET";
        httpRequests.inc({ route, method, status: String(res.statusCode) });
        httpDuration.observe({ route, method }, (performance.now() - start) / 1000);
        if (res.statusCode >= 500) http5xx.inc({ route });
      });
    },
    async text() {
      await sampleEvents();
      return `${await registry.metrics()}\n${await processMetrics().metrics()}`;
    },
  };
}

/** GET /metrics; with METRICS_TOKEN set, only for `Authorization: Bearer <METRICS_TOKEN>`. */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, metrics: ServiceMetrics, token: string | undefined): Promise<void> {
  if (token && !sameSecret(req.headers.authorization ?? "", `Bearer ${token}`)) {
    res.writeHead(401, { "content-type": "text/plain", "www-authenticate": "Bearer" }).end("metrics need the METRICS_TOKEN bearer token\n");
    return;
  }
  const body = await metrics.text();
  res.writeHead(200, { "content-type": metrics.contentType }).end(body);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
