// The small, read-only context every resolver gets: who is asking, the database, the program.
import type { Viewer } from "../auth/viewer.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { SqlRunner } from "../db/database.js";
import type { TokenService } from "../auth/tokens.js";
import type { EventFeed } from "../events/feed.js";
import type { Program } from "../program/program.js";

export interface Context {
  readonly viewer: Viewer;
  readonly prisma: PrismaClient;
  /** The same database for hand-written statements (the storefront's reads). */
  readonly sql: SqlRunner;
  readonly program: Program;
  readonly requestId: string;
  readonly tokens: TokenService;
  /** The process's tail of the event table, for subscriptions. */
  readonly feed: EventFeed;
  /**
   * The feed's head when this request's context was made, before anything of it was read: every
   * event at or below it was committed before any of the request's statements started (the feed
   * learns of an event only after its commit), so what the request reads shows all of them.
   */
  readonly readAfter: bigint;
}
