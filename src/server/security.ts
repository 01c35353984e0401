// Hostile queries stopped before any resolver runs: GraphQL Armor's limits (depth, aliases,
// directives, tokens, cost, no field suggestions), reserved "__" operation and fragment names (the
// known way around introspection exemptions), page sizes, CSRF prevention, and rate limits on
// mutations and on the public contact form. Each limit is configurable (src/config.ts).
import type { IncomingMessage } from "node:http";
import { blockFieldSuggestionsPlugin } from "@escape.tech/graphql-armor-block-field-suggestions";
import { costLimitPlugin } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesPlugin } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { GraphQLError, Kind, visit, type DocumentNode, type OperationDefinitionNode, type ValidationContext, type ASTVisitor } from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";
import type { Limits } from "../config.js";
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

/** `first`/`last` larger than the page-size limit, as literals or variables. */
function oversizePage(document: DocumentNode, variables: Record<string, unknown> | null | undefined, max: number): string | null {
  let found: string | null = null;
  visit(document, {
    Argument(node) {
      if (found || (node.name.value !== "first" && node.name.value !== "last")) return;
      const v = node.value;
      const n = v.kind === Kind.INT ? Number(v.value) : v.kind === Kind.VARIABLE ? Number(variables?.[v.name.value]) : NaN;
      if (Number.isFinite(n) && n > max) found = `${node.name.value}: ${n}`;
    },
  });
  return found;
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
