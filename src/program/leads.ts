// Leads a partner brings to the program, triaged by staff (R-LEAD-1).
import type { Viewer } from "../auth/viewer.js";
import { triageLead as triageRule, validateLead, type LeadStatus } from "../domain/leads.js";
import { actorOf } from "../events/log.js";
import { Conflict, InvalidInput, rejectFieldErrors } from "./refusals.js";
import { recordedDateProblems } from "../domain/recorded-facts.js";
import { decide, found, requirePartnerOf, requireStaff, requireVisible } from "./guard.js";
import { canSeePartnerPrivate } from "./visibility.js";
import type { Program } from "./program.js";

export async function sendLead(
  program: Program,
  viewer: Viewer,
  input: { partnerId: string; company: string; contactName: string; contactEmail: string; details: string },
) {
  const member = requirePartnerOf(viewer, input.partnerId, "partner");
  const lead = decide(validateLead(input));
  return program.change(async (tx, record) => {
    const now = program.now();
    const created = await tx.lead.create({ data: { partnerId: input.partnerId, ...lead, submittedById: member.memberId, createdAt: now, statusChangedAt: now } });
    await record({
      type: "lead.sent", actor: actorOf(viewer), subjectId: created.id, partnerId: input.partnerId,
      after: { company: lead.company, status: "NEW" },
    });
    return created;
  });
}

export async function triageLead(program: Program, viewer: Viewer, input: { leadId: string; status: LeadStatus; note?: string | null }) {
  return program.change(async (tx, record) => {
    const lead = found(await tx.lead.findUnique({ where: { id: input.leadId } }), "lead");
    // Leads are the partner's and program staff's: to anyone else (integration managers too) one reads as missing.
    requireVisible(canSeePartnerPrivate(viewer, lead.partnerId), "lead");
    const staff = requireStaff(viewer);
    const next = decide(triageRule(lead.status, input.status, input.note));
    const { count } = await tx.lead.updateMany({
      where: { id: lead.id, version: lead.version },
      data: { status: next.status, triageNote: next.triageNote, triagedById: staff.system ? null : staff.staffId, statusChangedAt: program.now(), version: { increment: 1 } },
    });
    if (count !== 1) throw new Conflict("the lead was triaged by someone else at the same time; re-read it and try again");
    await record({
      type: "lead.triaged", actor: actorOf(viewer), subjectId: lead.id, partnerId: lead.partnerId,
      before: { status: lead.status }, after: { status: next.status }, reason: next.triageNote,
    });
    return tx.lead.findUniqueOrThrow({ where: { id: lead.id } });
  });
}

/**
 * R-LEAD-1 / R-TIME-1: program staff record a lead that reached the program outside the API, with its
 * real date and, when it was decided, its outcome and decision date (they count in the year they fell in).
 */
export async function recordLead(
  program: Program,
  viewer: Viewer,
  input: { partnerId: string; company: string; contactName: string; contactEmail: string; details: string; receivedAt: Date; status?: LeadStatus | null; decidedAt?: Date | null },
) {
  const staff = requireStaff(viewer);
  const lead = decide(validateLead(input));
  const status = input.status ?? "NEW";
  const decidedAt = status === "NEW" ? null : (input.decidedAt ?? null);
  if (status !== "NEW" && decidedAt === null) {
    throw new InvalidInput([{ field: "decidedAt", message: `is required with status ${status}: the day the lead was decided` }], "R-TIME-1");
  }
  return program.change(async (tx, record) => {
    const partner = found(await tx.partner.findUnique({ where: { id: input.partnerId }, select: { id: true, createdAt: true } }), "partner");
    const now = program.now();
    rejectFieldErrors(recordedDateProblems(
      { receivedAt: input.receivedAt, closedAt: decidedAt ? { field: "decidedAt", at: decidedAt } : null },
      { now, partnerJoinedAt: partner.createdAt },
    ), "R-TIME-1");
    const created = await tx.lead.create({
      data: { partnerId: partner.id, ...lead, status, recordedById: staff.system ? null : staff.staffId, createdAt: input.receivedAt, statusChangedAt: decidedAt ?? input.receivedAt },
    });
    await record({
      type: "lead.recorded", actor: actorOf(viewer), subjectId: created.id, partnerId: partner.id,
      after: { company: lead.company, status, receivedAt: input.receivedAt, decidedAt },
      reason: "reached the program outside the API; recorded by program staff with its real dates",
    });
    return created;
  });
}
