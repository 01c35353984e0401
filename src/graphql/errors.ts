// Typed errors returned in mutation results (@pothos/plugin-errors). A refused action changes nothing.
import type { Refusal } from "../domain/decision.js";

export class ProgramError extends Error {}

/** A program rule refused the action (R-ERR-1). */
export class RuleViolation extends ProgramError {
  readonly rule: string;
  readonly missing: readonly string[];
  readonly toSatisfy: string;
  readonly currentState: string | null;
  readonly allowed: readonly string[] | null;
  constructor(r: Refusal) {
    super(r.message);
    this.rule = r.rule;
    this.missing = r.missing;
    this.toSatisfy = r.toSatisfy;
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

export class Forbidden extends ProgramError {}

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export class InvalidInput extends ProgramError {
  constructor(readonly problems: readonly FieldProblem[], readonly rule: string | null = null) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join("; ") || "invalid input");
  }
}

/** Someone else changed the same thing first; re-read and try again. */
export class Conflict extends ProgramError {}
