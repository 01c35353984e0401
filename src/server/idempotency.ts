// The Idempotency-Key header on HTTP mutations. The first request with a key runs, and its key is
// recorded in the transaction of its change (src/program/idempotency.ts); its response is stored
// afterwards. A retry with the same key gets the stored response without running again; if the
// first request's process died between its commit and storing the response, the retry is told the
// change was already applied. The same key with a different request is refused.
import { getOperationAST, Kind, print, type OperationDefinitionNode } from "graphql";
import { createGraphQLError, isAsyncIterable, type Plugin } from "graphql-yoga";
import type { Context } from "../graphql/context.js";
import { errorFields, silentLogger, type Logger } from "./logging.js";
import {
  actorKeyOf, requestFingerprint, type ClaimState, type IdempotencyKeys, type KeyClaim, type RecordedKey,
} from "../program/idempotency.js";

export const IDEMPOTENCY_HEADER = "idempotency-key";
/** Set on a response that is a stored one, replayed. */
export const REPLAYED_HEADER = "idempotent-replayed";
/** Opaque, 1 to 120 visible ASCII characters (a UUID is a good key). */
const KEY_FORMAT = /^[\x21-\x7e]{1,120}$/;
/** A key recorded this recently without a response may belong to a request still finishing. */
const RECENT_MS = 30_000;
/**
 * Runs that commit page by page and are safe to run again (each skips what an earlier run did). A
 * key cannot commit with all their pages at once, so it is recorded with the response when the run
 * has finished: a retry after that gets the stored response; a retry of a run cut short runs again
 * and finishes the rest (it is never told "already applied" about a run that was not finished).
 */
const RESUMABLE_RUNS = new Set(["runTierAssessment", "runLowUsageSweep"]);

type JsonResult = { data?: unknown; errors?: unknown[]; extensions?: Record<string, unknown> };

function refusal(message: string, code: string, status: number, extra: Record<string, unknown> = {}) {
  return { errors: [createGraphQLError(message, { extensions: { code, ...extra, http: { status } } })] };
}

/** The single root field a key may guard; null when there are several (or fragments at the root). */
function rootField(op: OperationDefinitionNode): string | null {
  const fields = op.selectionSet.selections.filter((s) => !(s.kind === Kind.FIELD && s.name.value === "__typename"));
  const only = fields[0];
  return fields.length === 1 && only?.kind === Kind.FIELD ? only.name.value : null;
}

/** The response as stored: plain JSON, without Yoga's internal error extensions. */
function storable(result: JsonResult): JsonResult {
  const plain = JSON.parse(JSON.stringify(result, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) as JsonResult;
  for (const e of (plain.errors ?? []) as { extensions?: Record<string, unknown> }[]) {
    if (!e.extensions) continue;
    delete e.extensions.http;
    delete e.extensions.unexpected;
    if (!Object.keys(e.extensions).length) delete e.extensions;
  }
  return plain;
}

export function useIdempotencyKeys(keys: IdempotencyKeys, opts: { awaitResponseMs?: number; logger?: Logger } = {}): Plugin<Context> {
  const awaitMs = opts.awaitResponseMs ?? 3000;
  const logger = opts.logger ?? silentLogger;
  const inFlight = new WeakMap<Request, { claim: KeyClaim; state(): ClaimState | "resumable" }>();

  /** The answer to a request whose key is already recorded. */
  async function answerRecorded(found: RecordedKey, claim: KeyClaim): Promise<JsonResult> {
    if (found.fingerprint !== claim.fingerprint) {
      return refusal(
        `Idempotency-Key "${claim.key}" was already used for a different request (${found.operation}); send a new key with a new request`,
        "IDEMPOTENCY_KEY_REUSED", 422, { operation: found.operation },
      );
    }
    // Committed but no response yet: a first request that committed moments ago may be finishing now.
    const recent = Date.now() - found.createdAt.getTime() < RECENT_MS;
    const settled = found.response === null && recent ? await keys.awaitResponse(claim.actorKey, claim.key, awaitMs) : found;
    if (settled?.response) {
      const stored = settled.response as JsonResult;
      return { ...stored, extensions: { ...stored.extensions, http: { headers: { [REPLAYED_HEADER]: "true" } } } };
    }
    return refusal(
      `${found.operation} was already applied with Idempotency-Key "${claim.key}" at ${found.createdAt.toISOString()}; ` +
        "its response was not recorded (the server stopped in between). It was not applied again: read the current state instead",
      "IDEMPOTENCY_KEY_ALREADY_APPLIED", 409, { operation: found.operation, appliedAt: found.createdAt.toISOString() },
    );
  }

  return {
    async onExecute({ args, setResultAndStopExecution, extendContext }) {
      const ctx = args.contextValue;
      const request = ctx.request as Request | undefined; // absent over WebSocket: keys are an HTTP feature
      const key = request?.headers.get(IDEMPOTENCY_HEADER);
      if (!request || key == null) return;
      const op = getOperationAST(args.document, args.operationName);
      if (op?.operation !== "mutation") return; // queries are safe to repeat as they are
      if (!KEY_FORMAT.test(key)) {
        setResultAndStopExecution(refusal("Idempotency-Key must be 1 to 120 visible ASCII characters (a UUID, for example)", "IDEMPOTENCY_KEY_INVALID", 400));
        return;
      }
      const operation = rootField(op);
      if (!operation) {
        setResultAndStopExecution(refusal("An Idempotency-Key guards a mutation with exactly one root field; send one mutation per request", "IDEMPOTENCY_KEY_UNSUPPORTED", 400));
        return;
      }
      const claim: KeyClaim = {
        actorKey: actorKeyOf(ctx.viewer),
        key,
        operation,
        fingerprint: requestFingerprint(print(args.document), args.operationName, args.variableValues),
      };
      const found = await keys.find(claim.actorKey, claim.key);
      if (found) {
        setResultAndStopExecution(await answerRecorded(found, claim) as never);
        return;
      }
      if (RESUMABLE_RUNS.has(operation)) {
        inFlight.set(request, { claim, state: () => "resumable" });
        return;
      }
      const guard = keys.guard(ctx.program, claim);
      inFlight.set(request, { claim, state: guard.state });
      extendContext({ program: guard.program });
    },
    async onExecutionResult({ request, result, setResult, context }) {
      const run = inFlight.get(request);
      if (!run || !result || isAsyncIterable(result)) return;
      inFlight.delete(request);
      const state = run.state();
      const storeFailed = (err: unknown) =>
        logger.error("could not store the response of an idempotent mutation", { requestId: (context as Partial<Context>).requestId, operation: run.claim.operation, ...errorFields(err) });
      if (state === "recorded") {
        // Committed: if this write fails, a retry is told the change was already applied.
        await keys.storeResponse(run.claim, storable(result as JsonResult)).catch(storeFailed);
      } else if (state === "resumable") {
        // A run that ended with an error may not have finished: its retry runs again.
        if (!(result as JsonResult).errors?.length) await keys.recordFinished(run.claim, storable(result as JsonResult)).catch(storeFailed);
      } else if (state === "taken") {
        // A concurrent request with the same key committed first: answer as a retry would be answered.
        const found = await keys.find(run.claim.actorKey, run.claim.key);
        if (found) setResult(await answerRecorded(found, run.claim) as never);
      }
    },
  };
}
