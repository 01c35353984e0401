// Who may act on what. An object the viewer may not see (visibility.ts: another partner's, a
// FedRAMP one without clearance, a lead to an integration manager) is reported as not found,
// exactly like an unknown id, so nothing leaks; one it may see but may not act on is forbidden.
import type { Viewer } from "../auth/viewer.js";
import type { Decision } from "../domain/decision.js";
import { Forbidden, InvalidInput, NotFound, RuleViolation } from "./refusals.js";
import type { FieldDecision } from "../domain/fields.js";
import type { Marketplace } from "../domain/listings/marketplaces.js";

export type PartnerViewer = Extract<Viewer, { kind: "partner" }>;
export type StaffViewer = Extract<Viewer, { kind: "staff" }>;

/** The viewer acts for this partner (staff are not partners: they get their own mutations). */
export function requirePartnerOf(viewer: Viewer, partnerId: string, what: string): PartnerViewer {
  if (viewer.kind === "partner" && viewer.partnerId === partnerId) return viewer;
  if (viewer.kind === "staff") throw new Forbidden(`only members of the partner can do this to its ${what}`);
  throw new NotFound(what);
}

/**
 * A person who is an admin of the partner (RULES, "Actors": only an admin signs agreements and
 * manages members). An API token acts for the partner's systems, never as an admin: it cannot sign,
 * manage members, or create and revoke API tokens (it could otherwise outlive its own revocation).
 */
export function requirePartnerAdmin(viewer: Viewer, partnerId: string, what: string): PartnerViewer {
  const v = requirePartnerOf(viewer, partnerId, what);
  if (v.apiTokenId) throw new Forbidden("an API token cannot do this: only a partner admin, signed in as a person, can");
  if (v.role !== "ADMIN") throw new Forbidden("only a partner admin can do this");
  return v;
}

/** Checked before who may act: an object the viewer may not see is not found, like an unknown id. */
export function requireVisible(visible: boolean, what: string): void {
  if (!visible) throw new NotFound(what);
}

/** Choosing the FedRAMP marketplace for something new (nothing existing to hide) needs clearance. */
export function requireClearanceFor(viewer: Viewer, marketplace: Marketplace): void {
  if (marketplace === "FEDRAMP" && !viewer.fedrampCleared) throw new Forbidden("the FedRAMP marketplace needs FedRAMP clearance");
}

export function requireStaff(viewer: Viewer, roles: ("PROGRAM_STAFF" | "INTEGRATION_MANAGER")[] = ["PROGRAM_STAFF"]): StaffViewer {
  if (viewer.kind === "staff" && roles.includes(viewer.role)) return viewer;
  throw new Forbidden(`only ${roles.map((r) => r.toLowerCase().replace("_", " ")).join(" or ")} can do this`);
}

/** Staff, or a member of the partner. */
export function requireStaffOrPartnerOf(viewer: Viewer, partnerId: string, what: string): Viewer {
  if (viewer.kind === "staff") return viewer;
  return requirePartnerOf(viewer, partnerId, what);
}

/** Unwraps a rule decision or throws the typed refusal (which rolls the transaction back). */
export function decide<T>(d: Decision<T> | FieldDecision<T>): T {
  if (d.ok) return d.value;
  const fieldErrors = "fieldErrors" in d.refusal ? d.refusal.fieldErrors : undefined;
  if (fieldErrors && fieldErrors.length) throw new InvalidInput(fieldErrors, d.refusal.rule);
  throw new RuleViolation(d.refusal);
}

export function found<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new NotFound(what);
  return value;
}
