// R-TIME-1: facts that reached the program outside the API (a lead sent by e-mail, an inquiry answered
// by phone) are recorded by staff with their real dates, so a program moving onto this system brings
// its year's history to the first assessment. Their dates are never in the program's future and never
// before the partner joined; a later date (an answer, a decision) never comes before the fact itself.
import type { FieldError } from "./fields.js";
import { isoDate } from "./dates.js";

export interface RecordedDates {
  /** When the fact reached the program. */
  readonly receivedAt: Date;
  /** When it was answered or decided, if it was. */
  readonly closedAt?: { readonly field: string; readonly at: Date } | null;
}

/** R-TIME-1: field errors for recorded dates outside [the partner's joining, the program's now]. */
export function recordedDateProblems(dates: RecordedDates, bounds: { readonly now: Date; readonly partnerJoinedAt: Date }): FieldError[] {
  const problems: FieldError[] = [];
  const check = (field: string, at: Date, after: { at: Date; what: string }) => {
    if (Number.isNaN(at.getTime())) problems.push({ field, message: "is not a date" });
    else if (at.getTime() > bounds.now.getTime()) problems.push({ field, message: `is in the future (the program's now is ${bounds.now.toISOString()})` });
    else if (at.getTime() < after.at.getTime()) problems.push({ field, message: `is before ${after.what} (${isoDate(after.at)})` });
  };
  check("receivedAt", dates.receivedAt, { at: bounds.partnerJoinedAt, what: "the partner joined the program" });
  if (dates.closedAt) check(dates.closedAt.field, dates.closedAt.at, { at: dates.receivedAt, what: "receivedAt" });
  return problems;
}
