// The storefront's rows through the Prisma plugin's types (Listing, ListingRevision, Partner, App):
// a field that declares how it reads a storefront row (`extensions.storefrontRow`) answers from the
// row as it comes when its parent is one (program/storefront.ts reads the page and every card
// column in one statement); any other parent goes on to the Prisma plugin's resolver as before.
// Listed after scope-auth and before Prisma, so a field's auth scopes still apply and Prisma's
// selection lookups and loaders are never reached for a storefront row.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import type { GraphQLFieldResolver } from "graphql";
import { isStorefrontRow } from "../program/storefront.js";

/** How a field reads a storefront row (its parent as read by program/storefront.ts). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FromStorefrontRow = (row: any, ctx: any) => unknown;

export const fromStorefrontRow = (read: FromStorefrontRow) => ({ storefrontRow: read });

export class StorefrontRowsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types["Context"], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> {
    const read = fieldConfig.extensions?.storefrontRow as FromStorefrontRow | undefined;
    if (!read) return resolver;
    return (parent, args, ctx, info) => (isStorefrontRow(parent) ? read(parent, ctx) : resolver(parent, args, ctx, info));
  }
}

SchemaBuilder.registerPlugin("storefrontRows", StorefrontRowsPlugin);

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      storefrontRows: StorefrontRowsPlugin<Types>;
    }
  }
}
