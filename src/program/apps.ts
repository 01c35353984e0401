// Apps and their shared test customers (R-APP-1, R-APP-2).
import type { Viewer } from "../auth/viewer.js";
import { validateApp } from "../domain/apps.js";
import { checkText, type FieldError } from "../domain/fields.js";
import { actorOf } from "../events/log.js";
import { Conflict, Forbidden, rejectFieldErrors, RuleViolation } from "./refusals.js";
import { MARKETPLACE_NAMES } from "../domain/listings/marketplaces.js";
import { canSeeMarketplace } from "./visibility.js";
import { decide, found, requirePartnerAdmin, requirePartnerOf } from "./guard.js";
import type { Program } from "./program.js";

export interface AppInput { name: string; kind: string; dataFlow: string }

export async function createApp(program: Program, viewer: Viewer, input: AppInput & { partnerId: string }) {
  requirePartnerOf(viewer, input.partnerId, "partner");
  return program.change(async (tx, record) => {
    const others = await tx.app.findMany({ where: { partnerId: input.partnerId }, select: { name: true } });
    const app = decide(validateApp(input, others.map((o) => o.name)));
    const created = await tx.app.create({ data: { partnerId: input.partnerId, ...app, createdAt: program.now() } });
    await record({
      type: "app.created", actor: actorOf(viewer), subjectId: created.id, partnerId: input.partnerId,
      after: { name: app.name, kind: app.kind, dataFlow: app.dataFlow },
    });
    return created;
  });
}

export async function updateApp(program: Program, viewer: Viewer, input: Partial<AppInput> & { appId: string }) {
  return program.change(async (tx, record) => {
    const app = found(await tx.app.findUnique({ where: { id: input.appId } }), "app");
    requirePartnerOf(viewer, app.partnerId, "app");
    const others = await tx.app.findMany({ where: { partnerId: app.partnerId, id: { not: app.id } }, select: { name: true } });
    const next = decide(validateApp(
      { name: input.name ?? app.name, kind: input.kind ?? app.kind, dataFlow: input.dataFlow ?? app.dataFlow },
      others.map((o) => o.name),
    ));
    if (next.name === app.name && next.kind === app.kind && next.dataFlow === app.dataFlow) return app;
    const updated = await tx.app.update({ where: { id: app.id }, data: next });
    await record({
      type: "app.updated", actor: actorOf(viewer), subjectId: app.id, partnerId: app.partnerId,
      before: { name: app.name, kind: app.kind, dataFlow: app.dataFlow }, after: next,
    });
    return updated;
  });
}

/** A retired app no longer counts as an active app for R-LIST-2; it must not be on a marketplace. */
export async function retireApp(program: Program, viewer: Viewer, input: { appId: string }) {
  return program.change(async (tx, record) => {
    const app = found(await tx.app.findUnique({ where: { id: input.appId } }), "app");
    requirePartnerAdmin(viewer, app.partnerId, "app");
    if (app.status === "RETIRED") return app;
    const active = await tx.listing.findMany({ where: { appId: app.id, state: { in: ["IN_REVIEW", "LIVE", "AT_RISK"] } }, select: { marketplace: true, state: true } });
    // R-LIST-6: the refusal names only the listings the viewer may see.
    const shown = active.filter((l) => canSeeMarketplace(viewer, l.marketplace));
    if (shown.length) {
      throw new RuleViolation({
        rule: "R-LIST-4",
        message: `${app.name} still has listings in review or on a marketplace.`,
        missing: shown.map((l) => `${MARKETPLACE_NAMES[l.marketplace]} listing is ${l.state}`),
        toSatisfy: "Delist (or withdraw) its listings first, then retire the app.",
      });
    }
    // What blocks it is nothing this viewer may see: say no more than that someone else can.
    if (active.length) throw new Forbidden("this app cannot be retired with this sign-in; another admin of the partner can retire it");
    const updated = await tx.app.update({ where: { id: app.id }, data: { status: "RETIRED" } });
    await record({ type: "app.retired", actor: actorOf(viewer), subjectId: app.id, partnerId: app.partnerId, before: { status: app.status }, after: { status: "RETIRED" } });
    return updated;
  });
}

/** A shared customer installed this app as a custom app (R-APP-2). */
export async function registerTestCustomer(
  program: Program,
  viewer: Viewer,
  input: { appId: string; customerRef: string; customerName: string; installedAt?: Date | null },
) {
  const problems: FieldError[] = [];
  const customerRef = checkText(problems, "customerRef", input.customerRef, { min: 1, max: 120 }) ?? "";
  const customerName = checkText(problems, "customerName", input.customerName, { min: 1, max: 200 }) ?? "";
  const now = program.now();
  const installedAt = input.installedAt ?? now;
  if (installedAt.getTime() > now.getTime() + 60_000) problems.push({ field: "installedAt", message: "cannot be in the future" });
  rejectFieldErrors(problems, "R-APP-2");
  return program.change(async (tx, record) => {
    const app = found(await tx.app.findUnique({ where: { id: input.appId } }), "app");
    requirePartnerOf(viewer, app.partnerId, "app");
    if (await tx.testCustomer.findUnique({ where: { appId_customerRef: { appId: app.id, customerRef } } })) {
      throw new Conflict(`customer ${customerRef} is already registered for ${app.name}`);
    }
    const customer = await tx.testCustomer.create({ data: { appId: app.id, customerRef, customerName, installedAt, createdAt: now } });
    await record({
      type: "test-customer.registered", actor: actorOf(viewer), subjectId: app.id, partnerId: app.partnerId,
      after: { testCustomerId: customer.id, customerRef, customerName, installedAsCustomApp: true },
    });
    return customer;
  });
}

/** The test customer used the app (R-APP-2 needs installed *and* used). */
export async function recordTestCustomerUse(program: Program, viewer: Viewer, input: { testCustomerId: string; usedAt?: Date | null }) {
  const now = program.now();
  const usedAt = input.usedAt ?? now;
  return program.change(async (tx, record) => {
    const customer = found(await tx.testCustomer.findUnique({ where: { id: input.testCustomerId }, include: { app: true } }), "test customer");
    requirePartnerOf(viewer, customer.app.partnerId, "test customer");
    const problems: FieldError[] = [];
    if (usedAt < customer.installedAt) problems.push({ field: "usedAt", message: "is before the customer installed the app" });
    if (usedAt.getTime() > now.getTime() + 60_000) problems.push({ field: "usedAt", message: "cannot be in the future" });
    rejectFieldErrors(problems, "R-APP-2");
    const updated = await tx.testCustomer.update({
      where: { id: customer.id },
      data: {
        usageCount: { increment: 1 },
        firstUsedAt: customer.firstUsedAt && customer.firstUsedAt < usedAt ? customer.firstUsedAt : usedAt,
        lastUsedAt: customer.lastUsedAt && customer.lastUsedAt > usedAt ? customer.lastUsedAt : usedAt,
      },
    });
    await record({
      type: "test-customer.used", actor: actorOf(viewer), subjectId: customer.appId, partnerId: customer.app.partnerId,
      before: { usageCount: customer.usageCount }, after: { testCustomerId: customer.id, usageCount: updated.usageCount, usedAt },
    });
    return updated;
  });
}
