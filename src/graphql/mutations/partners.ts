import { access } from "../access.js";
import { builder } from "../builder.js";
import { AgreementKindEnum, PartnerRoleEnum } from "../enums.js";
import { uuidOrNil } from "../ids.js";
import { PartnerMemberNode, PartnerNode } from "../nodes/partner.js";
import { AgreementDocumentNode, AgreementSignatureNode } from "../nodes/agreement.js";
import { inviteMember, publishAgreement, removeMember, signAgreement, signUpPartner } from "../../program/partners.js";


builder.mutationFields((t) => ({
  signUpPartner: t.field({
    ...access("anyone", "nothing"),
    type: builder.objectRef<{ partnerId: string; adminToken: string }>("PartnerSignUpPayload").implement({
      description: "The new partner and its first admin's token. The token is always returned: the partner is read as the caller may see it, and a field the caller may not read nulls only `partner`.",
      fields: (f) => ({
        adminToken: f.exposeString("adminToken", { description: "The new admin's token: send it as `Authorization: Bearer <token>` to act as the admin." }),
        partner: f.prismaField({
          type: PartnerNode,
          nullable: true,
          description: "The new partner, as the caller may see it (its private fields need the admin token).",
          resolve: (query, p, _a, ctx) => ctx.prisma.partner.findUnique({ ...query, where: { id: p.partnerId } }),
        }),
      }),
    }),
    description: "Join the program: a new partner at the entry tier (R-PART-1) with its first admin. No fee (R-PART-4).",
    errors: {},
    args: {
      input: t.arg({
        required: true,
        type: builder.inputType("SignUpPartnerInput", {
          fields: (f) => ({
            name: f.string({ required: true }),
            slug: f.string({ required: false }),
            website: f.string({ required: false }),
            adminName: f.string({ required: true }),
            adminEmail: f.string({ required: true }),
          }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      const { partner, admin } = await signUpPartner(ctx.program, ctx.viewer, input);
      const adminToken = await ctx.tokens.sign({ sub: admin.id, role: "partner-admin", partnerId: partner.id });
      return { partnerId: partner.id, adminToken };
    },
  }),
  inviteMember: t.prismaField({
    ...access("partnerAdmin", "partnerWork"),
    type: PartnerMemberNode,
    description: "A partner admin adds a member or admin to the partner.",
    errors: {},
    args: {
      partnerId: t.arg.globalID({ required: true, for: PartnerNode }),
      name: t.arg.string({ required: true }),
      email: t.arg.string({ required: true }),
      role: t.arg({ type: PartnerRoleEnum, required: true }),
    },
    resolve: async (query, _root, args, ctx) => {
      const m = await inviteMember(ctx.program, ctx.viewer, { ...args, partnerId: uuidOrNil(args.partnerId.id) });
      return ctx.prisma.partnerMember.findUniqueOrThrow({ ...query, where: { id: m.id } });
    },
  }),
  removeMember: t.field({
    ...access("partnerAdmin", "partnerPrivate"),
    type: "Boolean",
    description: "A partner admin removes a member; the member's tokens stop working at once.",
    errors: {},
    args: { memberId: t.arg.globalID({ required: true, for: PartnerMemberNode }) },
    resolve: async (_root, args, ctx) => {
      await removeMember(ctx.program, ctx.viewer, { memberId: uuidOrNil(args.memberId.id) });
      return true;
    },
  }),
  publishAgreement: t.prismaField({
    ...access("programStaff", "nothing"),
    type: AgreementDocumentNode,
    description: "Staff publish a new version of a standard agreement; partners on older versions must re-sign (R-PART-5).",
    errors: {},
    args: {
      kind: t.arg({ type: AgreementKindEnum, required: true }),
      title: t.arg.string({ required: true }),
      body: t.arg.string({ required: true }),
    },
    resolve: async (query, _root, args, ctx) => {
      const doc = await publishAgreement(ctx.program, ctx.viewer, args);
      return ctx.prisma.agreementDocument.findUniqueOrThrow({ ...query, where: { id: doc.id } });
    },
  }),
  signAgreement: t.prismaField({
    ...access("partnerAdmin", "partnerWork"),
    type: AgreementSignatureNode,
    description: "A partner admin signs the current version exactly as published (R-PART-3: no redlines).",
    errors: {},
    args: {
      partnerId: t.arg.globalID({ required: true, for: PartnerNode }),
      kind: t.arg({ type: AgreementKindEnum, required: true }),
      version: t.arg.int({ required: true }),
      bodySha256: t.arg.string({ required: true, description: "sha-256 of the text being signed, as shown on the document." }),
      proposedChanges: t.arg.string({ required: false, description: "Redlines are not accepted; anything here is refused." }),
    },
    resolve: async (query, _root, args, ctx) => {
      const sig = await signAgreement(ctx.program, ctx.viewer, { ...args, partnerId: uuidOrNil(args.partnerId.id) });
      return ctx.prisma.agreementSignature.findUniqueOrThrow({ ...query, where: { id: sig.id } });
    },
  }),
}));

