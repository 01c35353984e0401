// App Validation: requested by the partner, led by an integration manager (R-APP-3..5, R-USE-4).
import type { Viewer } from "../auth/viewer.js";
import { assignIntegrationManager as assignRule, canRecordCheck, canRequestValidation, completeValidation as completeRule,
  type ValidationCheckKind, type ValidationPurpose } from "../domain/apps.js";
import type { Marketplace } from "../domain/listings/marketplaces.js";
import { actorOf, type Tx } from "../events/log.js";
import { Conflict, InvalidInput } from "./refusals.js";
import { qualifyingTestCustomers } from "../domain/apps.js";
import { canRequestReapplication, type ReapplicationFacts } from "../domain/usage.js";
import { standingOf, testCustomerFacts } from "./facts.js";
import { decide, found, requireClearanceFor, requirePartnerOf, requireStaff, requireVisible } from "./guard.js";
import { canSeeValidation } from "./visibility.js";
import { returnToReviewAfterReapplication } from "./listings.js";
import type { Program } from "./program.js";

export async function requestValidation(
  program: Program,
  viewer: Viewer,
  input: { appId: string; marketplace: Marketplace; purpose?: ValidationPurpose | null; testCustomerId?: string | null },
) {
  const purpose = input.purpose ?? "INITIAL";
  return program.change(async (tx, record) => {
    const app = found(await tx.app.findUnique({ where: { id: input.appId } }), "app");
    const partner = requirePartnerOf(viewer, app.partnerId, "app");
    requireClearanceFor(viewer, input.marketplace);
    const [agreements, testCustomers, validations] = await Promise.all([
      standingOf(tx, app.partnerId),
      testCustomerFacts(tx, app.id),
      tx.appValidation.findMany({ where: { appId: app.id }, select: { id: true, appId: true, marketplace: true, attempt: true, purpose: true, status: true } }),
    ]);
    const request = decide(canRequestValidation({ app, marketplace: input.marketplace, purpose, agreements, testCustomers, validations }));
    // R-USE-4: only a listing delisted for low usage is re-applied, shown by a test customer's use since the delisting.
    const testCustomerId = purpose === "REAPPLICATION"
      ? decide(canRequestReapplication(await reapplicationFacts(tx, app.id, input.marketplace, input.testCustomerId ?? null))).testCustomerId
      : null;
    const validation = await tx.appValidation.create({
      data: {
        appId: app.id, marketplace: input.marketplace, attempt: request.attempt, purpose, openSlot: "open", requestedById: partner.memberId, testCustomerId,
        requestedAt: program.now(),
      },
    });
    await record({
      type: "validation.requested", actor: actorOf(viewer), subjectId: validation.id, partnerId: app.partnerId, appId: app.id,
      marketplace: input.marketplace, after: { app: app.name, attempt: request.attempt, purpose, status: "REQUESTED" },
    });
    return validation;
  });
}

/** R-USE-4's facts: the listing's delisting, the app's qualifying test customers with their last use. */
export async function reapplicationFacts(tx: Tx, appId: string, marketplace: Marketplace, chosenTestCustomerId: string | null): Promise<ReapplicationFacts> {
  const [listing, customers] = await Promise.all([
    tx.listing.findUnique({ where: { appId_marketplace: { appId, marketplace } }, select: { state: true, delistReason: true, stateChangedAt: true } }),
    testCustomerFacts(tx, appId),
  ]);
  return {
    listing: listing
      ? { state: listing.state, delistReason: listing.delistReason, delistedAt: listing.state === "DELISTED" ? listing.stateChangedAt : null }
      : { state: "DRAFT", delistReason: null, delistedAt: null },
    testCustomers: qualifyingTestCustomers(appId, customers).map((c) => ({ id: c.id!, customerName: c.customerName, lastUsedAt: c.lastUsedAt ?? null })),
    chosenTestCustomerId,
  };
}

/** The validation as the viewer may see it: one it may not (a FedRAMP one without clearance) is not found, like an unknown id. */
async function loadVisible(tx: Tx, validationId: string, viewer: Viewer) {
  const v = found(
    await tx.appValidation.findUnique({ where: { id: validationId }, include: { app: true, checks: true } }),
    "validation",
  );
  requireVisible(canSeeValidation(viewer, v), "validation");
  return v;
}

/** Optimistic concurrency: the change applies only to the version read, else someone else won. */
async function bump(tx: Tx, id: string, version: number, data: Parameters<Tx["appValidation"]["update"]>[0]["data"]) {
  const { count } = await tx.appValidation.updateMany({ where: { id, version }, data: { ...data, version: { increment: 1 } } as never });
  if (count !== 1) throw new Conflict("the validation was changed by someone else at the same time; re-read it and try again");
}

export async function assignIntegrationManager(program: Program, viewer: Viewer, input: { validationId: string; managerId?: string | null }) {
  return program.change(async (tx, record) => {
    const v = await loadVisible(tx, input.validationId, viewer);
    const staff = requireStaff(viewer, ["PROGRAM_STAFF", "INTEGRATION_MANAGER"]);
    const managerId = input.managerId ?? (staff.role === "INTEGRATION_MANAGER" ? staff.staffId : null);
    if (!managerId) throw new InvalidInput([{ field: "managerId", message: "name the integration manager to lead the validation" }], "R-APP-3");
    const manager = found(await tx.staffUser.findUnique({ where: { id: managerId } }), "integration manager");
    const next = decide(assignRule({ status: v.status }, { id: manager.id, role: manager.role }));
    await bump(tx, v.id, v.version, { status: next.status, integrationManagerId: manager.id, assignedAt: program.now() });
    await record({
      type: "validation.assigned", actor: actorOf(viewer), subjectId: v.id, partnerId: v.app.partnerId, appId: v.appId,
      marketplace: v.marketplace, before: { status: v.status }, after: { status: next.status, integrationManager: manager.name },
    });
    return tx.appValidation.findUniqueOrThrow({ where: { id: v.id } });
  });
}

export async function recordValidationCheck(
  program: Program,
  viewer: Viewer,
  input: { validationId: string; kind: ValidationCheckKind; passed: boolean; notes: string },
) {
  return program.change(async (tx, record) => {
    const v = await loadVisible(tx, input.validationId, viewer);
    const staff = requireStaff(viewer, ["INTEGRATION_MANAGER"]);
    const outcome = decide(canRecordCheck(
      { validation: v, appKind: v.app.kind, checks: v.checks, actor: { id: staff.staffId, role: staff.role } },
      { kind: input.kind, passed: input.passed, notes: input.notes },
    ));
    const previous = v.checks.find((c) => c.kind === input.kind);
    await bump(tx, v.id, v.version, {});
    const check = await tx.validationCheck.upsert({
      where: { validationId_kind: { validationId: v.id, kind: input.kind } },
      create: { validationId: v.id, kind: input.kind, passed: outcome.check.passed, notes: outcome.check.notes, recordedById: staff.staffId, recordedAt: program.now() },
      update: { passed: outcome.check.passed, notes: outcome.check.notes, recordedById: staff.staffId, recordedAt: program.now() },
    });
    await record({
      type: "validation.check-recorded", actor: actorOf(viewer), subjectId: v.id, partnerId: v.app.partnerId, appId: v.appId,
      marketplace: v.marketplace,
      before: previous ? { kind: previous.kind, passed: previous.passed } : null,
      after: { kind: check.kind, passed: check.passed, notes: check.notes },
    });
    return check;
  });
}

export async function completeValidation(
  program: Program,
  viewer: Viewer,
  input: { validationId: string; outcome: "PASSED" | "FAILED"; notes?: string | null },
) {
  return program.change(async (tx, record) => {
    const v = await loadVisible(tx, input.validationId, viewer);
    const staff = requireStaff(viewer, ["INTEGRATION_MANAGER"]);
    const done = decide(completeRule(
      { validation: v, appKind: v.app.kind, checks: v.checks, actor: { id: staff.staffId, role: staff.role } },
      input.outcome,
      input.notes,
    ));
    const now = program.now();
    await bump(tx, v.id, v.version, { status: done.status, openSlot: null, completedAt: now, outcomeNotes: done.outcomeNotes });
    await record({
      type: done.status === "PASSED" ? "validation.passed" : "validation.failed",
      actor: actorOf(viewer), subjectId: v.id, partnerId: v.app.partnerId, appId: v.appId, marketplace: v.marketplace,
      before: { status: v.status }, after: { status: done.status, app: v.app.name, attempt: v.attempt, purpose: v.purpose },
      reason: done.outcomeNotes,
    });
    if (done.status === "PASSED" && v.purpose === "REAPPLICATION") {
      const usageCheck = v.checks.find((c) => c.kind === "CUSTOMER_USAGE");
      await returnToReviewAfterReapplication(tx, record, viewer, now, {
        ...(await reapplicationFacts(tx, v.appId, v.marketplace, v.testCustomerId)),
        validation: { purpose: v.purpose, status: done.status, showsTestCustomerUsage: v.testCustomerId !== null && usageCheck?.passed === true },
      }, v.appId, v.marketplace);
    }
    return tx.appValidation.findUniqueOrThrow({ where: { id: v.id } });
  });
}

