// A fresh, migrated database and a service around it for one test file, on PGlite or PostgreSQL,
// plus a GraphQL client that goes through the real Yoga HTTP handler.
import { randomBytes } from "node:crypto";
import { readFile, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import type { TokenClaims } from "../../src/auth/tokens.js";
import { loadConfig, type Config } from "../../src/config.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import type { Clock } from "../../src/program/clock.js";
import { createService, type Service } from "../../src/server/app.js";
import { adminUrl } from "./global-setup.js";

export const onPostgres = !!process.env.DATABASE_URL;

export interface TestDatabase {
  readonly db: Database;
  readonly url: string | undefined;
  drop(): Promise<void>;
}

export async function freshDatabase(opts: { log?: (e: { query: string }) => void; poolSize?: number } = {}): Promise<TestDatabase> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const name = `pp_t_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl(databaseUrl) });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE ${inject("pgTemplate")}`);
    await admin.end();
    const u = new URL(databaseUrl);
    u.pathname = `/${name}`;
    const db = await openDatabase({ databaseUrl: u.toString(), log: opts.log, poolSize: opts.poolSize ?? 10 });
    return {
      db,
      url: u.toString(),
      drop: async () => {
        await db.close().catch(() => {});
        const a = new pg.Client({ connectionString: adminUrl(databaseUrl) });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await a.end();
      },
    };
  }
  const snapshot = new Blob([await readFile(inject("pgliteSnapshot"))]);
  const db = await openDatabase({ pgliteSnapshot: snapshot, log: opts.log });
  return { db, url: undefined, drop: () => db.close() };
}

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export interface TestService {
  readonly service: Service;
  readonly config: Config;
  readonly tdb: TestDatabase;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>>;
  token(claims: TokenClaims, ttl?: string): Promise<string>;
  /** Set with `listen: true`: the real HTTP/WebSocket server on a free port. */
  readonly port: number | undefined;
  close(): Promise<void>;
}

/** A program clock a test moves by hand (R-TIME-1): the program lives on whatever day the test sets. */
export interface ManualClock extends Clock {
  set(iso: string): void;
}

export function manualClock(iso: string): ManualClock {
  let at = new Date(iso);
  return { now: () => new Date(at), set: (next) => void (at = new Date(next)) };
}

export async function startTestService(
  opts: { env?: Record<string, string>; log?: (e: { query: string }) => void; listen?: boolean; clock?: Clock } = {},
): Promise<TestService> {
  const tdb = await freshDatabase({ log: opts.log });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "pp-test-"));
  const config = loadConfig({
    DATA_DIR: dataDir,
    AUTH_SECRET: "test-secret-test-secret-test-secret-123",
    SEED_DEMO_DATA: "false",
    MIGRATE_ON_START: "false",
    // Tests fire many mutations from one token; the rate-limit tests set their own limits.
    RATE_LIMIT_MUTATIONS_PER_MINUTE: "1000000",
    RATE_LIMIT_INQUIRIES_PER_MINUTE: "1000000",
    ...(tdb.url ? { DATABASE_URL: tdb.url } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...opts.env,
  });
  const service = await createService(config, { db: tdb.db, clock: opts.clock });
  const port = opts.listen ? await service.http.listen(0, "127.0.0.1") : undefined;
  return {
    service,
    config,
    tdb,
    port,
    async gql(query, variables, token) {
      const res = await service.yoga.fetch("http://test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as GqlResult;
      return { status: res.status, data: body.data, errors: body.errors };
    },
    token: (claims, ttl) => service.tokens.sign(claims, ttl),
    async close() {
      await service.close(0);
      await tdb.drop();
    },
  };
}
