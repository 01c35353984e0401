// Calls a mutation and returns either its data or its typed error, so tests read like the journey.
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

/** `field(args) { ... }` inside a mutation; `selection` picks fields of the success data. */
export async function mutate<T = any>(t: TestService, token: string | undefined, call: string, selection: string, variables: Record<string, unknown> = {}): Promise<Outcome<T>> {
  const varDefs = Object.keys(variables).length
    ? `(${Object.entries(variables).map(([k, v]) => `$${k}: ${typeOf(k, v)}`).join(", ")})`
    : "";
  const field = call.split("(")[0]!;
  const data = selection ? `data ${selection}` : "data";
  const r = await t.gql(`mutation${varDefs} { result: ${call} { __typename ... on Mutation${field[0]!.toUpperCase()}${field.slice(1)}Success { ${data} } ${ERROR_FIELDS} } }`, variables, token);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  const result = r.data.result;
  if (result.__typename.endsWith("Success")) return { data: result.data };
  return { error: result };
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
