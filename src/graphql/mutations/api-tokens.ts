// A partner admin's API tokens for the partner's own systems: created (the secret shown once) and revoked.
import { createApiToken, revokeApiToken } from "../../program/api-tokens.js";
import { access } from "../access.js";
import { builder } from "../builder.js";
import { uuidOrNil, idOf } from "../ids.js";
import { ApiTokenNode } from "../nodes/api-token.js";
import { PartnerNode } from "../nodes/partner.js";

const CreatedApiToken = builder.objectRef<{ secret: string; tokenId: string }>("CreatedApiToken").implement({
  fields: (t) => ({
    secret: t.exposeString("secret", { description: "Use as `Authorization: Bearer <secret>`. Shown only now: store it safely." }),
    apiToken: t.prismaField({
      type: ApiTokenNode,
      resolve: (query, p, _args, ctx) => ctx.prisma.apiToken.findUniqueOrThrow({ ...query, where: { id: p.tokenId } }),
    }),
  }),
});

builder.mutationFields((t) => ({
  createApiToken: t.field({
    ...access("partnerAdmin", "partnerWork"),
    type: CreatedApiToken,
    description: "A partner admin creates an API token for the partner's own systems (acts as a partner member).",
    errors: {},
    args: {
      partnerId: t.arg.globalID({ required: true, for: PartnerNode }),
      name: t.arg.string({ required: true }),
      expiresInDays: t.arg.int({ required: false, description: "1 to 730; without it the token lasts until revoked." }),
    },
    resolve: async (_root, args, ctx) => {
      const { token, secret } = await createApiToken(ctx.program, ctx.viewer, { partnerId: uuidOrNil(args.partnerId.id), name: args.name, expiresInDays: args.expiresInDays });
      return { secret, tokenId: token.id };
    },
  }),
  revokeApiToken: t.prismaField({
    ...access("partnerAdmin", "partnerPrivate"),
    type: ApiTokenNode,
    description: "Revoked at once: HTTP requests with it are refused and its WebSocket subscriptions are closed.",
    errors: {},
    args: { apiTokenId: t.arg.id({ required: true, ...idOf("ApiToken") }) },
    resolve: async (query, _root, args, ctx) => {
      const token = await revokeApiToken(ctx.program, ctx.viewer, { apiTokenId: uuidOrNil(String(args.apiTokenId)) });
      return ctx.prisma.apiToken.findUniqueOrThrow({ ...query, where: { id: token.id } });
    },
  }),
}));
