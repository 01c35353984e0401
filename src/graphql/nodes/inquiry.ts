import { builder } from "../builder.js";

export const InquiryNode = builder.prismaObject("Inquiry", {
  description: "A contact-form message sent through a listing (R-INQ-1).",
  fields: (t) => ({
    id: t.exposeID("id"),
    senderName: t.exposeString("senderName"),
    senderEmail: t.exposeString("senderEmail"),
    senderCompany: t.exposeString("senderCompany", { nullable: true }),
    message: t.exposeString("message"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    respondedAt: t.expose("respondedAt", { type: "DateTime", nullable: true }),
    response: t.exposeString("response", { nullable: true }),
    responseSeconds: t.exposeInt("responseSeconds", { nullable: true }),
    listing: t.relation("listing"),
  }),
});
