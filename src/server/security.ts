// Hostile queries stopped before any resolver runs: GraphQL Armor's limits (depth, aliases,
// directives, tokens, cost, no field suggestions), reserved "__" operation and fragment names (the
// known way around introspection exemptions), page sizes, the nodes nested connections could return, CSRF prevention, and rate limits on
// mutations and on the public contact form. Each limit is configurable (src/config.ts).
import type { IncomingMessage } from "node:http";
import { blockFieldSuggestionsPlugin } from "@escape.tech/graphql-armor-block-field-suggestions";
import { costLimitPlugin } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesPlugin } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import {
  GraphQLError, Kind, getNamedType, isInterfaceType, isObjectType, visit,
  type ASTVisitor, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLNamedType, type GraphQLSchema,
  type OperationDefinitionNode, type SelectionSetNode, type ValidationContext, type ValueNode,
} from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";
import type { Limits } from "../config.js";
import { DEFAULT_PAGE_SIZE } from "../domain/storefront.js";
import type { RateLimiter } from "./rate-limit.js";

/** Browsers must send this header (or a non-simple content type) for a request to be accepted. */
export const CSRF_HEADER = "x-graphql-csrf";

function rejectReservedNames(context: ValidationContext): ASTVisitor {
  const check = (name: string | undefined, what: string) => {
    if (name?.startsWith("__")) {
      context.reportError(new GraphQLError(`${what} names starting with "__" are reserved for introspection: rename "${name}"`));
    }
  };
  return {
    OperationDefinition: (node) => check(node.name?.value, "Operation"),
    FragmentDefinition: (node) => check(node.name.value, "Fragment"),
  };
}

/** A `first`/`last` argument's number, given literally or in a variable; NaN when it has none. */
function pageArgument(value: ValueNode | undefined, variables: Record<string, unknown> | null | undefined): number {
  return value?.kind === Kind.INT ? Number(value.value) : value?.kind === Kind.VARIABLE ? Number(variables?.[value.name.value] ?? NaN) : NaN;
}

/** `first`/`last` larger than the page-size limit, as literals or variables. */
function oversizePage(document: DocumentNode, variables: Record<string, unknown> | null | undefined, max: number): string | null {
  let found: string | null = null;
  visit(document, {
    Argument(node) {
      if (found || (node.name.value !== "first" && node.name.value !== "last")) return;
      const n = pageArgument(node.value, variables);
      if (Number.isFinite(n) && n > max) found = `${node.name.value}: ${n}`;
    },
  });
  return found;
}

/**
 * The most nodes an operation could return from its connections: each connection's page size
 * (`first`/`last`, literal or variable, else the default) multiplied by the page sizes of the
 * connections it is nested in, summed over every connection of the operation, through fragments
 * (GitHub's node limit). A connection is a field that takes both `first` and `last`.
 */
export function connectionNodes(schema: GraphQLSchema, document: DocumentNode, op: OperationDefinitionNode, variables: Record<string, unknown> | null | undefined): number {
  const fragments = new Map(document.definitions
    .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
    .map((f) => [f.name.value, f]));
  const pageOf = (field: FieldNode) => {
    for (const name of ["first", "last"]) {
      const n = pageArgument(field.arguments?.find((a) => a.name.value === name)?.value, variables);
      if (Number.isFinite(n)) return Math.max(n, 0);
    }
    // Neither given: the default page, the storefront's and the relay plugin's alike.
    return DEFAULT_PAGE_SIZE;
  };
  // `seen` guards against a fragment cycle (validation refuses one before this runs).
  const walk = (type: GraphQLNamedType | undefined, set: SelectionSetNode, multiplier: number, seen: ReadonlySet<string>): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const def = type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields()[sel.name.value] : undefined;
        if (!def) continue;
        let m = multiplier;
        if (def.args.some((a) => a.name === "first") && def.args.some((a) => a.name === "last")) {
          m = multiplier * pageOf(sel);
          total += m;
        }
        if (sel.selectionSet) total += walk(getNamedType(def.type), sel.selectionSet, m, seen);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        total += walk(sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type, sel.selectionSet, multiplier, seen);
      } else {
        const f = fragments.get(sel.name.value);
        if (!f || seen.has(f.name.value)) continue;
        total += walk(schema.getType(f.typeCondition.name.value), f.selectionSet, multiplier, new Set([...seen, f.name.value]));
      }
    }
    return total;
  };
  const root = op.operation === "query" ? schema.getQueryType() : op.operation === "mutation" ? schema.getMutationType() : schema.getSubscriptionType();
  return walk(root ?? undefined, op.selectionSet, 1, new Set());
}

const limitError = (message: string, code: string, status = 400) =>
  createGraphQLError(message, { extensions: { code, http: { status } } });

export function securityPlugins(limits: Limits, rateLimiter: RateLimiter): Plugin[] {
  const armor = { exposeLimits: true, propagateOnRejection: true };
  return [
    useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }) as Plugin,
    maxTokensPlugin({ ...armor, n: limits.maxTokens }) as Plugin,
    maxDepthPlugin({ ...armor, n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true }) as Plugin,
    maxAliasesPlugin({ ...armor, n: limits.maxAliases }) as Plugin,
    maxDirectivesPlugin({ ...armor, n: limits.maxDirectives }) as Plugin,
    costLimitPlugin({ ...armor, maxCost: limits.maxCost, ignoreIntrospection: true }) as Plugin,
    blockFieldSuggestionsPlugin() as Plugin,
    {
      onValidate({ addValidationRule }) {
        addValidationRule(rejectReservedNames);
      },
      async onExecute({ args, setResultAndStopExecution }) {
        const document = args.document as DocumentNode;
        const page = oversizePage(document, args.variableValues as Record<string, unknown> | undefined, limits.maxPageSize);
        if (page) {
          setResultAndStopExecution({ errors: [limitError(`Page size ${page} exceeds the limit of ${limits.maxPageSize}`, "PAGE_SIZE_LIMIT")] });
          return;
        }
        const op = document.definitions.find(
          (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!args.operationName || d.name?.value === args.operationName),
        );
        const nodes = op ? connectionNodes(args.schema, document, op, args.variableValues as Record<string, unknown> | undefined) : 0;
        if (nodes > limits.maxNodes) {
          setResultAndStopExecution({
            errors: [limitError(
              `This query could return up to ${nodes} nodes (each connection's first/last times those of the connections it is nested in); the limit is ${limits.maxNodes}: ask for smaller pages or fewer nested connections`,
              "NODE_LIMIT",
            )],
          });
          return;
        }
        if (op?.operation !== "mutation") return;
        const ctx = args.contextValue as { viewer?: { kind: string; memberId?: string; staffId?: string }; req?: IncomingMessage };
        const v = ctx.viewer;
        const address = ctx.req?.socket.remoteAddress ?? "unknown";
        const who = v?.kind === "partner" ? `member:${v.memberId}` : v?.kind === "staff" ? `staff:${v.staffId}` : `addr:${address}`;
        const fields: string[] = op.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
        const checks = [rateLimiter.take(`mutation:${who}`, limits.mutationsPerMinute)];
        // The contact form is open to anyone: limited per address, whoever is signed in.
        const inquiries = fields.filter((f) => f === "sendInquiry").length;
        for (let i = 0; i < inquiries; i++) checks.push(rateLimiter.take(`inquiry:${address}`, limits.inquiriesPerMinute));
        const results = await Promise.all(checks);
        const blocked = results.find((r) => !r.allowed);
        if (blocked) {
          setResultAndStopExecution({
            errors: [limitError(`Too many requests: try again in ${Math.ceil(blocked.retryAfterMs / 1000)} s`, "RATE_LIMITED", 429)],
          });
        }
      },
    },
  ];
}
