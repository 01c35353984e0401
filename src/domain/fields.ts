// Field-level input checks shared by every rule that takes text from people (apps, listings,
// leads, inquiries, partners, members, tokens): one error per field, lengths in characters.
import type { Refusal, RuleId } from "./decision.js";

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** A refusal of invalid input: the rule, plus one error per field (for GraphQL InvalidInput). */
export interface FieldRefusal extends Refusal {
  readonly fieldErrors: readonly FieldError[];
}

/** Like Decision, but a refusal carries field errors; assignable to Decision<T>. */
export type FieldDecision<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: FieldRefusal };

export function refuseFields(rule: RuleId, message: string, errors: readonly FieldError[], toSatisfy: string): FieldDecision<never> {
  return {
    ok: false,
    refusal: { rule, message, missing: errors.map((e) => `${e.field}: ${e.message}`), toSatisfy, fieldErrors: errors },
  };
}

/** Length in characters (code points), as the database's VarChar counts them. */
export const textLength = (s: string): number => [...s].length;

export const EMAIL_MAX = 254;
/** Longest URL accepted anywhere (links, websites, screenshots). */
export const URL_MAX = 2048;
// The WHATWG HTML e-mail grammar, requiring a dot in the domain (a sales inbox is never on a bare host).
const EMAIL_PATTERN =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isValidEmail(value: string): boolean {
  return textLength(value) <= EMAIL_MAX && EMAIL_PATTERN.test(value) && (value.split("@")[0]?.length ?? 0) <= 64;
}

/** Checks a required/optional text field; returns the trimmed value (or null when optional and empty). */
export function checkText(
  errors: FieldError[],
  field: string,
  value: string | null | undefined,
  limits: { readonly min?: number; readonly max: number },
): string | null {
  const text = (value ?? "").trim();
  const min = limits.min ?? 0;
  if (text === "") {
    if (min > 0) errors.push({ field, message: "is required" });
    return null;
  }
  const length = textLength(text);
  if (length < min) errors.push({ field, message: `must be at least ${min} characters (has ${length})` });
  else if (length > limits.max) errors.push({ field, message: `must be at most ${limits.max} characters (has ${length})` });
  return text;
}

/** Checks an e-mail field; returns the trimmed value (or null when optional and empty). */
export function checkEmail(errors: FieldError[], field: string, value: string | null | undefined, required: boolean): string | null {
  const text = (value ?? "").trim();
  if (text === "") {
    if (required) errors.push({ field, message: "is required" });
    return null;
  }
  if (textLength(text) > EMAIL_MAX) errors.push({ field, message: `must be at most ${EMAIL_MAX} characters (has ${textLength(text)})` });
  else if (!isValidEmail(text)) errors.push({ field, message: `"${text}" is not a valid e-mail address` });
  return text;
}

/** Checks an http(s) URL field; returns the trimmed value (or null when empty). */
export function checkHttpUrl(errors: FieldError[], field: string, value: string | null | undefined, maxLength: number): string | null {
  const text = (value ?? "").trim();
  if (text === "") return null;
  if (textLength(text) > maxLength) {
    errors.push({ field, message: `must be at most ${maxLength} characters (has ${textLength(text)})` });
    return text;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    errors.push({ field, message: `"${text}" is not a valid URL` });
    return text;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") errors.push({ field, message: `must be an http(s) URL (got ${url.protocol.replace(/:$/, "")})` });
  else if (url.hostname === "") errors.push({ field, message: "must name a host" });
  return text;
}
