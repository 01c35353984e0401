// One place that opens the database: PGlite in a folder (embedded default) or PostgreSQL.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { PGliteClient } from "./pglite-client.js";
import type { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { claimDataFolder, type DataFolderClaim } from "./data-folder.js";
import { templateFor } from "./pglite-template.js";
import { applyPendingMigrations, pendingMigrationNames } from "./migrations.js";

export type Db = PrismaClient;

/** A statement of the hot read paths: its text, and the name it is prepared under on PostgreSQL. */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/**
 * Hand-written SQL beside Prisma (the storefront's reads): parameterized always; on PostgreSQL a
 * named prepared statement per connection unless turned off (PREPARED_STATEMENTS=false, for a
 * transaction-mode pooler such as PgBouncer, where consecutive statements may land on different
 * server connections that never saw the PREPARE).
 */
export interface SqlRunner {
  query<T>(statement: Statement, values: readonly unknown[]): Promise<T[]>;
}

export interface Database {
  readonly kind: "pglite" | "postgresql";
  readonly prisma: PrismaClient;
  /** The same database, for hand-written statements (the adapter's pg Pool, or PGlite's own query API). */
  readonly sql: SqlRunner;
  /** The adapter factory, for the schema engine (migrations). */
  readonly adapter: SqlMigrationAwareDriverAdapterFactory;
  /** Applies pending migrations; safe when several instances start at once. */
  migrate(): Promise<string[]>;
  /** Names of migrations on disk not yet applied (readiness). */
  pendingMigrations(): Promise<string[]>;
  /** Cheap round trip (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** PGlite data folder; undefined with no databaseUrl = in memory. */
  dataDir?: string | undefined;
  /**
   * The claim on the folder holding `dataDir` (DATA_DIR), when the caller took it already (npm start
   * takes it before anything else); otherwise it is claimed here. Released when the database closes.
   */
  dataFolder?: DataFolderClaim | undefined;
  /**
   * A new PGlite folder starts from the install's migrated template (pglite-template.ts) instead of
   * an initdb: for callers that would apply the migrations anyway (MIGRATE_ON_START, db:migrate).
   */
  fromTemplate?: boolean;
  /** Load a PGlite data directory dump (tests start from a migrated snapshot). */
  pgliteSnapshot?: Blob | File | undefined;
  poolSize?: number;
  /** Named prepared statements for SqlRunner (default true). */
  preparedStatements?: boolean;
  /** PGlite on a worker thread of its own (default true; pglite-client.ts); false: on this thread. */
  pgliteWorker?: boolean | undefined;
  log?: (event: { query: string; durationMs: number }) => void;
}

// Migrations from several instances at once: a session-level advisory lock on PostgreSQL.
const MIGRATION_LOCK = 7707070708;

/** The operations that take a relationLoadStrategy. */
const LOAD_STRATEGY_OPERATIONS = new Set(["findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany", "create", "update", "upsert", "delete"]);

function createClient(adapter: SqlMigrationAwareDriverAdapterFactory, opts: OpenOptions): PrismaClient {
  const base = opts.log
    ? new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] })
    : new PrismaClient({ adapter });
  if (opts.log) base.$on("query" as never, (e: { query: string; duration: number }) => opts.log?.({ query: e.query, durationMs: e.duration }));
  // plugin-prisma asks for `select: {}` when a client selects only __typename of an object;
  // Prisma refuses an empty select, so such a read takes the whole row instead.
  // With the relationJoins preview on, Prisma would load relations with joins everywhere; reads
  // keep one query per relation unless they ask for "join" (the storefront's listing page does).
  return base.$extends({
    query: {
      $allModels: {
        $allOperations({ operation, args, query }) {
          let a = args as { select?: object; relationLoadStrategy?: string } | undefined;
          if (a?.select && Object.keys(a.select).length === 0) {
            const { select: _empty, ...rest } = a;
            a = rest;
          }
          if (a && LOAD_STRATEGY_OPERATIONS.has(operation) && !a.relationLoadStrategy) a = { ...a, relationLoadStrategy: "query" };
          return query(a as typeof args);
        },
      },
    },
  }) as unknown as PrismaClient;
}

/** With a query log (tests count statements), hand-written statements are logged like Prisma's. */
function logged(runner: SqlRunner, opts: OpenOptions): SqlRunner {
  const log = opts.log;
  if (!log) return runner;
  return {
    async query<T>(s: Statement, values: readonly unknown[]) {
      const t0 = performance.now();
      try {
        return await runner.query<T>(s, values);
      } finally {
        log({ query: s.text, durationMs: performance.now() - t0 });
      }
    },
  };
}

async function appliedMigrationNames(prisma: PrismaClient): Promise<string[]> {
  try {
    const rows = await prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return rows.map((r) => r.migration_name);
  } catch {
    return [];
  }
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const db = opts.databaseUrl ? await openPostgres(opts.databaseUrl, opts) : await openPglite(opts);
  // Loads the client's query compiler (WebAssembly) now, as part of opening, rather than on the
  // first query: npm start opens the database while the GraphQL stack loads (main.ts).
  try {
    await db.prisma.$connect();
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return db;
}

// Each kind's driver is loaded only when that kind is opened: a start-up pays for one of them.
const loadPglite = () => Promise.all([import("./pglite-client.js"), import("pglite-prisma-adapter")]);
const loadPg = () => Promise.all([import("pg"), import("@prisma/adapter-pg")]);

async function openPglite(opts: OpenOptions): Promise<Database> {
  const [{ PGliteClient }, { PrismaPGlite }] = await loadPglite();
  let client: PGliteClient;
  let claim: DataFolderClaim | undefined;
  const thread = { worker: opts.pgliteWorker ?? true };
  if (opts.dataDir) {
    await mkdir(path.dirname(opts.dataDir), { recursive: true });
    claim = opts.dataFolder ?? (await claimDataFolder(path.dirname(opts.dataDir)));
    try {
      // A new folder starts from the install's template (pglite-template.ts), when there is one.
      const template = opts.fromTemplate && !existsSync(path.join(opts.dataDir, "PG_VERSION")) ? await templateFor() : undefined;
      client = await PGliteClient.create({ dataDir: opts.dataDir, ...(template ? { loadDataDir: template } : {}) }, thread);
    } catch (err) {
      claim.release();
      throw err;
    }
  } else {
    client = await PGliteClient.create(opts.pgliteSnapshot ? { loadDataDir: opts.pgliteSnapshot } : {}, thread);
  }
  const adapter = new PrismaPGlite(client.asPGlite());
  const prisma = createClient(adapter, opts);
  const sql = logged(opts.preparedStatements === false
    ? { query: async <T>(s: Statement, values: readonly unknown[]) => (await client.query<T>(s.text, [...values])).rows }
    : { query: <T>(s: Statement, values: readonly unknown[]) => client.statement<T>(s.name, s.text, values) }, opts);
  return {
    kind: "pglite",
    prisma,
    sql,
    adapter,
    // The schema engine (WebAssembly, ~1 s to load) only when the folder has a migration the database lacks.
    migrate: async () => ((await pendingMigrationNames(await appliedMigrationNames(prisma))).length ? applyPendingMigrations(adapter) : []),
    pendingMigrations: async () => pendingMigrationNames(await appliedMigrationNames(prisma)),
    ping: async () => {
      await client.query("SELECT 1");
    },
    close: async () => {
      await prisma.$disconnect();
      await client.close();
      claim?.release();
    },
  };
}

async function openPostgres(databaseUrl: string, opts: OpenOptions): Promise<Database> {
  const [{ default: pg }, { PrismaPg }] = await loadPg();
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // A dropped connection must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  try {
    const c = await pool.connect();
    c.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new DatabaseUnavailableError(describePgError(err, databaseUrl));
  }
  const adapter = new PrismaPg(pool);
  const prisma = createClient(adapter, opts);
  const prepared = opts.preparedStatements ?? true;
  // The storefront's named statements get connections of their own that plan them generically: once
  // per connection, then reused. PostgreSQL's own choice re-plans the listings page on every call (its
  // generic plan looks costlier on paper than it runs: 2.5-2.8 ms against 4.2-4.6 ms per page on
  // 10,000 listings), and the same setting on Prisma's connections would also give its unnamed
  // statements generic plans. Without prepared statements (behind PgBouncer) the shared pool.
  const statementPool = prepared
    ? new pg.Pool({
      connectionString: databaseUrl, max: opts.poolSize ?? 10, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000,
      // In the startup packet: set before the connection's first statement.
      options: "-c plan_cache_mode=force_generic_plan",
    })
    : pool;
  if (statementPool !== pool) statementPool.on("error", () => {});
  const sql = logged({
    query: async <T>(s: Statement, values: readonly unknown[]) =>
      (await statementPool.query<T & pg.QueryResultRow>(prepared ? { name: s.name, text: s.text, values: [...values] } : { text: s.text, values: [...values] })).rows,
  }, opts);
  return {
    kind: "postgresql",
    prisma,
    sql,
    adapter,
    migrate: async () => {
      // Up to date (the usual start): no lock, no schema engine.
      if (!(await pendingMigrationNames(await appliedMigrationNames(prisma))).length) return [];
      // Connections of their own, ended afterwards: the schema engine takes Prisma's session-level
      // advisory lock and never releases it, so a connection it used must not go back to the shared
      // pool (another instance's migration would wait on that lock until the connection idled out).
      const migrationPool = new pg.Pool({ connectionString: databaseUrl, max: 4, connectionTimeoutMillis: 5000 });
      migrationPool.on("error", () => {});
      try {
        const lockClient = await migrationPool.connect();
        try {
          await lockClient.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
          return await applyPendingMigrations(wholeScriptAdapter(new PrismaPg(migrationPool), migrationPool));
        } finally {
          await lockClient.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
          lockClient.release();
        }
      } finally {
        await migrationPool.end().catch(() => {});
      }
    },
    pendingMigrations: async () => pendingMigrationNames(await appliedMigrationNames(prisma)),
    ping: async () => {
      await pool.query("SELECT 1");
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
      if (statementPool !== pool) await statementPool.end().catch(() => {});
    },
  };
}

/**
 * @prisma/adapter-pg runs a script by splitting it on ";", which breaks PL/pgSQL function bodies in
 * our migrations. This factory hands the schema engine adapters that send a script whole: one
 * simple-query round trip, which PostgreSQL also runs as one implicit transaction.
 */
function wholeScriptAdapter(inner: PrismaPg, pool: pg.Pool): SqlMigrationAwareDriverAdapterFactory {
  const patch = <T extends { executeScript(script: string): Promise<void> }>(a: T, target: pg.Pool): T => {
    a.executeScript = async (script: string) => {
      await target.query(script);
    };
    return a;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => patch(await inner.connect(), pool),
    connectToShadowDb: async () => {
      const shadow = await inner.connectToShadowDb();
      return patch(shadow, shadow.underlyingDriver());
    },
  };
}

function describePgError(err: unknown, url: string): string {
  const safe = (() => {
    try {
      const u = new URL(url);
      return `${u.hostname}:${u.port || 5432}${u.pathname}`;
    } catch {
      return "the configured database";
    }
  })();
  const e = err as { code?: string; message?: string };
  const why = e.code === "ECONNREFUSED" ? "connection refused"
    : e.code === "ENOTFOUND" ? "host not found"
    : e.code === "3D000" ? "database does not exist"
    : e.code === "28P01" || e.code === "28000" ? "authentication failed"
    : (e.message ?? String(err)).split("\n")[0];
  return `cannot reach PostgreSQL at ${safe}: ${why}`;
}
