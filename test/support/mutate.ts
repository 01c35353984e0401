// Calls a mutation (or a Partner field with typed errors) and returns either its data or its typed
// error, so tests read like the journey.
import { expect } from "vitest";
import type { TestService } from "./harness.js";

export const ERROR_FIELDS = `... on Error { __typename message }
  ... on RuleViolation { rule missing toSatisfy relatedRule currentState allowed }
  ... on InvalidInput { problems { field message } relatedRule }
  ... on NotFound { what }`;

export interface Outcome<T = any> {
  data?: T;
  error?: { __typename: string; message: string; rule?: string; missing?: string[]; toSatisfy?: string; currentState?: string | null; allowed?: string[] | null; problems?: { field: string; message: string }[]; relatedRule?: string | null };
}

/**
 * Calls a field whose result is a success-or-typed-error union (a mutation, or a Partner field such as
 * tierProgress) and splits success from the typed error. `wrap` nests the field (e.g. inside `partner(id:)`).
 */
export async function call<T = any>(t: TestService, token: string | undefined, op: "mutation" | "query", varDefs: string, field: string, selection: string, variables: Record<string, unknown> = {}, wrap?: (inner: string) => string): Promise<Outcome<T>> {
  const inner = `result: ${field} { __typename ... on ${successName(field, op)} { data ${selection} } ${ERROR_FIELDS} }`;
  const r = await t.gql(`${op}${varDefs ? `(${varDefs})` : ""} { ${wrap ? wrap(inner) : inner} }`, variables, token);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  let result = r.data;
  while (result && !("result" in result)) result = Object.values(result)[0];
  const value = result.result;
  return value.__typename.endsWith("Success") ? { data: value.data } : { error: value };
}

function successName(field: string, op: "mutation" | "query") {
  const name = field.split("(")[0]!.trim();
  const cap = name[0]!.toUpperCase() + name.slice(1);
  return op === "mutation" ? `Mutation${cap}Success` : `Partner${cap}Success`;
}

/** `field(args)` as a mutation; `selection` picks fields of the success data; variables typed by name (`content`) or String. */
export function mutate<T = any>(t: TestService, token: string | undefined, field: string, selection: string, variables: Record<string, unknown> = {}): Promise<Outcome<T>> {
  const varDefs = Object.entries(variables).map(([k, v]) => `$${k}: ${typeOf(k, v)}`).join(", ");
  return call<T>(t, token, "mutation", varDefs, field, selection, variables);
}

const typeOf = (name: string, _v: unknown) => {
  const types: Record<string, string> = { content: "ListingContentInput!" };
  return types[name] ?? "String";
};

export function expectRefusal(o: Outcome, rule: string) {
  expect(o.error, `expected a refusal naming ${rule}, got ${JSON.stringify(o)}`).toBeDefined();
  expect(o.error!.rule).toBe(rule);
  expect(o.error!.message.length).toBeGreaterThan(0);
  return o.error!;
}

/** A refusal naming `rule` as the rule that failed or as its related gate rule. */
export function refusal(o: Outcome, rule: string) {
  expect(o.error, `expected a refusal naming ${rule}, got ${JSON.stringify(o)}`).toBeDefined();
  expect(o.error!.rule ?? o.error!.relatedRule).toBe(rule);
  return o.error!;
}

export function ok<T>(o: Outcome<T>): T {
  expect(o.error, JSON.stringify(o.error)).toBeUndefined();
  return o.data as T;
}

export const content = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  tagline: `${name} for builders`.slice(0, 40),
  summary: `${name} keeps project data in sync between the platform and your tools. `.repeat(4),
  howItWorks: "Install, sign in, pick projects.",
  features: ["Two-way sync", "Audit trail"],
  categories: ["analytics"],
  contactKind: "CONTACT_FORM",
  contactEmail: "sales@example.com",
  websiteUrl: "https://example.com",
  ...extra,
});
