// The Pothos builder: plugins, scalars, context and auth scopes. No domain types here.
import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import { GraphQLError, GraphQLScalarType } from "graphql";
import { BigIntResolver, DateResolver, DateTimeResolver, JSONResolver } from "graphql-scalars";
import type PrismaTypes from "../generated/pothos-types.js";
import { getDatamodel } from "../generated/pothos-types.js";
import type { Context } from "./context.js";
import "./storefront-rows.js";
import { Conflict, Forbidden, InvalidInput, NotFound, RuleViolation } from "../program/refusals.js";
import { whoMay } from "./access.js";
import { decodeGlobalId, requireNodeType } from "./ids.js";
import { canSeePartnerPrivate, canSeePartnerWork } from "../program/visibility.js";

export interface AuthScopes {
  /** Anyone, including unauthenticated visitors. */
  public: boolean;
  authenticated: boolean;
  /** Program staff (tiers, invitations, delisting, usage import, policy). */
  programStaff: boolean;
  integrationManager: boolean;
  anyStaff: boolean;
  partner: boolean;
  partnerAdmin: boolean;
  fedrampCleared: boolean;
  /** Staff, or a member of this partner: the partner's work with the program (apps, validations, listings). */
  ownPartner: string;
  /** Program staff, or a member of this partner: its private records (leads, inquiries, members, tiers...). */
  partnerPrivate: string;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: AuthScopes;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: Date; Output: Date };
    BigInt: { Input: bigint; Output: bigint | number | string };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string | number | bigint };
  };
}>({
  // The errors plugin wraps scope-auth, so a mutation refused by its scopes answers a typed Forbidden.
  // Storefront rows are read inside scope-auth and before Prisma (storefront-rows.ts).
  plugins: [ErrorsPlugin, ScopeAuthPlugin, "storefrontRows", PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    // A mutation (its result is a union with the typed errors) answers a Forbidden that says who may make
    // it and why; a refused read stays scope-auth's FORBIDDEN error ("Not authorized to resolve …").
    unauthorizedError: (_parent, _context, info, result) => {
      if (info.parentType.name !== "Mutation") return result.message;
      const field = info.parentType.getFields()[info.fieldName];
      const failure = result.failure as { scope?: string };
      return new Forbidden(whoMay(field?.extensions, failure.scope));
    },
    authScopes: (ctx) => {
      const v = ctx.viewer;
      return {
        public: true,
        authenticated: v.kind !== "public",
        programStaff: v.kind === "staff" && v.role === "PROGRAM_STAFF",
        integrationManager: v.kind === "staff" && v.role === "INTEGRATION_MANAGER",
        anyStaff: v.kind === "staff",
        partner: v.kind === "partner",
        partnerAdmin: v.kind === "partner" && v.role === "ADMIN",
        fedrampCleared: v.fedrampCleared,
        ownPartner: (partnerId: string) => canSeePartnerWork(v, partnerId),
        partnerPrivate: (partnerId: string) => canSeePartnerPrivate(v, partnerId),
      };
    },
  },
  // Mutations return typed errors (a union per field); anything else is an unexpected, masked error.
  errors: { defaultTypes: [RuleViolation, NotFound, Forbidden, InvalidInput, Conflict] },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    // An N+1 is a failing test, not a slow page.
    onUnusedQuery: process.env.NODE_ENV === "production" ? null : "error",
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    // A string that is no global id is the client's mistake: a BAD_USER_INPUT error, never a bare one.
    decodeGlobalID: (globalId) => decodeGlobalId(globalId),
    nodeQueryOptions: {
      resolve: (_root, { id }, _ctx, info, resolveNode) => {
        requireNodeType(id, info.schema);
        return resolveNode(id);
      },
    },
    nodesQueryOptions: {
      resolve: (_root, { ids }, _ctx, info, resolveNodes) => {
        for (const id of ids) requireNodeType(id, info.schema);
        return resolveNodes(ids);
      },
    },
  },
});

builder.addScalarType("DateTime", DateTimeResolver);
builder.addScalarType("Date", DateResolver);
// graphql-scalars' BigInt throws a plain SyntaxError/RangeError on "abc" or 1.5, which Yoga masks as an
// unexpected error; a value the client got wrong is a bad-input error that names the problem.
const userInput = <T>(parse: () => T): T => {
  try {
    return parse();
  } catch (err) {
    if (err instanceof GraphQLError) throw err;
    throw new GraphQLError(`BigInt cannot represent this value: ${(err as Error).message}`, { extensions: { code: "BAD_USER_INPUT" } });
  }
};
// Its conversions also print a notice on the console (BigInt has no toJSON here), which would break the
// server's JSON log lines; the same conversions without it: integers in the safe range as numbers, others
// as bigint in and a string out.
const isSafe = (b: bigint) => b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER);
const wholeNumber = (text: string): number | bigint => {
  const b = BigInt(text);
  if (b.toString() !== text) throw new GraphQLError(`BigInt cannot represent value: ${text}`, { extensions: { code: "BAD_USER_INPUT" } });
  return isSafe(b) ? Number(b) : b;
};
builder.addScalarType("BigInt", new GraphQLScalarType({
  ...BigIntResolver.toConfig(),
  serialize: (value) => (typeof value === "bigint" ? (isSafe(value) ? Number(value) : value.toString()) : BigIntResolver.serialize(value)),
  parseValue: (value) => userInput(() => wholeNumber((value as { toString(): string }).toString())),
  parseLiteral: (ast) => userInput(() => {
    if (!("value" in ast)) throw new GraphQLError("BigInt cannot represent a non-integer value", { extensions: { code: "BAD_USER_INPUT" } });
    return wholeNumber(String(ast.value));
  }),
}));
builder.addScalarType("JSON", JSONResolver);

builder.queryType({});
builder.mutationType({});

