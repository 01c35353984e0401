// Leads a partner brings to the program, triaged by staff (R-LEAD-1).
import type { Viewer } from "../auth/viewer.js";
import { triageLead as triageRule, validateLead, type LeadStatus } from "../domain/leads.js";
import { actorOf } from "../events/log.js";
import { Conflict } from "./refusals.js";
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
    const created = await tx.lead.create({ data: { partnerId: input.partnerId, ...lead, submittedById: member.memberId } });
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
      data: { status: next.status, triageNote: next.triageNote, triagedById: staff.system ? null : staff.staffId, statusChangedAt: new Date(), version: { increment: 1 } },
    });
    if (count !== 1) throw new Conflict("the lead was triaged by someone else at the same time; re-read it and try again");
    await record({
      type: "lead.triaged", actor: actorOf(viewer), subjectId: lead.id, partnerId: lead.partnerId,
      before: { status: lead.status }, after: { status: next.status }, reason: next.triageNote,
    });
    return tx.lead.findUniqueOrThrow({ where: { id: lead.id } });
  });
}
