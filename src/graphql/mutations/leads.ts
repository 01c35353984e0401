import { access, programStaffOnly } from "../access.js";
import { builder } from "../builder.js";
import { LeadStatusEnum } from "../enums.js";
import { uuidOrNil, idOf } from "../ids.js";
import { LeadNode } from "../nodes/lead.js";
import { PartnerNode } from "../nodes/partner.js";
import { recordLead, sendLead, triageLead } from "../../program/leads.js";

builder.mutationFields((t) => {
  // What a lead says, however it reached the program.
  const lead = {
    partnerId: t.arg.globalID({ required: true, for: PartnerNode }),
    company: t.arg.string({ required: true }),
    contactName: t.arg.string({ required: true }),
    contactEmail: t.arg.string({ required: true }),
    details: t.arg.string({ required: true }),
  };
  return {
  sendLead: t.prismaField({
    ...access("partnerMember", "partnerWork"),
    type: LeadNode,
    description: "A partner sends the program a lead (R-LEAD-1).",
    errors: {},
    args: lead,
    resolve: async (query, _root, args, ctx) => {
      const lead = await sendLead(ctx.program, ctx.viewer, { ...args, partnerId: uuidOrNil(args.partnerId.id) });
      return ctx.prisma.lead.findUniqueOrThrow({ ...query, where: { id: lead.id } });
    },
  }),
  triageLead: t.prismaField({
    ...access("programStaff", "partnerPrivate"),
    type: LeadNode,
    description: "Staff move a lead: NEW → ACCEPTED or REJECTED; ACCEPTED → WON or LOST.",
    errors: {},
    args: { leadId: t.arg.id({ required: true, ...idOf("Lead") }), status: t.arg({ type: LeadStatusEnum, required: true }), note: t.arg.string({ required: false }) },
    resolve: async (query, _root, args, ctx) => {
      const lead = await triageLead(ctx.program, ctx.viewer, { leadId: uuidOrNil(String(args.leadId)), status: args.status, note: args.note });
      return ctx.prisma.lead.findUniqueOrThrow({ ...query, where: { id: lead.id } });
    },
  }),
  recordLead: t.prismaField({
    ...programStaffOnly("a lead that reached the program outside the API is recorded by the program, with its real dates (R-TIME-1); partners send leads with sendLead."),
    type: LeadNode,
    description: "Staff record a lead that reached the program outside the API, with its real date and, if it was decided, its outcome and the decision's date (R-LEAD-1, R-TIME-1): never in the future, never before the partner joined.",
    errors: {},
    args: {
      ...lead,
      receivedAt: t.arg({ type: "DateTime", required: true, description: "When the lead reached the program." }),
      status: t.arg({ type: LeadStatusEnum, required: false, description: "Its outcome so far; default NEW." }),
      decidedAt: t.arg({ type: "DateTime", required: false, description: "When it was decided (required unless NEW)." }),
    },
    resolve: async (query, _root, args, ctx) => {
      const lead = await recordLead(ctx.program, ctx.viewer, { ...args, partnerId: uuidOrNil(args.partnerId.id) });
      return ctx.prisma.lead.findUniqueOrThrow({ ...query, where: { id: lead.id } });
    },
  }),
};
});
