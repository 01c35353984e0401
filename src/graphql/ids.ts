// Ids: every object has a relay global id (base64 of "Type:uuid"); database ids are UUIDs. A global
// id whose key is no UUID is simply an id of nothing (not found), never a database error; a string
// that is no global id at all, or the id of another type, is the client's mistake: BAD_USER_INPUT.
import { GraphQLError, GraphQLObjectType, type GraphQLSchema } from "graphql";
import { isUuid } from "../program/ids.js";

const NIL = "00000000-0000-0000-0000-000000000000";

/** The id itself when it is a UUID, else an id no row has. */
export const uuidOrNil = (id: string): string => (isUuid(id) ? id : NIL);

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
const TYPE_AND_KEY = /^([A-Z][A-Za-z0-9]*):(.+)$/s;

export function badGlobalId(globalId: string, why: string): GraphQLError {
  const shown = globalId.length > 80 ? `${globalId.slice(0, 80)}…` : globalId;
  return new GraphQLError(`"${shown}" is not a valid id: ${why}`, { extensions: { code: "BAD_USER_INPUT" } });
}

/** The relay plugin's decoder: base64 of "Type:key", or a BAD_USER_INPUT error. */
export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const match = globalId.length > 0 && globalId.length <= 200 && BASE64.test(globalId)
    ? TYPE_AND_KEY.exec(Buffer.from(globalId, "base64").toString("utf8"))
    : null;
  if (!match) throw badGlobalId(globalId, "expected a global id as returned in an object's `id` field");
  return { typename: match[1]!, id: match[2]! };
}

/** node/nodes: an id of a type that is no Node (or no type at all) is a bad id, not a server error. */
export function requireNodeType(id: { typename: string }, schema: GraphQLSchema): void {
  const type = schema.getType(id.typename);
  if (!(type instanceof GraphQLObjectType) || !type.getInterfaces().some((i) => i.name === "Node")) {
    throw new GraphQLError(`no object type ${id.typename.slice(0, 80)} has ids`, { extensions: { code: "BAD_USER_INPUT" } });
  }
}

/**
 * A prisma field that answers without reading must still mark its query as used, or
 * plugin-prisma's onUnusedQuery check (on outside production) reports an error.
 */
export function answeredWithoutQuery<T>(query: object, value: T): T {
  void { ...query };
  return value;
}

/**
 * For an ID argument of a type that is no Node (its `id` is the database id): names the type, as a
 * relay global id argument names its own (`relayGlobalIDFor`), for the API's tools and tests.
 */
export const idOf = (typename: string) => ({ extensions: { idOf: typename } });
