import { access, programStaffOnly } from "../access.js";
import { builder } from "../builder.js";
import { uuidOrNil, idOf } from "../ids.js";
import { InquiryNode } from "../nodes/inquiry.js";
import { ListingNode } from "../nodes/listing.js";
import { answerInquiry, recordInquiry, sendInquiry } from "../../program/inquiries.js";

builder.mutationFields((t) => {
  // What an inquiry says, however it reached the partner.
  const inquiry = {
    listingId: t.arg.globalID({ required: true, for: ListingNode }),
    senderName: t.arg.string({ required: true }),
    senderEmail: t.arg.string({ required: true }),
    senderCompany: t.arg.string({ required: false }),
    message: t.arg.string({ required: true }),
  };
  return {
  sendInquiry: t.field({
    ...access("anyone", "listing"),
    type: "Boolean",
    description: "Anyone writes to a partner through a live listing's contact form (R-INQ-1).",
    errors: {},
    args: inquiry,
    resolve: async (_root, args, ctx) => {
      await sendInquiry(ctx.program, ctx.viewer, { ...args, listingId: uuidOrNil(args.listingId.id) });
      return true;
    },
  }),
  answerInquiry: t.prismaField({
    ...access("partnerMember", "partnerPrivate"),
    type: InquiryNode,
    description: "The partner answers an inquiry once; the response time counts toward customer centricity.",
    errors: {},
    args: { inquiryId: t.arg.id({ required: true, ...idOf("Inquiry") }), response: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const i = await answerInquiry(ctx.program, ctx.viewer, { inquiryId: uuidOrNil(String(args.inquiryId)), response: args.response });
      return ctx.prisma.inquiry.findUniqueOrThrow({ ...query, where: { id: i.id } });
    },
  }),
  recordInquiry: t.prismaField({
    ...programStaffOnly("an inquiry that reached a partner outside the API is recorded by the program, with its real dates (R-TIME-1); customers write through sendInquiry."),
    type: InquiryNode,
    description: "Staff record an inquiry that reached the partner outside the API, with its real date and, if it was answered, the answer's date (R-INQ-1, R-TIME-1): never in the future, never before the partner joined.",
    errors: {},
    args: {
      ...inquiry,
      receivedAt: t.arg({ type: "DateTime", required: true, description: "When it reached the partner." }),
      respondedAt: t.arg({ type: "DateTime", required: false, description: "When the partner answered, if it did." }),
      response: t.arg.string({ required: false }),
    },
    resolve: async (query, _root, args, ctx) => {
      const i = await recordInquiry(ctx.program, ctx.viewer, { ...args, listingId: uuidOrNil(args.listingId.id) });
      return ctx.prisma.inquiry.findUniqueOrThrow({ ...query, where: { id: i.id } });
    },
  }),
};
});
