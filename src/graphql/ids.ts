// Ids: every object has a relay global id; database ids are UUIDs. A malformed id is simply
// an id of nothing (not found), never a database error.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL = "00000000-0000-0000-0000-000000000000";

export const isUuid = (id: unknown): id is string => typeof id === "string" && UUID.test(id);

/** The id itself when it is a UUID, else an id no row has. */
export const uuidOrNil = (id: string): string => (isUuid(id) ? id : NIL);

/**
 * A prisma field that answers without reading must still mark its query as used, or
 * plugin-prisma's onUnusedQuery check (on outside production) reports an error.
 */
export function answeredWithoutQuery<T>(query: object, value: T): T {
  void { ...query };
  return value;
}
