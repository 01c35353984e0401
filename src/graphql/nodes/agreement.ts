import { builder } from "../builder.js";
import { AgreementKindEnum } from "../enums.js";

export const AgreementDocumentNode = builder.prismaObject("AgreementDocument", {
  description: "A published, standard agreement version (R-PART-2, R-PART-3). Anyone may read it before joining.",
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.expose("kind", { type: AgreementKindEnum }),
    version: t.exposeInt("version"),
    title: t.exposeString("title"),
    body: t.exposeString("body"),
    bodySha256: t.exposeString("bodySha256"),
    publishedAt: t.expose("publishedAt", { type: "DateTime" }),
  }),
});

export const AgreementSignatureNode = builder.prismaObject("AgreementSignature", {
  description: "Who signed which version, when (R-PART-5).",
  fields: (t) => ({
    id: t.exposeID("id"),
    signedAt: t.expose("signedAt", { type: "DateTime" }),
    document: t.relation("document"),
    signedBy: t.relation("signedBy"),
  }),
});

builder.queryFields((t) => ({
  currentAgreements: t.prismaField({
    type: ["AgreementDocument"],
    description: "The current version of each agreement a partner must sign.",
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.agreementDocument.findMany({
        ...query,
        distinct: ["kind"],
        orderBy: [{ kind: "asc" }, { version: "desc" }],
      }),
  }),
}));
