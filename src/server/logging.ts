// Structured logs: one JSON object per line on stdout. Every GraphQL request is logged once, with
// its request id (the client's x-request-id, else a UUID; echoed in the response), method,
// operation, status and duration. Unexpected errors are logged with the request id and their stack;
// the client only ever sees the masked message.
import { randomUUID } from "node:crypto";
import { PothosValidationError } from "@pothos/core";
import { ForbiddenError } from "@pothos/plugin-scope-auth";
import { getOperationAST, type DocumentNode, type GraphQLError } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import type { Context } from "../graphql/context.js";

export { jsonLogger, silentLogger, type LogFields, type Logger } from "./log-lines.js";
import type { LogFields, Logger } from "./log-lines.js";

const REQUEST_ID = /^[\x21-\x7e]{1,100}$/;
const requestIds = new WeakMap<Request, string>();

/** The request's id: the client's x-request-id when it is sane, else a UUID; the same for the whole request. */
export function requestIdOf(request: Request | undefined): string {
  if (!request) return randomUUID();
  let id = requestIds.get(request);
  if (!id) {
    const sent = request.headers.get("x-request-id");
    id = sent && REQUEST_ID.test(sent) ? sent : randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

/**
 * Pothos's own refusals of what the client sent: a malformed or mistyped global id, a bad page
 * size (BAD_USER_INPUT), a field the viewer's role may not use (scope-auth: FORBIDDEN). The
 * client's mistakes, not the server's; yoga.ts puts the code on the error.
 */
export function clientErrorCode(error: GraphQLError): "BAD_USER_INPUT" | "FORBIDDEN" | undefined {
  const original = error.originalError;
  if (!(original instanceof PothosValidationError)) return undefined;
  return original instanceof ForbiddenError ? "FORBIDDEN" : "BAD_USER_INPUT";
}

/** An error the resolvers did not mean to send (masked for the client): worth a log line. */
export function isUnexpected(error: GraphQLError): boolean {
  const original = error.originalError;
  return !!original && original.name !== "GraphQLError" && !clientErrorCode(error);
}

/** Errors already logged with their request id (Yoga's own logger would log them again, without it). */
const logged = new WeakSet<object>();

/** Yoga's logger, onto ours: warnings and errors only, and no error twice. */
export function yogaLogging(logger: Logger) {
  const detail = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : JSON.stringify(a))).join(" ");
  return {
    debug() {},
    info() {},
    warn: (...args: unknown[]) => logger.warn("graphql-yoga", { detail: detail(args) }),
    error: (...args: unknown[]) => {
      const first = args[0];
      if (first && typeof first === "object" && logged.has(first)) return;
      logger.error("graphql-yoga", args.length === 1 ? errorFields(first) : { detail: detail(args) });
    },
  };
}

export function errorFields(error: unknown): LogFields {
  const e = (error as GraphQLError)?.originalError ?? error;
  return e instanceof Error ? { error: e.message, errorType: e.name, stack: e.stack } : { error: String(e) };
}

interface RequestRecord {
  readonly start: number;
  operation?: string | undefined;
  operationType?: string | undefined;
}

function operationOf(document: DocumentNode, operationName: string | null | undefined) {
  const op = getOperationAST(document, operationName);
  return { operation: op?.name?.value, operationType: op?.operation };
}

export function useRequestLog(logger: Logger): Plugin<Context> {
  const records = new WeakMap<Request, RequestRecord>();
  const logErrors = (requestId: string, operation: string | undefined, errors: readonly GraphQLError[] | undefined) => {
    for (const error of errors ?? []) {
      if (!isUnexpected(error)) continue;
      logged.add(error);
      logger.error("unexpected error", { requestId, operation, path: error.path?.join("."), ...errorFields(error) });
    }
  };
  return {
    onPluginInit({ registerContextErrorHandler }) {
      registerContextErrorHandler(({ error, context }) => {
        const request = (context as { request?: Request }).request;
        if ((error as Error)?.name === "GraphQLError") return;
        if (error && typeof error === "object") logged.add(error);
        logger.error("unexpected error while building the context", { requestId: requestIdOf(request), ...errorFields(error) });
      });
    },
    onRequest({ request }) {
      records.set(request, { start: performance.now() });
    },
    onExecute({ args }) {
      const request = args.contextValue.request as Request | undefined;
      const d = operationOf(args.document, args.operationName);
      const record = request && records.get(request);
      if (record) Object.assign(record, d);
      return {
        onExecuteDone({ result }) {
          if (!isAsyncIterable(result)) logErrors(args.contextValue.requestId, d.operation, result.errors);
        },
      };
    },
    onSubscribe({ args }) {
      const request = args.contextValue.request as Request | undefined;
      const d = operationOf(args.document, args.operationName);
      const record = request && records.get(request);
      if (record) Object.assign(record, d);
      return {
        onSubscribeError({ error }) {
          if ((error as Error)?.name === "GraphQLError") return;
          if (error && typeof error === "object") logged.add(error);
          logger.error("unexpected subscription error", { requestId: args.contextValue.requestId, operation: d.operation, ...errorFields(error) });
        },
      };
    },
    onResponse({ request, response }) {
      const requestId = requestIdOf(request);
      response.headers.set("x-request-id", requestId);
      const record = records.get(request);
      if (!record) return;
      records.delete(request);
      logger.info("request", {
        requestId,
        method: request.method,
        operation: record.operation ?? null,
        operationType: record.operationType ?? null,
        status: response.status,
        durationMs: Math.round((performance.now() - record.start) * 10) / 10,
      });
    },
  };
}
