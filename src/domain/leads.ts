// Leads (R-LEAD-1): a partner sends the program a deal; staff triage it; the win rate counts toward tiers.
import { allow, refuse, type Decision } from "./decision.js";
import { checkEmail, checkText, refuseFields, type FieldDecision, type FieldError } from "./fields.js";

export type LeadStatus = "NEW" | "ACCEPTED" | "WON" | "LOST" | "REJECTED";

/** Field sizes match the database columns. */
export const LEAD_LIMITS = {
  companyMax: 200,
  contactNameMax: 120,
  contactEmailMax: 254,
  detailsMax: 4000,
  triageNoteMax: 2000,
} as const;

export interface LeadInput {
  readonly company: string;
  readonly contactName: string;
  readonly contactEmail: string;
  readonly details: string;
}

/** R-LEAD-1: company, contact and details are required, within their sizes; the e-mail must be valid. */
export function validateLead(input: LeadInput): FieldDecision<LeadInput> {
  const errors: FieldError[] = [];
  const company = checkText(errors, "company", input.company, { min: 1, max: LEAD_LIMITS.companyMax });
  const contactName = checkText(errors, "contactName", input.contactName, { min: 1, max: LEAD_LIMITS.contactNameMax });
  const contactEmail = checkEmail(errors, "contactEmail", input.contactEmail, true);
  const details = checkText(errors, "details", input.details, { min: 1, max: LEAD_LIMITS.detailsMax });
  if (errors.length > 0 || company === null || contactName === null || contactEmail === null || details === null) {
    return refuseFields(
      "R-LEAD-1",
      "The lead is not complete.",
      errors,
      `Give the company (≤ ${LEAD_LIMITS.companyMax} characters), the contact's name (≤ ${LEAD_LIMITS.contactNameMax}) and a valid e-mail, and the deal's details (≤ ${LEAD_LIMITS.detailsMax}).`,
    );
  }
  return { ok: true, value: { company, contactName, contactEmail, details } };
}

/** NEW -> ACCEPTED | REJECTED; ACCEPTED -> WON | LOST; the rest are final. */
export const LEAD_TRANSITIONS: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  NEW: ["ACCEPTED", "REJECTED"],
  ACCEPTED: ["WON", "LOST"],
  WON: [],
  LOST: [],
  REJECTED: [],
};

/** R-LEAD-1: staff triage a lead; other moves are refused naming the current and allowed states. */
export function triageLead(current: LeadStatus, next: LeadStatus, note?: string | null): Decision<{ readonly status: LeadStatus; readonly triageNote: string | null }> {
  const allowed = LEAD_TRANSITIONS[current];
  if (!allowed.includes(next)) {
    return refuse({
      rule: "R-LEAD-1",
      message:
        allowed.length === 0
          ? `The lead is already ${current}; its triage is final.`
          : `A lead that is ${current} cannot become ${next}; it can only become ${allowed.join(" or ")}.`,
      missing: [`a lead in a state that can become ${next}`],
      toSatisfy: allowed.length === 0 ? "Nothing more to triage on this lead." : `Move the lead to ${allowed.join(" or ")}.`,
      currentState: current,
      allowed,
    });
  }
  const triageNote = note?.trim() ? note.trim() : null;
  if (triageNote !== null && [...triageNote].length > LEAD_LIMITS.triageNoteMax) {
    return refuse({
      rule: "R-LEAD-1",
      message: `A triage note is limited to ${LEAD_LIMITS.triageNoteMax} characters.`,
      missing: [`a triage note of at most ${LEAD_LIMITS.triageNoteMax} characters (has ${[...triageNote].length})`],
      toSatisfy: "Shorten the triage note.",
    });
  }
  return allow({ status: next, triageNote });
}

/** R-LEAD-1 / R-TIER-7: won / (won + lost); null when no lead has been decided. Filter by period first. */
export function winRate(leads: readonly { readonly status: LeadStatus }[]): number | null {
  let won = 0;
  let lost = 0;
  for (const lead of leads) {
    if (lead.status === "WON") won++;
    else if (lead.status === "LOST") lost++;
  }
  return won + lost === 0 ? null : won / (won + lost);
}
