// The shape every program rule answers in: allowed, or a refusal that names the rule (R-ERR-1).
// Plain TypeScript: no GraphQL, no database. Rules take facts (and an as-of date where time
// matters) and never read the clock themselves.

/** A rule id from shared/domain/RULES.md, e.g. "R-LIST-2". */
export type RuleId = `R-${string}-${number}`;

export interface Refusal {
  readonly rule: RuleId;
  /** One sentence a partner or staff member can read. */
  readonly message: string;
  /** What is missing, one item per unmet condition. */
  readonly missing: readonly string[];
  /** What would satisfy the rule. */
  readonly toSatisfy: string;
  /** A rule this one leans on, where it helps to name it (R-USE-4 asks for R-APP-2 again). */
  readonly relatedRule?: RuleId;
  /** For state-machine refusals: the current state and the allowed next ones. */
  readonly currentState?: string;
  readonly allowed?: readonly string[];
}

export type Decision<T = true> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly refusal: Refusal };

export const allow = <T = true>(value?: T): Decision<T> => ({ ok: true, value: (value ?? true) as T });

export const refuse = (refusal: Refusal): Decision<never> => ({ ok: false, refusal });

/** The first refusal among several decisions, or allow. */
export function firstRefusal(...decisions: Decision<unknown>[]): Decision {
  for (const d of decisions) if (!d.ok) return d;
  return allow();
}
