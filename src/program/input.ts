// Checks on free-text input the rules do not cover (names, emails): clear field errors, never a
// database "value too long".
import { InvalidInput, type FieldProblem } from "../graphql/errors.js";
import { isValidEmail, textLength } from "../domain/listings.js";

export class InputCheck {
  readonly problems: FieldProblem[] = [];
  text(field: string, value: string | null | undefined, opts: { max: number; min?: number; required?: boolean }): string {
    const v = (value ?? "").trim();
    if (!v) {
      if (opts.required !== false) this.problems.push({ field, message: "is required" });
      return v;
    }
    if (textLength(v) > opts.max) this.problems.push({ field, message: `must be at most ${opts.max} characters (has ${textLength(v)})` });
    else if (opts.min && textLength(v) < opts.min) this.problems.push({ field, message: `must be at least ${opts.min} characters` });
    return v;
  }
  email(field: string, value: string | null | undefined): string {
    const v = this.text(field, value, { max: 254 });
    if (v && !isValidEmail(v)) this.problems.push({ field, message: "is not a valid email address" });
    return v.toLowerCase();
  }
  url(field: string, value: string | null | undefined): string | null {
    const v = (value ?? "").trim();
    if (!v) return null;
    let ok = false;
    try {
      ok = ["http:", "https:"].includes(new URL(v).protocol);
    } catch {
      ok = false;
    }
    if (!ok || v.length > 2048) this.problems.push({ field, message: "must be an http(s) URL of at most 2048 characters" });
    return v;
  }
  /** Throws InvalidInput listing every problem, when there is one. */
  done(rule: string | null = null): void {
    if (this.problems.length) throw new InvalidInput(this.problems, rule);
  }
}

export function slugify(name: string): string {
  return name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "partner";
}
