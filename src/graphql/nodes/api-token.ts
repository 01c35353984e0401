import { builder } from "../builder.js";

export const ApiTokenNode = builder.prismaObject("ApiToken", {
  description: "A long-lived token for a partner's own systems. The secret is shown once, at creation; only its hash is kept.",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
  }),
});
