// Apps, test customers and App Validation (R-APP-1..5). Facts in, Decision out.
import { allow, refuse, type Decision, type RuleId } from "./decision.js";
import { describeAgreementGaps, type AgreementStanding } from "./partners.js";
import type { FieldDecision, FieldError } from "./fields.js";
import type { Marketplace } from "./listings/marketplaces.js";

export type AppKind = "DATA_CONNECTOR" | "OTHER";
export type DataFlow = "PUSH" | "PULL" | "BIDIRECTIONAL";
export type AppStatus = "ACTIVE" | "RETIRED";
export type StaffRole = "INTEGRATION_MANAGER" | "PROGRAM_STAFF";
export type ValidationStatus = "REQUESTED" | "IN_PROGRESS" | "PASSED" | "FAILED";
export type ValidationPurpose = "INITIAL" | "REAPPLICATION";
export type ValidationCheckKind = "DEMONSTRATION" | "DATA_TRANSFER" | "IMPLEMENTATION_UNDERSTANDING" | "CUSTOMER_USAGE";

export const APP_KINDS: readonly AppKind[] = ["DATA_CONNECTOR", "OTHER"];
export const DATA_FLOWS: readonly DataFlow[] = ["PUSH", "PULL", "BIDIRECTIONAL"];
export const APP_NAME_MAX = 80;
/** Check notes and validation outcome notes are stored in VarChar(4000). */
export const VALIDATION_NOTES_MAX = 4000;

export const CHECK_TITLES: Readonly<Record<ValidationCheckKind, string>> = {
  DEMONSTRATION: "demonstration of the integration",
  DATA_TRANSFER: "successful data transfer",
  IMPLEMENTATION_UNDERSTANDING: "understanding of the initial implementation process",
  CUSTOMER_USAGE: "test customer's usage",
};

/** The smallest description of an app that messages can name. */
export interface AppRef {
  readonly id: string;
  readonly name: string;
}

export interface AppFact extends AppRef {
  readonly status: AppStatus;
}

const codePoints = (s: string) => [...s].length;
const listNames = (names: readonly string[]) => names.join(", ");

// ---------------------------------------------------------------------------------------------
// R-APP-1: an app declares its kind and data flow
// ---------------------------------------------------------------------------------------------

/** Raw input from the API; kind and dataFlow are checked, not trusted. */
export interface AppInput {
  readonly name: string;
  readonly kind: string;
  readonly dataFlow: string;
}

export interface AppDetails {
  readonly name: string;
  readonly kind: AppKind;
  readonly dataFlow: DataFlow;
}

const isAppKind = (v: string): v is AppKind => (APP_KINDS as readonly string[]).includes(v);
const isDataFlow = (v: string): v is DataFlow => (DATA_FLOWS as readonly string[]).includes(v);

/**
 * R-APP-1: name 1..80 characters (trimmed), a known kind and a known data flow.
 * `otherAppNames` are the partner's other apps: names are unique per partner.
 */
export function validateApp(input: AppInput, otherAppNames: readonly string[] = []): FieldDecision<AppDetails> {
  const errors: FieldError[] = [];
  const name = input.name.trim();
  if (name === "") errors.push({ field: "name", message: "is required" });
  else if (codePoints(name) > APP_NAME_MAX) errors.push({ field: "name", message: `must be at most ${APP_NAME_MAX} characters (has ${codePoints(name)})` });
  else if (otherAppNames.some((n) => n.trim().toLowerCase() === name.toLowerCase())) {
    errors.push({ field: "name", message: `the partner already has an app named "${name}"` });
  }
  if (!isAppKind(input.kind)) errors.push({ field: "kind", message: `must be one of ${listNames(APP_KINDS)} (got "${input.kind}")` });
  if (!isDataFlow(input.dataFlow)) {
    errors.push({ field: "dataFlow", message: `must be one of ${listNames(DATA_FLOWS)}: PUSH into the platform, PULL from it, or BIDIRECTIONAL (got "${input.dataFlow}")` });
  }
  if (errors.length > 0 || !isAppKind(input.kind) || !isDataFlow(input.dataFlow)) {
    return {
      ok: false,
      refusal: {
        rule: "R-APP-1",
        message: "The app details are not valid.",
        missing: errors.map((e) => `${e.field}: ${e.message}`),
        toSatisfy: `Give the app a name of 1–${APP_NAME_MAX} characters, its kind (${listNames(APP_KINDS)}) and its data flow (${listNames(DATA_FLOWS)}).`,
        fieldErrors: errors,
      },
    };
  }
  return { ok: true, value: { name, kind: input.kind, dataFlow: input.dataFlow } };
}

// ---------------------------------------------------------------------------------------------
// R-APP-2: a shared test customer installed THIS app as a custom app and used it
// ---------------------------------------------------------------------------------------------

export interface TestCustomerFact {
  readonly id?: string;
  /** The app the customer installed; customers of the partner's other apps do not count. */
  readonly appId: string;
  readonly customerName: string;
  /** When it was installed as a custom app; null if it has not been. */
  readonly installedAt: Date | null;
  readonly firstUsedAt: Date | null;
  /** Its latest recorded use (R-USE-4 asks for use after a delisting). */
  readonly lastUsedAt?: Date | null;
  readonly usageCount: number;
}

const hasUsed = (c: TestCustomerFact) => c.usageCount > 0 || c.firstUsedAt !== null;

/** R-APP-2: the test customers of this app that installed it as a custom app and used it. */
export function qualifyingTestCustomers(appId: string, customers: readonly TestCustomerFact[]): TestCustomerFact[] {
  return customers.filter((c) => c.appId === appId && c.installedAt !== null && hasUsed(c));
}

/** R-APP-2: at least one shared test customer installed this app as a custom app and used it. */
export function hasQualifyingTestCustomer(app: AppRef, customers: readonly TestCustomerFact[]): Decision<readonly TestCustomerFact[]> {
  const qualifying = qualifyingTestCustomers(app.id, customers);
  if (qualifying.length > 0) return allow(qualifying);
  return refuse({
    rule: "R-APP-2",
    message: `${app.name} has no shared test customer that installed it as a custom app and used it.`,
    missing: testCustomerGaps(app, customers),
    toSatisfy: `Invite a shared customer to install ${app.name} as a custom app and use it; customers of the partner's other apps do not count.`,
  });
}

function testCustomerGaps(app: AppRef, customers: readonly TestCustomerFact[]): string[] {
  const own = customers.filter((c) => c.appId === app.id);
  const installed = own.filter((c) => c.installedAt !== null);
  const others = customers.filter((c) => c.appId !== app.id).length;
  if (installed.length > 0) {
    return [`test customers of ${app.name} that installed it but have not used it yet: ${listNames(installed.map((c) => c.customerName))}`];
  }
  const otherNote = others > 0 ? ` (${others} test customer${others === 1 ? "" : "s"} of the partner's other apps ${others === 1 ? "does" : "do"} not count)` : "";
  return [`a shared test customer that installed ${app.name} as a custom app and used it${otherNote}`];
}

// ---------------------------------------------------------------------------------------------
// R-APP-3: App Validation checks, led by the assigned integration manager
// ---------------------------------------------------------------------------------------------

/** One attempt of App Validation of one app for one marketplace. */
export interface ValidationFact {
  readonly id?: string;
  readonly appId: string;
  readonly marketplace: Marketplace;
  readonly attempt: number;
  readonly purpose: ValidationPurpose;
  readonly status: ValidationStatus;
  readonly integrationManagerId?: string | null;
}

export interface RecordedCheck {
  readonly kind: ValidationCheckKind;
  readonly passed: boolean;
  readonly notes: string;
}

export interface StaffActor {
  readonly id: string;
  readonly role: StaffRole;
}

/** R-APP-3 / R-USE-4: what a validation of this kind of app for this purpose must check. */
export function requiredChecks(appKind: AppKind, purpose: ValidationPurpose): ValidationCheckKind[] {
  const checks: ValidationCheckKind[] = ["DEMONSTRATION"];
  if (appKind === "DATA_CONNECTOR") checks.push("DATA_TRANSFER");
  checks.push("IMPLEMENTATION_UNDERSTANDING");
  if (purpose === "REAPPLICATION") checks.push("CUSTOMER_USAGE");
  return checks;
}

/** REQUESTED -> IN_PROGRESS (manager assigned) -> PASSED | FAILED; the outcomes are final. */
export const VALIDATION_TRANSITIONS: Readonly<Record<ValidationStatus, readonly ValidationStatus[]>> = {
  REQUESTED: ["IN_PROGRESS"],
  IN_PROGRESS: ["PASSED", "FAILED"],
  PASSED: [],
  FAILED: [],
};

/** R-APP-3: the validation status machine; other moves are refused naming current and allowed states. */
export function validationTransition(current: ValidationStatus, next: ValidationStatus): Decision<ValidationStatus> {
  const allowed = VALIDATION_TRANSITIONS[current];
  if (allowed.includes(next)) return allow(next);
  return refuse({
    rule: "R-APP-3",
    message:
      allowed.length === 0
        ? `This App Validation is already ${current}; a finished validation cannot change (request a new attempt instead).`
        : `An App Validation that is ${current} cannot become ${next}; it can only become ${allowed.join(" or ")}.`,
    missing: [`a validation in a state that can move to ${next}`],
    toSatisfy:
      current === "REQUESTED" ? "Assign an integration manager first; they lead the validation and record its checks."
      : current === "IN_PROGRESS" ? "The assigned integration manager completes the validation as PASSED or FAILED."
      : "Request a new App Validation attempt (R-APP-5).",
    currentState: current,
    allowed,
  });
}

/** R-APP-3: an integration manager takes a requested validation, which moves it to IN_PROGRESS. */
export function assignIntegrationManager(
  validation: { readonly status: ValidationStatus },
  staff: StaffActor,
): Decision<{ readonly status: "IN_PROGRESS"; readonly integrationManagerId: string }> {
  const move = validationTransition(validation.status, "IN_PROGRESS");
  if (!move.ok) return move;
  if (staff.role !== "INTEGRATION_MANAGER") {
    return refuse({
      rule: "R-APP-3",
      message: "App Validation is led by an integration manager; the staff member chosen is not one.",
      missing: ["a staff member with the INTEGRATION_MANAGER role"],
      toSatisfy: "Assign a staff member whose role is INTEGRATION_MANAGER.",
    });
  }
  return allow({ status: "IN_PROGRESS" as const, integrationManagerId: staff.id });
}

export interface ValidationInProgressFacts {
  readonly validation: {
    readonly status: ValidationStatus;
    readonly purpose: ValidationPurpose;
    readonly integrationManagerId: string | null;
  };
  readonly appKind: AppKind;
  /** Checks already recorded on this validation. */
  readonly checks: readonly RecordedCheck[];
  readonly actor: StaffActor;
}

function refuseUnlessAssignedManager(facts: ValidationInProgressFacts, doing: string): Decision<never> | null {
  if (facts.validation.status !== "IN_PROGRESS") {
    return refuse({
      rule: "R-APP-3",
      message: `Cannot ${doing}: the App Validation is ${facts.validation.status}, not IN_PROGRESS.`,
      missing: ["a validation IN_PROGRESS with an assigned integration manager"],
      toSatisfy: facts.validation.status === "REQUESTED" ? "Assign an integration manager first." : "Request a new App Validation attempt (R-APP-5).",
      currentState: facts.validation.status,
      allowed: VALIDATION_TRANSITIONS[facts.validation.status],
    });
  }
  if (facts.actor.id !== facts.validation.integrationManagerId) {
    return refuse({
      rule: "R-APP-3",
      message: `Only the integration manager assigned to this App Validation can ${doing}.`,
      missing: ["the assigned integration manager as the actor"],
      toSatisfy: "Have the integration manager assigned to this validation do it.",
    });
  }
  return null;
}

/** R-APP-3: the assigned manager records a required check, pass or fail, with notes (re-recording replaces it). */
export function canRecordCheck(
  facts: ValidationInProgressFacts,
  check: RecordedCheck,
): Decision<{ readonly check: RecordedCheck; readonly replacesExisting: boolean }> {
  const notAllowed = refuseUnlessAssignedManager(facts, "record a check");
  if (notAllowed) return notAllowed;
  const required = requiredChecks(facts.appKind, facts.validation.purpose);
  const missing: string[] = [];
  if (!required.includes(check.kind)) {
    missing.push(`a check that applies to this validation: ${required.map((k) => `${k} (${CHECK_TITLES[k]})`).join(", ")}`);
  }
  const notes = check.notes.trim();
  if (notes === "") missing.push(`notes for the ${CHECK_TITLES[check.kind]} check`);
  else if (codePoints(notes) > VALIDATION_NOTES_MAX) missing.push(`notes of at most ${VALIDATION_NOTES_MAX} characters (has ${codePoints(notes)})`);
  if (missing.length > 0) {
    return refuse({
      rule: "R-APP-3",
      message: required.includes(check.kind)
        ? "Each App Validation check is recorded as pass or fail with notes."
        : `The ${check.kind} check does not apply to this validation.`,
      missing,
      toSatisfy: `Record one of ${required.join(", ")} as passed or failed, with notes of 1–${VALIDATION_NOTES_MAX} characters.`,
    });
  }
  const replacesExisting = facts.checks.some((c) => c.kind === check.kind);
  return allow({ check: { kind: check.kind, passed: check.passed, notes }, replacesExisting });
}

export type ValidationOutcome = "PASSED" | "FAILED";

/**
 * R-APP-3: PASSED only when every required check is recorded and passed; FAILED when a recorded
 * check failed, or when the manager explains the failure in notes.
 */
export function completeValidation(
  facts: ValidationInProgressFacts,
  outcome: ValidationOutcome,
  notes?: string | null,
): Decision<{ readonly status: ValidationOutcome; readonly outcomeNotes: string | null }> {
  const notAllowed = refuseUnlessAssignedManager(facts, `complete the validation as ${outcome}`);
  if (notAllowed) return notAllowed;
  const outcomeNotes = notes?.trim() ? notes.trim() : null;
  if (outcomeNotes !== null && codePoints(outcomeNotes) > VALIDATION_NOTES_MAX) {
    return refuse({
      rule: "R-APP-3",
      message: `Outcome notes are limited to ${VALIDATION_NOTES_MAX} characters.`,
      missing: [`outcome notes of at most ${VALIDATION_NOTES_MAX} characters (has ${codePoints(outcomeNotes)})`],
      toSatisfy: "Shorten the outcome notes.",
    });
  }
  const required = requiredChecks(facts.appKind, facts.validation.purpose);
  const failed = facts.checks.filter((c) => !c.passed);
  if (outcome === "PASSED") {
    const missing: string[] = [];
    for (const kind of required) {
      const recorded = facts.checks.find((c) => c.kind === kind);
      if (recorded === undefined) missing.push(`${kind} check (${CHECK_TITLES[kind]}) not recorded`);
      else if (!recorded.passed) missing.push(`${kind} check (${CHECK_TITLES[kind]}) failed`);
    }
    if (missing.length > 0) {
      return refuse({
        rule: "R-APP-3",
        message: "An App Validation passes only when every required check is recorded and passed.",
        missing,
        toSatisfy: `Record ${required.join(", ")} as passed, or complete the validation as FAILED.`,
      });
    }
    return allow({ status: "PASSED" as const, outcomeNotes });
  }
  if (failed.length === 0 && outcomeNotes === null) {
    return refuse({
      rule: "R-APP-3",
      message: "A validation with no failed check can only be failed with notes that explain why.",
      missing: ["a failed check, or outcome notes explaining the failure"],
      toSatisfy: "Record the failing check with notes, or give outcome notes saying why the validation failed.",
    });
  }
  return allow({ status: "FAILED" as const, outcomeNotes });
}

// ---------------------------------------------------------------------------------------------
// R-APP-4 / R-APP-5: requesting a validation, attempts and history
// ---------------------------------------------------------------------------------------------

const isOpen = (v: ValidationFact) => v.status === "REQUESTED" || v.status === "IN_PROGRESS";

/** R-APP-5: every attempt of this app for this marketplace, oldest first (the history is kept). */
export function validationHistory(validations: readonly ValidationFact[], appId: string, marketplace: Marketplace): ValidationFact[] {
  return validations.filter((v) => v.appId === appId && v.marketplace === marketplace).sort((a, b) => a.attempt - b.attempt);
}

/** R-APP-5: the next attempt number for this app and marketplace (max attempt + 1, from 1). */
export function nextValidationAttempt(validations: readonly ValidationFact[], appId: string, marketplace: Marketplace): number {
  return validationHistory(validations, appId, marketplace).reduce((max, v) => Math.max(max, v.attempt), 0) + 1;
}

/**
 * R-LIST-1 / R-LIST-2: has the app passed App Validation (for this marketplace, or any when omitted)?
 * A later failed re-application does not undo a pass; re-entry is gated by R-LIST-4 instead.
 */
export function hasPassedValidation(validations: readonly ValidationFact[], appId: string, marketplace?: Marketplace): boolean {
  return validations.some((v) => v.appId === appId && v.status === "PASSED" && (marketplace === undefined || v.marketplace === marketplace));
}

export interface ValidationRequestFacts {
  readonly app: AppFact;
  readonly marketplace: Marketplace;
  /** INITIAL unless the partner is re-applying a delisted app (R-USE-4). */
  readonly purpose?: ValidationPurpose;
  readonly agreements: AgreementStanding;
  /** Test customers of the partner's apps (others' are ignored). */
  readonly testCustomers: readonly TestCustomerFact[];
  /** Validations of the app (others' are ignored). */
  readonly validations: readonly ValidationFact[];
}

export interface ValidationRequest {
  readonly appId: string;
  readonly marketplace: Marketplace;
  readonly purpose: ValidationPurpose;
  readonly attempt: number;
  /** The test customers that meet R-APP-2 (a re-application shows one of them, R-USE-4). */
  readonly testCustomers: readonly TestCustomerFact[];
}

/**
 * R-APP-4 / R-APP-5: the partner may request App Validation when it is in the program, the app has
 * a qualifying test customer and no validation is open for the app and marketplace. A passed app
 * needs no new request unless it is re-applying.
 */
export function canRequestValidation(facts: ValidationRequestFacts): Decision<ValidationRequest> {
  const { app, marketplace } = facts;
  const purpose = facts.purpose ?? "INITIAL";
  const history = validationHistory(facts.validations, app.id, marketplace);
  const passed = history.find((v) => v.status === "PASSED");
  if (purpose === "INITIAL" && passed !== undefined) {
    return refuse({
      rule: "R-APP-5",
      message: `${app.name} already passed App Validation for ${marketplace} (attempt ${passed.attempt}); only a failed validation is requested again.`,
      missing: [`a failed validation of ${app.name} for ${marketplace}, or a re-application`],
      toSatisfy: "Nothing to do: the app is validated. A delisted app comes back through a re-application validation (R-USE-4).",
    });
  }
  // Each unmet condition, with the rule it comes from and what would meet it: the refusal names only these.
  const unmet: { rule: RuleId; missing: readonly string[]; toSatisfy: string }[] = [];
  if (app.status !== "ACTIVE") unmet.push({ rule: "R-APP-4", missing: [`${app.name} is ${app.status}; only an active app can be validated`], toSatisfy: "validate an active app" });
  if (!facts.agreements.inProgram) {
    unmet.push({ rule: "R-PART-2", missing: describeAgreementGaps(facts.agreements).map((g) => `partner not in the program (R-PART-2): ${g}`), toSatisfy: "have an admin sign both current agreements" });
  }
  const customers = hasQualifyingTestCustomer(app, facts.testCustomers);
  if (!customers.ok) unmet.push({ rule: "R-APP-2", missing: customers.refusal.missing, toSatisfy: `have a shared test customer install ${app.name} as a custom app and use it` });
  const open = history.find(isOpen);
  if (open !== undefined) {
    unmet.push({ rule: "R-APP-5", missing: [`validation attempt ${open.attempt} of ${app.name} for ${marketplace} is already open (${open.status})`], toSatisfy: `wait for attempt ${open.attempt} to finish` });
  }
  if (unmet.length > 0 || !customers.ok) {
    // One unmet condition is refused under its own rule, with the gate (R-APP-4) as the related one.
    const only = unmet.length === 1 ? unmet[0]! : null;
    const toSatisfy = unmet.map((u) => u.toSatisfy).join(", then ");
    return refuse({
      rule: only?.rule ?? "R-APP-4",
      ...(only && only.rule !== "R-APP-4" ? { relatedRule: "R-APP-4" as const } : {}),
      message: `App Validation of ${app.name} for ${marketplace} cannot be requested yet.`,
      missing: unmet.flatMap((u) => u.missing),
      toSatisfy: `${toSatisfy[0]!.toUpperCase()}${toSatisfy.slice(1)}.`,
    });
  }
  return allow({ appId: app.id, marketplace, purpose, attempt: nextValidationAttempt(facts.validations, app.id, marketplace), testCustomers: customers.value });
}
