// One HTTP server: GraphQL + GraphiQL + SSE at /graphql, graphql-ws on the same path,
// /health (alive) and /ready (database reachable, migrations applied, bus connected), and the web
// frontends' built files (/, /partner, /listing/…, /assets/…).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GraphQLError, type ExecutionArgs } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import { resolveViewer, UnauthenticatedError, type Viewer } from "../auth/viewer.js";
import type { TokenService } from "../auth/tokens.js";
import type { Database } from "../db/database.js";
import type { Program } from "../program/program.js";
import { answerBeforeContinue, bodyTooLarge } from "./body-limit.js";
import { serveGraphiQLAsset } from "./graphiql.js";
import { serveWebApp } from "./web-app.js";
import { createConnectionAuth } from "./ws-auth.js";
import { createFanOut, webSocketSink, type FanOut, type FanOutTarget } from "./fan-out.js";
import type { EventFeed } from "../events/feed.js";
import { serveMetrics, type ServiceMetrics } from "./metrics.js";
import type { ProgramYoga } from "./yoga.js";

/** graphql-ws clients reconnect on 1012 (service restart). */
export const RESTART_CLOSE_CODE = 1012;

export interface HttpApp {
  readonly server: Server;
  listen(port: number, host?: string): Promise<number>;
  /** Stop accepting, let in-flight requests finish (bounded), close sockets with a reconnect code. */
  close(graceMs: number): Promise<void>;
}

export function createHttpApp(opts: {
  yoga: ProgramYoga;
  program: Program;
  db: Database;
  tokens: TokenService;
  maxBodyBytes: number;
  feed: EventFeed;
  wsReauthMs: number;
  metrics?: { metrics: ServiceMetrics; token: string | undefined };
  /** Groups identical subscriptions (fan-out.ts); one is made when not given. */
  fanOut?: FanOut;
}): HttpApp {
  const { yoga, program, db, tokens } = opts;
  let shuttingDown = false;

  async function readiness() {
    const checks: Record<string, string> = {};
    try {
      await db.ping();
      checks.database = "ok";
      const pending = await db.pendingMigrations();
      checks.migrations = pending.length ? `pending: ${pending.join(", ")}` : "ok";
    } catch {
      checks.database = "unreachable";
    }
    checks.eventBus = program.bus.healthy() ? "ok" : "disconnected";
    if (shuttingDown) checks.server = "shutting down";
    const ready = Object.values(checks).every((v) => v === "ok");
    return { ready, checks };
  }

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    opts.metrics?.metrics.observeHttp(req, res);
    if (url === "/health") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }));
      return;
    }
    if (url === "/ready") {
      const r = await readiness();
      res.writeHead(r.ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(r));
      return;
    }
    if (url === "/metrics" && opts.metrics) return serveMetrics(req, res, opts.metrics.metrics, opts.metrics.token);
    if (req.method === "GET" && serveGraphiQLAsset(url, res)) return;
    if (serveWebApp(req, res)) return;
    if (bodyTooLarge(req, res, opts.maxBodyBytes)) return;
    if (shuttingDown) res.setHeader("connection", "close");
    return yoga.handle(req, res);
  });
  server.keepAliveTimeout = 5000;
  answerBeforeContinue(server, opts.maxBodyBytes);

  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: 1024 * 1024 });
  // ws repeats the HTTP server's errors here (a port in use); listen() already reports them.
  wss.on("error", () => {});
  const fanOut = opts.fanOut ?? createFanOut({ feed: opts.feed });
  const connectionAuth = createConnectionAuth({ tokens, prisma: program.prisma, feed: opts.feed, everyMs: opts.wsReauthMs });
  useServer(
    {
      connectionInitWaitTimeout: 5000,
      // The viewer is resolved once per connection from connectionParams.authorization.
      onConnect: async (ctx) => {
        const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
        const header = typeof params.authorization === "string" ? params.authorization
          : typeof params.Authorization === "string" ? params.Authorization : undefined;
        try {
          (ctx.extra as { viewer?: unknown }).viewer = await resolveViewer(header, tokens, program.prisma);
          connectionAuth.track((ctx.extra as { socket: WebSocket }).socket, header);
          return true;
        } catch (err) {
          if (err instanceof UnauthenticatedError) return false;
          throw err;
        }
      },
      execute: (args: unknown) => (args as { rootValue: { execute(a: ExecutionArgs): unknown } }).rootValue.execute(args as ExecutionArgs) as never,
      // Identical subscriptions of one visibility class share an execution per event (fan-out.ts).
      subscribe: (args: unknown) => {
        const root = (args as { rootValue: { subscribe(a: ExecutionArgs): unknown; fanOut?: FanOutTarget } }).rootValue;
        return fanOut.subscribe(args as ExecutionArgs, root.fanOut, root.subscribe) as never;
      },
      // A subscription running alone is sent by graphql-ws itself: counted here (a group counts its own).
      onNext: (_ctx, _id, _payload, args) => void fanOut.sentAlone(args),
      onSubscribe: async (ctx, id, params) => {
        const extra = ctx.extra as { request: IncomingMessage; viewer?: Viewer; socket: WebSocket };
        // GraphiQL sends an empty connection_init and its Headers tab with each subscribe message
        // (payload.extensions.headers): such a token is that subscription's viewer (and so decides
        // its fan-out group), checked like the connection's.
        let viewer = extra.viewer;
        const own = authorizationHeader(params.extensions);
        if (own !== undefined) {
          try {
            viewer = await resolveViewer(own, tokens, program.prisma);
          } catch (err) {
            if (err instanceof UnauthenticatedError) return [new GraphQLError(err.message, { extensions: { code: "UNAUTHENTICATED" } })];
            throw err;
          }
          connectionAuth.track(extra.socket, own);
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: extra.request,
          socket: extra.socket,
          params,
          viewer,
        });
        const args = {
          schema,
          operationName: params.operationName,
          document: parse(params.query),
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: {
            execute,
            subscribe,
            ...(viewer ? { fanOut: { sink: webSocketSink(id, extra.socket), viewer, query: params.query } satisfies FanOutTarget } : {}),
          },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors;
        return args;
      },
    },
    wss,
  );

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    async close(graceMs) {
      shuttingDown = true;
      connectionAuth.close();
      for (const client of wss.clients) client.close(RESTART_CLOSE_CODE, "server restarting");
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const client of wss.clients) client.terminate();
    },
  };
}

/** The Authorization value among a subscribe message's extensions.headers (any case), if one is given. */
function authorizationHeader(extensions: unknown): string | undefined {
  const headers = (extensions as { headers?: unknown } | null | undefined)?.headers;
  if (!headers || typeof headers !== "object") return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === "authorization" && typeof value === "string" && value.trim() !== "") return value;
  }
  return undefined;
}
