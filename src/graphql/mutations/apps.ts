import { access } from "../access.js";
import { builder } from "../builder.js";
import { AppKindEnum, DataFlowEnum } from "../enums.js";
import { uuidOrNil, idOf } from "../ids.js";
import { AppNode, TestCustomerNode } from "../nodes/app.js";
import { PartnerNode } from "../nodes/partner.js";
import { createApp, recordTestCustomerUse, registerTestCustomer, retireApp, updateApp } from "../../program/apps.js";

builder.mutationFields((t) => ({
  createApp: t.prismaField({
    ...access("partnerMember", "partnerWork"),
    type: AppNode,
    description: "A partner's new app with its kind and data flow (R-APP-1).",
    errors: {},
    args: {
      partnerId: t.arg.globalID({ required: true, for: PartnerNode }),
      name: t.arg.string({ required: true }),
      kind: t.arg({ type: AppKindEnum, required: true }),
      dataFlow: t.arg({ type: DataFlowEnum, required: true }),
    },
    resolve: async (query, _root, args, ctx) => {
      const app = await createApp(ctx.program, ctx.viewer, { ...args, partnerId: uuidOrNil(args.partnerId.id) });
      return ctx.prisma.app.findUniqueOrThrow({ ...query, where: { id: app.id } });
    },
  }),
  updateApp: t.prismaField({
    ...access("partnerMember", "partnerWork"),
    type: AppNode,
    errors: {},
    args: {
      appId: t.arg.globalID({ required: true, for: AppNode }),
      name: t.arg.string({ required: false }),
      kind: t.arg({ type: AppKindEnum, required: false }),
      dataFlow: t.arg({ type: DataFlowEnum, required: false }),
    },
    resolve: async (query, _root, args, ctx) => {
      const app = await updateApp(ctx.program, ctx.viewer, {
        appId: uuidOrNil(args.appId.id), name: args.name ?? undefined, kind: args.kind ?? undefined, dataFlow: args.dataFlow ?? undefined,
      });
      return ctx.prisma.app.findUniqueOrThrow({ ...query, where: { id: app.id } });
    },
  }),
  retireApp: t.prismaField({
    ...access("partnerAdmin", "partnerWork"),
    type: AppNode,
    description: "A retired app no longer counts as an active app (R-LIST-2); it must have no listing on a marketplace.",
    errors: {},
    args: { appId: t.arg.globalID({ required: true, for: AppNode }) },
    resolve: async (query, _root, args, ctx) => {
      const app = await retireApp(ctx.program, ctx.viewer, { appId: uuidOrNil(args.appId.id) });
      return ctx.prisma.app.findUniqueOrThrow({ ...query, where: { id: app.id } });
    },
  }),
  registerTestCustomer: t.prismaField({
    ...access("partnerMember", "partnerWork"),
    type: TestCustomerNode,
    description: "A shared customer installed the app as a custom app (R-APP-2).",
    errors: {},
    args: {
      appId: t.arg.globalID({ required: true, for: AppNode }),
      customerRef: t.arg.string({ required: true, description: "The customer's id on the platform." }),
      customerName: t.arg.string({ required: true }),
      installedAt: t.arg({ type: "DateTime", required: false }),
    },
    resolve: async (query, _root, args, ctx) => {
      const c = await registerTestCustomer(ctx.program, ctx.viewer, { ...args, appId: uuidOrNil(args.appId.id) });
      return ctx.prisma.testCustomer.findUniqueOrThrow({ ...query, where: { id: c.id } });
    },
  }),
  recordTestCustomerUse: t.prismaField({
    ...access("partnerMember", "partnerWork"),
    type: TestCustomerNode,
    description: "The test customer used the app (R-APP-2 needs an install and use).",
    errors: {},
    args: { testCustomerId: t.arg.id({ required: true, ...idOf("TestCustomer") }), usedAt: t.arg({ type: "DateTime", required: false }) },
    resolve: async (query, _root, args, ctx) => {
      const c = await recordTestCustomerUse(ctx.program, ctx.viewer, { testCustomerId: uuidOrNil(String(args.testCustomerId)), usedAt: args.usedAt });
      return ctx.prisma.testCustomer.findUniqueOrThrow({ ...query, where: { id: c.id } });
    },
  }),
}));
