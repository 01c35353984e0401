// graphql-jit for the storefront's reads (issue 12): a document answered wholly from storefront rows
// and plain objects (graphql/nodes/storefront.ts, answeredFromStorefrontRows) runs as a compiled
// query, compiled once per parsed document (Yoga caches those by their text); everything else runs on
// graphql-js as before. Not for the prisma-plugin's resolvers: they find their selections by
// `info.path`, which graphql-jit builds anew for every call, so each relation would fall back to a
// query of its own.
//
// A plugin of our own rather than @envelop/graphql-jit, for two things that one does not do: a
// request graphql-jit refuses before executing (variables that do not coerce) runs on the standard
// executor, so its error and its 400 are the same as without jit; and graphql-jit's errors (read-only
// extensions, their own class) become graphql-js errors, which the error mask and the logs expect.
import { GraphQLError, type DocumentNode, type ExecutionArgs, type ExecutionResult } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import type { Plugin } from "graphql-yoga";
import { answeredFromStorefrontRows } from "../graphql/nodes/storefront.js";

/** Per parsed document: its compiled query, or null when graphql-jit is not for it. */
const compiled = new WeakMap<DocumentNode, CompiledQuery | null>();
/** Per parsed document: whether graphql-jit is for it. */
const decided = new WeakMap<DocumentNode, boolean>();

/**
 * Whether graphql-jit runs this execution: a document with one operation (one compiled query per
 * document) that the storefront's statements answer alone.
 */
export function jitEnabledFor(args: Pick<ExecutionArgs, "document" | "operationName">): boolean {
  let yes = decided.get(args.document);
  if (yes === undefined) {
    const operations = args.document.definitions.filter((d) => d.kind === "OperationDefinition");
    yes = operations.length === 1 && answeredFromStorefrontRows(args.document, args.operationName);
    decided.set(args.document, yes);
  }
  return yes;
}

function compiledFor(args: ExecutionArgs): CompiledQuery | null {
  let c = compiled.get(args.document);
  if (c === undefined) {
    const result = jitEnabledFor(args) ? compileQuery(args.schema, args.document, args.operationName ?? undefined) : null;
    c = result && isCompiledQuery(result) ? result : null;
    compiled.set(args.document, c);
  }
  return c;
}

/** graphql-jit's error as graphql-js' own (same message, path, locations, extensions, original error). */
function asGraphQLJsError(e: GraphQLError): GraphQLError {
  const copy = new GraphQLError(e.message, { path: e.path, originalError: e.originalError, extensions: e.extensions });
  (copy as { locations: GraphQLError["locations"] }).locations = e.locations;
  return copy;
}

/** Executions by engine since start (tests, and the benchmark's findings). */
export const jitExecutions = { jit: 0, graphqlJs: 0 };

export function useStorefrontJit(): Plugin {
  const execute = async (args: ExecutionArgs, standard: (a: ExecutionArgs) => unknown) => {
    // The document as executed: the response cache adds its aliases (ids, typenames) to it first.
    const query = compiledFor(args);
    if (!query) return standard(args);
    const result = (await query.query(args.rootValue, args.contextValue, args.variableValues ?? {})) as ExecutionResult;
    // Refused before executing (variables): the standard executor answers, with its errors.
    if (result.data === undefined && result.errors?.length) return standard(args);
    return result.errors?.length ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  };
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (!jitEnabledFor(args)) {
        jitExecutions.graphqlJs++;
        return;
      }
      jitExecutions.jit++;
      setExecuteFn((a: ExecutionArgs) => execute(a, executeFn));
    },
  };
}
