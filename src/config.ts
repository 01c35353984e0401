// Reads and checks the environment once at start-up. A bad value is a ConfigError with one clear line.
import path from "node:path";

export class ConfigError extends Error {}

export interface Config {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  /** PostgreSQL URL; absent means the embedded PGlite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Redis URL; absent means the in-memory event bus (one instance). */
  readonly redisUrl: string | undefined;
  readonly dataDir: string;
  /** JWT secret; in embedded mode one is generated once and kept in the data folder. */
  readonly authSecret: string | undefined;
  readonly migrateOnStart: boolean;
  readonly seedDemoData: boolean;
  /** With the demo data, the generated demo catalogue (seed/catalogue.ts): a storefront worth searching. */
  readonly demoCatalogue: boolean;
  /** The server's notion of today for program rules (demos, tests): PROGRAM_TODAY=2026-06-15. */
  readonly programToday: Date | undefined;
  readonly shutdownGraceMs: number;
  /** How often each instance re-reads the event table even without a bus notice (lost Redis messages). */
  readonly eventPollMs: number;
  /** When set, GET /metrics answers only `Authorization: Bearer <metricsToken>`. */
  readonly metricsToken: string | undefined;
  /** Hostile-query limits, checked before any resolver runs (defaults from GraphQL Armor). */
  readonly limits: Limits;
  /** How often open WebSocket connections have their token checked again (revoked, expired). */
  readonly wsReauthMs: number;
  /** The longest a cached public storefront answer is kept (events drop it sooner); 0: no cache. */
  readonly storefrontCacheMs: number;
  /** Named prepared statements for the storefront's hot reads on PostgreSQL; false behind a transaction-mode pooler (PgBouncer). */
  readonly preparedStatements: boolean;
  /** The embedded PGlite on a worker thread of its own (db/pglite-client.ts); false: on the server's thread. */
  readonly pgliteWorker: boolean;
  /** graphql-jit for storefront reads answered wholly from storefront rows (server/jit.ts); false: graphql-js for everything. */
  readonly graphqlJit: boolean;
}

export interface Limits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxDirectives: number;
  readonly maxTokens: number;
  readonly maxCost: number;
  readonly maxBodyBytes: number;
  readonly maxPageSize: number;
  /** The most nodes a query's connections could return, page sizes multiplied through their nesting. */
  readonly maxNodes: number;
  /** Mutations per token (or address, without one) per minute. */
  readonly mutationsPerMinute: number;
  /** Contact-form inquiries per address per minute. */
  readonly inquiriesPerMinute: number;
}

function intEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

export function loadLimits(env: NodeJS.ProcessEnv): Limits {
  return {
    maxDepth: intEnv(env, "GRAPHQL_MAX_DEPTH", 10, 2, 100),
    maxAliases: intEnv(env, "GRAPHQL_MAX_ALIASES", 15, 1, 1000),
    maxDirectives: intEnv(env, "GRAPHQL_MAX_DIRECTIVES", 50, 1, 1000),
    maxTokens: intEnv(env, "GRAPHQL_MAX_TOKENS", 1000, 50, 100_000),
    maxCost: intEnv(env, "GRAPHQL_MAX_COST", 5000, 10, 1_000_000),
    maxBodyBytes: intEnv(env, "MAX_BODY_BYTES", 1_048_576, 1024, 100 * 1_048_576),
    maxPageSize: intEnv(env, "MAX_PAGE_SIZE", 100, 1, 10_000),
    maxNodes: intEnv(env, "GRAPHQL_MAX_NODES", 10_000, 1, 10_000_000),
    mutationsPerMinute: intEnv(env, "RATE_LIMIT_MUTATIONS_PER_MINUTE", 300, 1, 1_000_000),
    inquiriesPerMinute: intEnv(env, "RATE_LIMIT_INQUIRIES_PER_MINUTE", 10, 1, 1_000_000),
  };
}

function parseBool(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === "") return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

export function parseDate(name: string, raw: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) throw new ConfigError(`${name} must be a date like 2026-06-15, got "${raw}"`);
  const d = new Date(`${raw}T00:00:00.000Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== raw) {
    throw new ConfigError(`${name} is not a real date: "${raw}"`);
  }
  return d;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === "production";
  const portRaw = env.PORT ?? "4000";
  if (!/^\d{1,5}$/.test(portRaw) || Number(portRaw) > 65535) {
    throw new ConfigError(`PORT must be a number from 0 to 65535, got "${portRaw}"`);
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(databaseUrl);
    } catch {
      throw new ConfigError("DATABASE_URL is not a valid URL (expected postgresql://user:password@host:5432/database)");
    }
    if (!/^postgres(ql)?:$/.test(url.protocol)) {
      throw new ConfigError(`DATABASE_URL must start with postgresql://, got "${url.protocol}//…"`);
    }
  }
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl !== undefined) {
    let ok = false;
    try {
      ok = /^rediss?:$/.test(new URL(redisUrl).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new ConfigError("REDIS_URL must look like redis://host:6379");
  }
  const authSecret = env.AUTH_SECRET || undefined;
  if (production && !authSecret) {
    throw new ConfigError("AUTH_SECRET is required when NODE_ENV=production (at least 32 characters)");
  }
  if (authSecret !== undefined && authSecret.length < 32) {
    throw new ConfigError("AUTH_SECRET must be at least 32 characters");
  }
  const graceRaw = env.SHUTDOWN_GRACE_MS ?? "10000";
  if (!/^\d+$/.test(graceRaw)) throw new ConfigError(`SHUTDOWN_GRACE_MS must be a number, got "${graceRaw}"`);
  return {
    production,
    port: Number(portRaw),
    host: env.HOST || "0.0.0.0",
    databaseUrl,
    redisUrl,
    dataDir: path.resolve(env.DATA_DIR || ".data"),
    authSecret,
    migrateOnStart: parseBool("MIGRATE_ON_START", env.MIGRATE_ON_START, true),
    seedDemoData: parseBool("SEED_DEMO_DATA", env.SEED_DEMO_DATA, databaseUrl === undefined),
    demoCatalogue: parseBool("DEMO_CATALOGUE", env.DEMO_CATALOGUE, true),
    programToday: env.PROGRAM_TODAY ? parseDate("PROGRAM_TODAY", env.PROGRAM_TODAY) : undefined,
    shutdownGraceMs: Number(graceRaw),
    limits: loadLimits(env),
    wsReauthMs: intEnv(env, "WS_REAUTH_MS", 10_000, 100, 3_600_000),
    storefrontCacheMs: intEnv(env, "STOREFRONT_CACHE_MS", 60_000, 0, 86_400_000),
    preparedStatements: parseBool("PREPARED_STATEMENTS", env.PREPARED_STATEMENTS, true),
    pgliteWorker: parseBool("PGLITE_WORKER", env.PGLITE_WORKER, true),
    graphqlJit: parseBool("GRAPHQL_JIT", env.GRAPHQL_JIT, true),
    metricsToken: env.METRICS_TOKEN || undefined,
    eventPollMs: (() => {
      const raw = env.EVENT_POLL_MS ?? "1000";
      if (!/^\d+$/.test(raw) || Number(raw) < 50) throw new ConfigError(`EVENT_POLL_MS must be a number of milliseconds (at least 50), got "${raw}"`);
      return Number(raw);
    })(),
  };
}
