import { describe, it, expect } from "vitest";
import {
  assignIntegrationManager,
  canRecordCheck,
  canRequestValidation,
  completeValidation,
  hasPassedValidation,
  hasQualifyingTestCustomer,
  nextValidationAttempt,
  requiredChecks,
  validateApp,
  validationHistory,
  validationTransition,
  type RecordedCheck,
  type TestCustomerFact,
  type ValidationFact,
  type ValidationInProgressFacts,
} from "../../src/domain/apps.js";
import { agreementStanding, type PublishedAgreement } from "../../src/domain/partners.js";

const docs: PublishedAgreement[] = [
  { kind: "FRAMEWORK_AGREEMENT", version: 1, bodySha256: "a".repeat(64) },
  { kind: "TECHNOLOGY_ADDENDUM", version: 1, bodySha256: "b".repeat(64) },
];
const at = new Date("2025-03-01T00:00:00Z");
const inTheProgram = agreementStanding(docs, [
  { kind: "FRAMEWORK_AGREEMENT", version: 1, signedAt: at, signedBy: "admin" },
  { kind: "TECHNOLOGY_ADDENDUM", version: 1, signedAt: at, signedBy: "admin" },
]);
const notInTheProgram = agreementStanding(docs, [{ kind: "FRAMEWORK_AGREEMENT", version: 1, signedAt: at, signedBy: "admin" }]);

const syncApp = { id: "app-sync", name: "SiteSync", status: "ACTIVE" as const };
const usedCustomer: TestCustomerFact = { appId: "app-sync", customerName: "Acme Builders", installedAt: at, firstUsedAt: at, usageCount: 4 };

const validation = (attempt: number, status: ValidationFact["status"], extra: Partial<ValidationFact> = {}): ValidationFact => ({
  appId: "app-sync",
  marketplace: "COMMERCIAL",
  attempt,
  purpose: "INITIAL",
  status,
  ...extra,
});

describe("apps: kind and data flow", () => {
  it("R-APP-1: an app declares its kind and data flow; the name is trimmed", () => {
    const d = validateApp({ name: "  SiteSync  ", kind: "DATA_CONNECTOR", dataFlow: "BIDIRECTIONAL" });
    expect(d).toEqual({ ok: true, value: { name: "SiteSync", kind: "DATA_CONNECTOR", dataFlow: "BIDIRECTIONAL" } });
  });

  it("R-APP-1: unknown kind, unknown data flow and a long name are field errors", () => {
    const d = validateApp({ name: "x".repeat(81), kind: "WIDGET", dataFlow: "SIDEWAYS" });
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.rule).toBe("R-APP-1");
      expect(d.refusal.fieldErrors.map((e) => e.field)).toEqual(["name", "kind", "dataFlow"]);
      expect(d.refusal.fieldErrors[0]?.message).toBe("must be at most 80 characters (has 81)");
      expect(d.refusal.missing[1]).toBe('kind: must be one of DATA_CONNECTOR, OTHER (got "WIDGET")');
    }
  });

  it("R-APP-1: a blank name is required, and names are unique within the partner", () => {
    const blank = validateApp({ name: "   ", kind: "OTHER", dataFlow: "PUSH" });
    expect(!blank.ok && blank.refusal.fieldErrors).toEqual([{ field: "name", message: "is required" }]);
    const twin = validateApp({ name: "sitesync", kind: "OTHER", dataFlow: "PULL" }, ["SiteSync"]);
    expect(!twin.ok && twin.refusal.fieldErrors[0]?.message).toBe('the partner already has an app named "sitesync"');
  });
});

describe("apps: test customers", () => {
  it("R-APP-2: a test customer that installed this app as a custom app and used it qualifies", () => {
    const d = hasQualifyingTestCustomer(syncApp, [usedCustomer]);
    expect(d).toEqual({ ok: true, value: [usedCustomer] });
    const byFirstUse = { ...usedCustomer, usageCount: 0 };
    expect(hasQualifyingTestCustomer(syncApp, [byFirstUse]).ok).toBe(true);
  });

  it("R-APP-2: customers of the partner's other apps do not count", () => {
    const other = { ...usedCustomer, appId: "app-other", customerName: "Other Co" };
    const d = hasQualifyingTestCustomer(syncApp, [other]);
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.rule).toBe("R-APP-2");
      expect(d.refusal.message).toContain("SiteSync");
      expect(d.refusal.missing).toEqual([
        "a shared test customer that installed SiteSync as a custom app and used it (1 test customer of the partner's other apps does not count)",
      ]);
    }
  });

  it("R-APP-2: installed but never used does not count, and the customer is named", () => {
    const idle = { ...usedCustomer, firstUsedAt: null, usageCount: 0 };
    const d = hasQualifyingTestCustomer(syncApp, [idle]);
    expect(!d.ok && d.refusal.missing).toEqual(["test customers of SiteSync that installed it but have not used it yet: Acme Builders"]);
  });
});

describe("apps: App Validation checks", () => {
  const checks = (...c: RecordedCheck[]) => c;
  const pass = (kind: RecordedCheck["kind"]): RecordedCheck => ({ kind, passed: true, notes: "ok" });
  const facts = (over: Partial<ValidationInProgressFacts> = {}): ValidationInProgressFacts => ({
    validation: { status: "IN_PROGRESS", purpose: "INITIAL", integrationManagerId: "im-1" },
    appKind: "DATA_CONNECTOR",
    checks: [],
    actor: { id: "im-1", role: "INTEGRATION_MANAGER" },
    ...over,
  });

  it("R-APP-3: required checks depend on the app kind and the purpose", () => {
    expect(requiredChecks("OTHER", "INITIAL")).toEqual(["DEMONSTRATION", "IMPLEMENTATION_UNDERSTANDING"]);
    expect(requiredChecks("DATA_CONNECTOR", "INITIAL")).toEqual(["DEMONSTRATION", "DATA_TRANSFER", "IMPLEMENTATION_UNDERSTANDING"]);
    expect(requiredChecks("OTHER", "REAPPLICATION")).toEqual(["DEMONSTRATION", "IMPLEMENTATION_UNDERSTANDING", "CUSTOMER_USAGE"]);
  });

  it("R-APP-3: status machine REQUESTED -> IN_PROGRESS -> PASSED | FAILED; others refused with current and allowed", () => {
    expect(validationTransition("REQUESTED", "IN_PROGRESS")).toEqual({ ok: true, value: "IN_PROGRESS" });
    expect(validationTransition("IN_PROGRESS", "FAILED").ok).toBe(true);
    const skip = validationTransition("REQUESTED", "PASSED");
    expect(skip.ok).toBe(false);
    if (!skip.ok) {
      expect(skip.refusal).toMatchObject({ rule: "R-APP-3", currentState: "REQUESTED", allowed: ["IN_PROGRESS"] });
      expect(skip.refusal.toSatisfy).toMatch(/Assign an integration manager/);
    }
    const done = validationTransition("PASSED", "FAILED");
    expect(!done.ok && done.refusal).toMatchObject({ currentState: "PASSED", allowed: [] });
  });

  it("R-APP-3: the validation is led by an integration manager", () => {
    expect(assignIntegrationManager({ status: "REQUESTED" }, { id: "im-1", role: "INTEGRATION_MANAGER" })).toEqual({
      ok: true,
      value: { status: "IN_PROGRESS", integrationManagerId: "im-1" },
    });
    const staff = assignIntegrationManager({ status: "REQUESTED" }, { id: "ps-1", role: "PROGRAM_STAFF" });
    expect(!staff.ok && staff.refusal.missing).toEqual(["a staff member with the INTEGRATION_MANAGER role"]);
    const again = assignIntegrationManager({ status: "IN_PROGRESS" }, { id: "im-2", role: "INTEGRATION_MANAGER" });
    expect(!again.ok && again.refusal.currentState).toBe("IN_PROGRESS");
  });

  it("R-APP-3: only the assigned integration manager records checks, with notes", () => {
    expect(canRecordCheck(facts(), { kind: "DATA_TRANSFER", passed: true, notes: " 500 records moved " })).toEqual({
      ok: true,
      value: { check: { kind: "DATA_TRANSFER", passed: true, notes: "500 records moved" }, replacesExisting: false },
    });
    const other = canRecordCheck(facts({ actor: { id: "im-2", role: "INTEGRATION_MANAGER" } }), pass("DEMONSTRATION"));
    expect(!other.ok && other.refusal).toMatchObject({ rule: "R-APP-3", missing: ["the assigned integration manager as the actor"] });
    const noNotes = canRecordCheck(facts(), { kind: "DEMONSTRATION", passed: false, notes: "  " });
    expect(!noNotes.ok && noNotes.refusal.missing).toEqual(["notes for the demonstration of the integration check"]);
    const notApplicable = canRecordCheck(facts({ appKind: "OTHER" }), pass("DATA_TRANSFER"));
    expect(!notApplicable.ok && notApplicable.refusal.message).toBe("The DATA_TRANSFER check does not apply to this validation.");
    const requested = canRecordCheck(facts({ validation: { status: "REQUESTED", purpose: "INITIAL", integrationManagerId: null } }), pass("DEMONSTRATION"));
    expect(!requested.ok && requested.refusal).toMatchObject({ currentState: "REQUESTED", allowed: ["IN_PROGRESS"] });
    const again = canRecordCheck(facts({ checks: [pass("DEMONSTRATION")] }), pass("DEMONSTRATION"));
    expect(again.ok && again.value.replacesExisting).toBe(true);
  });

  it("R-APP-3: passes only when every required check is recorded and passed", () => {
    const incomplete = completeValidation(facts({ checks: checks(pass("DEMONSTRATION"), { kind: "IMPLEMENTATION_UNDERSTANDING", passed: false, notes: "unclear" }) }), "PASSED");
    expect(incomplete.ok).toBe(false);
    if (!incomplete.ok) {
      expect(incomplete.refusal.rule).toBe("R-APP-3");
      expect(incomplete.refusal.missing).toEqual([
        "DATA_TRANSFER check (successful data transfer) not recorded",
        "IMPLEMENTATION_UNDERSTANDING check (understanding of the initial implementation process) failed",
      ]);
    }
    const all = checks(pass("DEMONSTRATION"), pass("DATA_TRANSFER"), pass("IMPLEMENTATION_UNDERSTANDING"));
    expect(completeValidation(facts({ checks: all }), "PASSED", " well done ")).toEqual({ ok: true, value: { status: "PASSED", outcomeNotes: "well done" } });
    const reapp = completeValidation(facts({ checks: all, validation: { status: "IN_PROGRESS", purpose: "REAPPLICATION", integrationManagerId: "im-1" } }), "PASSED");
    expect(!reapp.ok && reapp.refusal.missing).toEqual(["CUSTOMER_USAGE check (test customer's usage) not recorded"]);
  });

  it("R-APP-3: failing needs a failed check or notes saying why", () => {
    expect(completeValidation(facts({ checks: [pass("DEMONSTRATION")] }), "FAILED").ok).toBe(false);
    expect(completeValidation(facts({ checks: [pass("DEMONSTRATION")] }), "FAILED", "Partner withdrew the demo").ok).toBe(true);
    expect(completeValidation(facts({ checks: [{ kind: "DEMONSTRATION", passed: false, notes: "crashed" }] }), "FAILED")).toEqual({
      ok: true,
      value: { status: "FAILED", outcomeNotes: null },
    });
    const notManager = completeValidation(facts({ actor: { id: "ps-1", role: "PROGRAM_STAFF" } }), "FAILED", "no");
    expect(!notManager.ok && notManager.refusal.message).toMatch(/Only the integration manager assigned/);
  });
});

describe("apps: requesting validation", () => {
  const base = {
    app: syncApp,
    marketplace: "COMMERCIAL" as const,
    agreements: inTheProgram,
    testCustomers: [usedCustomer],
    validations: [] as ValidationFact[],
  };

  it("R-APP-4: a partner in the program with a qualifying test customer may request validation", () => {
    const d = canRequestValidation(base);
    expect(d.ok).toBe(true);
    if (d.ok) expect(d.value).toMatchObject({ appId: "app-sync", marketplace: "COMMERCIAL", purpose: "INITIAL", attempt: 1, testCustomers: [usedCustomer] });
  });

  it("R-APP-4: refused before the agreements and a test customer, listing both", () => {
    const d = canRequestValidation({ ...base, agreements: notInTheProgram, testCustomers: [{ ...usedCustomer, appId: "app-other" }] });
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.rule).toBe("R-APP-4");
      expect(d.refusal.missing).toEqual([
        "partner not in the program (R-PART-2): Technology Partner Addendum version 1 is not signed",
        "a shared test customer that installed SiteSync as a custom app and used it (1 test customer of the partner's other apps does not count)",
      ]);
      expect(d.refusal.toSatisfy).toBe("Have an admin sign both current agreements, then have a shared test customer install SiteSync as a custom app and use it.");
    }
  });

  it("R-ERR-1: one unmet condition is refused under its own rule, the gate R-APP-4 related, and only it is asked for", () => {
    const noCustomer = canRequestValidation({ ...base, testCustomers: [] });
    expect(!noCustomer.ok && noCustomer.refusal).toMatchObject({ rule: "R-APP-2", relatedRule: "R-APP-4", toSatisfy: "Have a shared test customer install SiteSync as a custom app and use it." });
    const notIn = canRequestValidation({ ...base, agreements: notInTheProgram });
    expect(!notIn.ok && notIn.refusal).toMatchObject({ rule: "R-PART-2", relatedRule: "R-APP-4", toSatisfy: "Have an admin sign both current agreements." });
  });

  it("R-APP-4: refused while a validation is already open for the app and marketplace", () => {
    const d = canRequestValidation({ ...base, validations: [validation(1, "IN_PROGRESS")] });
    expect(!d.ok && d.refusal.missing).toEqual(["validation attempt 1 of SiteSync for COMMERCIAL is already open (IN_PROGRESS)"]);
    const otherMarket = canRequestValidation({ ...base, marketplace: "FEDRAMP", validations: [validation(1, "IN_PROGRESS")] });
    expect(otherMarket.ok && otherMarket.value.attempt).toBe(1);
  });

  it("R-APP-4: a retired app cannot be validated", () => {
    const d = canRequestValidation({ ...base, app: { ...syncApp, status: "RETIRED" } });
    expect(!d.ok && d.refusal.missing).toEqual(["SiteSync is RETIRED; only an active app can be validated"]);
  });

  it("R-APP-5: a failed validation can be requested again as the next attempt, keeping history", () => {
    const history = [validation(2, "FAILED"), validation(1, "FAILED"), validation(1, "PASSED", { marketplace: "FEDRAMP" })];
    const d = canRequestValidation({ ...base, validations: history });
    expect(d.ok && d.value.attempt).toBe(3);
    expect(nextValidationAttempt(history, "app-sync", "FEDRAMP")).toBe(2);
    expect(nextValidationAttempt([], "app-sync", "COMMERCIAL")).toBe(1);
    expect(validationHistory(history, "app-sync", "COMMERCIAL").map((v) => v.attempt)).toEqual([1, 2]);
  });

  it("R-APP-5: a passed validation is not requested again, unless re-applying", () => {
    const history = [validation(1, "FAILED"), validation(2, "PASSED")];
    const d = canRequestValidation({ ...base, validations: history });
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.refusal.rule).toBe("R-APP-5");
      expect(d.refusal.message).toContain("already passed App Validation for COMMERCIAL (attempt 2)");
    }
    const reapply = canRequestValidation({ ...base, purpose: "REAPPLICATION", validations: history });
    expect(reapply.ok && reapply.value).toMatchObject({ attempt: 3, purpose: "REAPPLICATION" });
    expect(hasPassedValidation(history, "app-sync", "COMMERCIAL")).toBe(true);
    expect(hasPassedValidation(history, "app-sync", "FEDRAMP")).toBe(false);
  });
});
