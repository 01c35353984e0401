// graphql-yoga over the schema: per-request viewer, masked errors, GraphiQL.
import { GraphQLError } from "graphql";
import { createGraphQLError, createYoga, maskError, type Plugin, type YogaServerInstance } from "graphql-yoga";
import { resolveViewer, UnauthenticatedError, type Viewer } from "../auth/viewer.js";
import type { TokenService } from "../auth/tokens.js";
import type { Context } from "../graphql/context.js";
import { schema } from "../graphql/schema.js";
import type { EventFeed } from "../events/feed.js";
import { renderLocalGraphiQL } from "./graphiql.js";
import { clientErrorCode, requestIdOf, yogaLogging, type Logger } from "./logging.js";
import type { Limits } from "../config.js";
import type { RateLimiter } from "./rate-limit.js";
import { securityPlugins } from "./security.js";
import type { FanOut } from "./fan-out.js";
import { useSseFanOut } from "./sse-fan-out.js";
import { useStorefrontJit } from "./jit.js";
import type { Program } from "../program/program.js";
import type { SqlRunner } from "../db/database.js";

export interface ServerContext {
  /** Set by the WebSocket server: the viewer resolved once from connectionParams. */
  viewer?: Viewer;
}

export type ProgramYoga = YogaServerInstance<ServerContext, Context>;

export function unauthenticated(message: string) {
  return createGraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

/**
 * Pothos's refusals of what the client sent get their code (logging.ts, clientErrorCode:
 * BAD_USER_INPUT or FORBIDDEN) on the error itself, not on a replacement: Yoga logs every error
 * its mask replaces as a server error, and these are the client's.
 */
function withClientErrorCode(error: unknown): GraphQLError | null {
  if (!(error instanceof GraphQLError) || error.extensions?.code) return null;
  const code = clientErrorCode(error);
  if (!code) return null;
  (error as { extensions: GraphQLError["extensions"] }).extensions = { ...error.extensions, code };
  return error;
}

export function createProgramYoga(opts: {
  program: Program; sql: SqlRunner; tokens: TokenService; feed: EventFeed; production: boolean; limits: Limits; rateLimiter: RateLimiter;
  /** Request logs and metrics: first, so that they see every request, refused ones too. */
  observers?: Plugin<Context>[];
  /** Idempotency keys: after the limits, so that a retry is limited like any request. */
  idempotency?: Plugin<Context>;
  /** The public storefront's response cache (storefront-cache.ts): last, after every limit. */
  storefrontCache?: Plugin;
  /** graphql-jit for storefront reads answered from storefront rows (jit.ts); default on. */
  jit?: boolean;
  /** Groups SSE subscriptions with the WebSocket ones (sse-fan-out.ts). */
  fanOut?: FanOut;
  /** Where Yoga's own warnings and errors go (JSON lines); default: Yoga's console logger. */
  logger?: Logger;
}): ProgramYoga {
  const { program, sql, tokens, feed } = opts;
  return createYoga<ServerContext, Context>({
    schema,
    // The storefront cache wraps execution: it goes before the limits, so their refusals (which stop
    // execution) are not overridden by it.
    // graphql-jit goes before the cache, whose execute (storing answers) wraps the one jit sets.
    plugins: [...(opts.observers ?? []), ...(opts.jit !== false ? [useStorefrontJit()] : []), ...(opts.storefrontCache ? [opts.storefrontCache] : []), ...securityPlugins(opts.limits, opts.rateLimiter), ...(opts.idempotency ? [opts.idempotency] : []), ...(opts.fanOut ? [useSseFanOut(opts.fanOut)] : [])],
    graphqlEndpoint: "/graphql",
    // The body limit is enforced once, before Yoga, by the HTTP server (http.ts: a declared
    // Content-Length over the limit is refused with 413, a body without one with 411, and Node reads
    // no more than the declared length). Yoga's own check pipes every body through a TransformStream,
    // which cost ~40% of a cached storefront answer's CPU.
    maxRequestBodySize: false,
    landingPage: false,
    graphiql: {
      title: "Partner program API",
      subscriptionsProtocol: "WS",
      defaultQuery: "# Paste a token into Headers as {\"Authorization\": \"Bearer …\"} (npm run token -- --role program-staff)\n{\n  viewer { role }\n  listings(first: 5) { edges { node { id content { name tagline } partner { name tier } } } }\n}\n",
    },
    renderGraphiQL: renderLocalGraphiQL,
    maskedErrors: { maskError: (error, message, isDev) => withClientErrorCode(error) ?? maskError(error, message, isDev) },
    ...(opts.logger ? { logging: yogaLogging(opts.logger) } : {}),
    context: async ({ request, viewer }): Promise<Context> => {
      // Over WebSocket there is no fetch Request: the viewer was resolved at connection time.
      const requestId = requestIdOf(request);
      const readAfter = feed.head();
      if (viewer) return { viewer, prisma: program.prisma, sql, program, requestId, tokens, feed, readAfter };
      try {
        const resolved = await resolveViewer(request.headers.get("authorization"), tokens, program.prisma);
        return { viewer: resolved, prisma: program.prisma, sql, program, requestId, tokens, feed, readAfter };
      } catch (err) {
        if (err instanceof UnauthenticatedError) throw unauthenticated(err.message);
        throw err;
      }
    },
  });
}
