import { access } from "../access.js";
import { builder } from "../builder.js";
import { MarketplaceEnum, ValidationCheckKindEnum, ValidationPurposeEnum } from "../enums.js";
import { uuidOrNil, idOf } from "../ids.js";
import { AppNode } from "../nodes/app.js";
import { StaffUserNode } from "../nodes/staff.js";
import { AppValidationNode, ValidationCheckNode } from "../nodes/validation.js";
import { assignIntegrationManager, completeValidation, recordValidationCheck, requestValidation } from "../../program/validations.js";

const ValidationOutcome = builder.enumType("ValidationOutcome", { values: ["PASSED", "FAILED"] as const });

builder.mutationFields((t) => ({
  requestValidation: t.prismaField({
    ...access("partnerMember", "partnerWork"),
    type: AppValidationNode,
    description: "The partner requests App Validation for an app on a marketplace (R-APP-4); a failed one can be requested again (R-APP-5).",
    errors: {},
    args: {
      appId: t.arg.globalID({ required: true, for: AppNode }),
      marketplace: t.arg({ type: MarketplaceEnum, required: true }),
      purpose: t.arg({ type: ValidationPurposeEnum, required: false, description: "REAPPLICATION after a low-usage delisting (R-USE-4)." }),
      testCustomerId: t.arg.id({ required: false, ...idOf("TestCustomer"), description: "For a re-application: the test customer whose usage is shown." }),
    },
    resolve: async (query, _root, args, ctx) => {
      const v = await requestValidation(ctx.program, ctx.viewer, {
        appId: uuidOrNil(args.appId.id), marketplace: args.marketplace, purpose: args.purpose,
        testCustomerId: args.testCustomerId ? uuidOrNil(String(args.testCustomerId)) : null,
      });
      return ctx.prisma.appValidation.findUniqueOrThrow({ ...query, where: { id: v.id } });
    },
  }),
  assignIntegrationManager: t.prismaField({
    ...access("anyStaff", "partnerWork"),
    type: AppValidationNode,
    description: "Staff assign the integration manager who leads the validation (an integration manager may take it).",
    errors: {},
    args: {
      validationId: t.arg.globalID({ required: true, for: AppValidationNode }),
      managerId: t.arg.globalID({ required: false, for: StaffUserNode }),
    },
    resolve: async (query, _root, args, ctx) => {
      const v = await assignIntegrationManager(ctx.program, ctx.viewer, {
        validationId: uuidOrNil(args.validationId.id), managerId: args.managerId ? uuidOrNil(args.managerId.id) : null,
      });
      return ctx.prisma.appValidation.findUniqueOrThrow({ ...query, where: { id: v.id } });
    },
  }),
  recordValidationCheck: t.prismaField({
    ...access("integrationManager", "partnerWork"),
    type: ValidationCheckNode,
    description: "The assigned integration manager records a check as passed or failed, with notes (R-APP-3).",
    errors: {},
    args: {
      validationId: t.arg.globalID({ required: true, for: AppValidationNode }),
      kind: t.arg({ type: ValidationCheckKindEnum, required: true }),
      passed: t.arg.boolean({ required: true }),
      notes: t.arg.string({ required: true }),
    },
    resolve: async (query, _root, args, ctx) => {
      const c = await recordValidationCheck(ctx.program, ctx.viewer, { ...args, validationId: uuidOrNil(args.validationId.id) });
      return ctx.prisma.validationCheck.findUniqueOrThrow({ ...query, where: { id: c.id } });
    },
  }),
  completeValidation: t.prismaField({
    ...access("integrationManager", "partnerWork"),
    type: AppValidationNode,
    description: "The assigned integration manager completes the validation: PASSED only when every required check passed.",
    errors: {},
    args: {
      validationId: t.arg.globalID({ required: true, for: AppValidationNode }),
      outcome: t.arg({ type: ValidationOutcome, required: true }),
      notes: t.arg.string({ required: false }),
    },
    resolve: async (query, _root, args, ctx) => {
      const v = await completeValidation(ctx.program, ctx.viewer, { ...args, validationId: uuidOrNil(args.validationId.id) });
      return ctx.prisma.appValidation.findUniqueOrThrow({ ...query, where: { id: v.id } });
    },
  }),
}));
