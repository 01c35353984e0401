// The program's refusals: what a use case throws when it will not act. A refused action changes
// nothing (its transaction rolls back). The GraphQL layer maps each to an error type
// (src/graphql/error-types.ts, @pothos/plugin-errors); the CLIs print them.
import type { Refusal } from "../domain/decision.js";
import type { FieldError } from "../domain/fields.js";

export class ProgramError extends Error {}

/** A program rule refused the action (R-ERR-1). */
export class RuleViolation extends ProgramError {
  readonly rule: string;
  readonly missing: readonly string[];
  readonly toSatisfy: string;
  readonly relatedRule: string | null;
  readonly currentState: string | null;
  readonly allowed: readonly string[] | null;
  constructor(r: Refusal) {
    super(r.message);
    this.rule = r.rule;
    this.missing = r.missing;
    this.toSatisfy = r.toSatisfy;
    this.relatedRule = r.relatedRule ?? null;
    this.currentState = r.currentState ?? null;
    this.allowed = r.allowed ?? null;
  }
}

/** Unknown id, or an object the viewer may not see (answered the same way: nothing leaks). */
export class NotFound extends ProgramError {
  constructor(readonly what: string) {
    super(`${what} not found`);
  }
}

/** The viewer may see the object but may not do this to it. */
export class Forbidden extends ProgramError {}

/** Input that cannot be accepted, every problem by field (and the rule it falls under, if any). */
export class InvalidInput extends ProgramError {
  constructor(readonly problems: readonly FieldError[], readonly rule: string | null = null) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join("; ") || "invalid input");
  }
}

/** Someone else changed the same thing first; re-read and try again. */
export class Conflict extends ProgramError {}

/** Throws InvalidInput listing every problem, when there is one. */
export function rejectFieldErrors(problems: readonly FieldError[], rule: string | null = null): void {
  if (problems.length) throw new InvalidInput(problems, rule);
}
