import { access } from "../access.js";
import { builder } from "../builder.js";
import { LeadStatusEnum } from "../enums.js";
import { uuidOrNil, idOf } from "../ids.js";
import { LeadNode } from "../nodes/lead.js";
import { PartnerNode } from "../nodes/partner.js";
import { sendLead, triageLead } from "../../program/leads.js";

builder.mutationFields((t) => ({
  sendLead: t.prismaField({
    ...access("partnerMember", "partnerWork"),
    type: LeadNode,
    description: "A partner sends the program a lead (R-LEAD-1).",
    errors: {},
    args: {
      partnerId: t.arg.globalID({ required: true, for: PartnerNode }),
      company: t.arg.string({ required: true }),
      contactName: t.arg.string({ required: true }),
      contactEmail: t.arg.string({ required: true }),
      details: t.arg.string({ required: true }),
    },
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
}));
