import { delistingRisk } from "../../program/low-usage.js";
import { builder } from "../builder.js";
import { uuidOrNil } from "../ids.js";
import { appWhere, eventWhere, listingWhere, ownPartnerId } from "../../program/visibility.js";
import { visibleMarketplaces } from "../../domain/listings/marketplaces.js";
import { AppKindEnum, AppStatusEnum, DataFlowEnum } from "../enums.js";
import { DelistingRiskType } from "./delisting-risk.js";
import { PartnerNode } from "./partner.js";

const ownOf = (parent: { partnerId: string }) => ({ ownPartner: parent.partnerId });

export const AppNode = builder.prismaNode("App", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id: uuidOrNil(id), AND: [appWhere(ctx.viewer)] }),
  fields: (t) => ({
    name: t.exposeString("name"),
    kind: t.expose("kind", { type: AppKindEnum }),
    dataFlow: t.expose("dataFlow", { type: DataFlowEnum }),
    status: t.expose("status", { type: AppStatusEnum }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    launchedAt: t.expose("launchedAt", { type: "DateTime", nullable: true }),
    partner: t.relation("partner"),
    listings: t.relation("listings", {
      query: (_args, ctx) => ({ where: listingWhere(ctx.viewer), orderBy: { marketplace: "asc" } }),
    }),
    testCustomers: t.relation("testCustomers", { authScopes: ownOf, query: { orderBy: { createdAt: "asc" } } }),
    validations: t.relation("validations", {
      authScopes: ownOf,
      description: "Every attempt on every marketplace the viewer may see (a FedRAMP validation with clearance only).",
      query: (_args, ctx) => ({ where: { marketplace: { in: visibleMarketplaces(ctx.viewer) } }, orderBy: [{ marketplace: "asc" }, { attempt: "desc" }] }),
    }),
    events: t.relatedConnection("events", {
      cursor: "position",
      authScopes: ownOf,
      description: "This app's history (validations, test customers, listings), newest first (FedRAMP listing events with clearance only).",
      query: (_args, ctx) => ({ where: eventWhere(ctx.viewer), orderBy: { position: "desc" } }),
    }),
    usage: t.relation("usage", {
      authScopes: (app) => ({ partnerPrivate: app.partnerId }),
      description: "Monthly usage (R-USE-1), newest first: the partner and program staff.",
      args: { months: t.arg.int({ required: false, defaultValue: 24 }) },
      query: ({ months }) => ({ orderBy: { month: "desc" }, take: Math.min(Math.max(months ?? 24, 1), 120) }),
    }),
    delistingRisk: t.field({
      type: DelistingRiskType,
      nullable: true,
      authScopes: (a) => ({ partnerPrivate: a.partnerId }),
      description: "R-USE-2 for the app's listing closest to delisting (at risk with the earliest deadline, else live); null when none is on a marketplace.",
      args: { asOf: t.arg({ type: "Date", required: false }) },
      select: {
        id: true,
        listings: {
          where: { state: { in: ["LIVE", "AT_RISK"] } },
          select: { state: true, atRiskDeadline: true, firstLiveAt: true, marketplace: true },
          orderBy: [{ atRiskDeadline: { sort: "asc", nulls: "last" } }, { marketplace: "asc" }],
        },
      },
      resolve: async (a, args, ctx) => {
        const l = a.listings.find((x) => visibleMarketplaces(ctx.viewer).includes(x.marketplace));
        if (!l) return null;
        return { ...(await delistingRisk(ctx.prisma, { appId: a.id, ...l }, args.asOf ?? ctx.program.today())), marketplace: l.marketplace };
      },
    }),
  }),
});

export const TestCustomerNode = builder.prismaObject("TestCustomer", {
  fields: (t) => ({
    id: t.exposeID("id"),
    customerRef: t.exposeString("customerRef"),
    customerName: t.exposeString("customerName"),
    installedAt: t.expose("installedAt", { type: "DateTime" }),
    firstUsedAt: t.expose("firstUsedAt", { type: "DateTime", nullable: true }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true }),
    usageCount: t.exposeInt("usageCount"),
  }),
});

export const UsageMonthNode = builder.prismaObject("UsageMonth", {
  fields: (t) => ({
    month: t.expose("month", { type: "Date" }),
    activeCustomers: t.exposeInt("activeCustomers"),
    installs: t.exposeInt("installs"),
    uninstalls: t.exposeInt("uninstalls"),
    pushCalls: t.expose("pushCalls", { type: "BigInt" }),
    pullCalls: t.expose("pullCalls", { type: "BigInt" }),
  }),
});

builder.queryFields((t) => ({
  apps: t.prismaConnection({
    type: "App",
    cursor: "id",
    authScopes: { authenticated: true },
    args: { partnerId: t.arg.globalID({ required: false, for: PartnerNode }) },
    description: "Staff see every app; a partner sees its own.",
    resolve: (query, _root, args, ctx) => {
      const own = ownPartnerId(ctx.viewer);
      return ctx.prisma.app.findMany({
        ...query,
        where: {
          AND: [
            own === undefined ? {} : { partnerId: own },
            args.partnerId ? { partnerId: uuidOrNil(args.partnerId.id) } : {},
          ],
        },
        orderBy: { id: "asc" },
      });
    },
  }),
}));
