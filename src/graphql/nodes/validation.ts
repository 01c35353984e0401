import { builder } from "../builder.js";
import { uuidOrNil } from "../ids.js";
import { validationWhere } from "../../program/visibility.js";
import { MarketplaceEnum, ValidationCheckKindEnum, ValidationPurposeEnum, ValidationStatusEnum } from "../enums.js";

export const AppValidationNode = builder.prismaNode("AppValidation", {
  id: { field: "id" },
  nullable: true,
  // The partner's and staff's; a FedRAMP validation only with clearance, like its listing (R-LIST-6).
  findUnique: (id, ctx) => ({ id: uuidOrNil(id), AND: [validationWhere(ctx.viewer)] }),
  fields: (t) => ({
    marketplace: t.expose("marketplace", { type: MarketplaceEnum }),
    attempt: t.exposeInt("attempt"),
    purpose: t.expose("purpose", { type: ValidationPurposeEnum }),
    status: t.expose("status", { type: ValidationStatusEnum }),
    requestedAt: t.expose("requestedAt", { type: "DateTime" }),
    assignedAt: t.expose("assignedAt", { type: "DateTime", nullable: true }),
    completedAt: t.expose("completedAt", { type: "DateTime", nullable: true }),
    outcomeNotes: t.exposeString("outcomeNotes", { nullable: true }),
    app: t.relation("app"),
    integrationManager: t.relation("integrationManager", {
      nullable: true,
      description: "The integration manager leading this validation (R-APP-3).",
    }),
    testCustomer: t.relation("testCustomer", { nullable: true }),
    checks: t.relation("checks", { query: { orderBy: { kind: "asc" } } }),
  }),
});

export const ValidationCheckNode = builder.prismaObject("ValidationCheck", {
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.expose("kind", { type: ValidationCheckKindEnum }),
    passed: t.exposeBoolean("passed"),
    notes: t.exposeString("notes"),
    recordedAt: t.expose("recordedAt", { type: "DateTime" }),
  }),
});

builder.queryFields((t) => ({
  validations: t.prismaConnection({
    type: "AppValidation",
    cursor: "id",
    description: "Staff: the validation queue (open ones first); a partner: its own apps' validations.",
    authScopes: { authenticated: true },
    args: { status: t.arg({ type: ValidationStatusEnum, required: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.appValidation.findMany({
        ...query,
        where: { AND: [validationWhere(ctx.viewer), args.status ? { status: args.status } : {}] },
        orderBy: [{ requestedAt: "desc" }, { id: "desc" }],
      }),
  }),
}));
