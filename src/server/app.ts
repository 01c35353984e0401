// Builds the whole service from a Config: database (migrated), event bus, program, tokens, HTTP app.
import { resolveAuthSecret, createTokenService, type TokenService } from "../auth/tokens.js";
import type { Config } from "../config.js";
import { openDatabase, type Database } from "../db/database.js";
import { createEventBus, type EventBus } from "../events/bus.js";
import { createEventFeed, type EventFeed } from "../events/feed.js";
import { createIdempotencyKeys } from "../program/idempotency.js";
import type { Clock } from "../program/clock.js";
import { createProgram, type Program } from "../program/program.js";
import { seedDemoCatalogue } from "../seed/catalogue.js";
import { seedDemoData } from "../seed/demo.js";
import { listenAdminSocket } from "./admin-socket.js";
import { createRateLimiter } from "./rate-limit.js";
import { createHttpApp, type HttpApp } from "./http.js";
import { createFanOut, type FanOut } from "./fan-out.js";
import { useIdempotencyKeys } from "./idempotency.js";
import { silentLogger, useRequestLog, type Logger } from "./logging.js";
import { createMetrics, type ServiceMetrics } from "./metrics.js";
import { createStorefrontCache } from "./storefront-cache.js";
import { createProgramYoga, type ProgramYoga } from "./yoga.js";

export interface Service {
  readonly db: Database;
  readonly bus: EventBus;
  readonly program: Program;
  readonly tokens: TokenService;
  readonly yoga: ProgramYoga;
  readonly feed: EventFeed;
  readonly http: HttpApp;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  close(graceMs?: number): Promise<void>;
}

export interface ServiceOptions {
  /** An already opened database (tests); otherwise opened from the config. */
  db?: Database;
  /** Structured logs: start-up, one line per GraphQL request, errors (npm start: JSON lines on stdout). */
  logger?: Logger;
  /** Embedded mode: serve the CLIs on a UNIX socket in the data folder (npm start does). */
  adminSocket?: boolean;
  /** The program's clock (tests move it); default: PROGRAM_TODAY's, else the wall clock (program/clock.ts). */
  clock?: Clock;
}

export async function createService(config: Config, opts: ServiceOptions = {}): Promise<Service> {
  const logger = opts.logger ?? silentLogger;
  const log = (line: string) => logger.info(line);
  const db = opts.db ?? (await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : `${config.dataDir}/pglite`,
    fromTemplate: config.migrateOnStart,
    preparedStatements: config.preparedStatements,
    pgliteWorker: config.pgliteWorker,
  }));
  try {
    if (config.migrateOnStart) {
      const applied = await db.migrate();
      if (applied.length) log(`applied migrations: ${applied.join(", ")}`);
    }
    const bus = createEventBus(config.redisUrl);
    const program = createProgram({ prisma: db.prisma, bus, programToday: config.programToday, clock: opts.clock });
    if (config.seedDemoData) {
      const seeded = await seedDemoData(program);
      if (seeded) log("loaded demo data");
      if (config.demoCatalogue && (await seedDemoCatalogue(program))) log("loaded the demo catalogue");
    }
    const tokens = createTokenService(await resolveAuthSecret(config.authSecret, config.dataDir));
    const feed = await createEventFeed({ prisma: db.prisma, sql: db.sql, bus, pollMs: config.eventPollMs });
    const rateLimiter = createRateLimiter(config.redisUrl);
    let fanOut: FanOut | undefined;
    const metrics = createMetrics({ prisma: db.prisma, feed, bus, fanOutStats: () => fanOut?.stats() ?? { groups: 0, members: 0, detached: 0, rejoined: 0 } });
    fanOut = createFanOut({ feed, observer: metrics.fanOutObserver });
    const storefrontCache = createStorefrontCache({ ttlMs: config.storefrontCacheMs });
    const stopStorefrontCache = storefrontCache.follow(feed);
    const yoga = createProgramYoga({
      program, sql: db.sql, tokens, feed, production: config.production, limits: config.limits, rateLimiter,
      observers: [useRequestLog(logger), metrics.plugin],
      idempotency: useIdempotencyKeys(createIdempotencyKeys(db.prisma), { logger }),
      storefrontCache: storefrontCache.plugin,
      fanOut,
      jit: config.graphqlJit,
      // Without a logger of the caller's (tests), Yoga keeps printing its errors to the console.
      logger: opts.logger,
    });
    const http = createHttpApp({ yoga, program, db, tokens, maxBodyBytes: config.limits.maxBodyBytes, feed, wsReauthMs: config.wsReauthMs, metrics: { metrics, token: config.metricsToken }, fanOut });
    const admin = opts.adminSocket && db.kind === "pglite" ? await listenAdminSocket(yoga, config.dataDir, program, logger) : undefined;
    return {
      db, bus, program, tokens, yoga, http, feed, metrics, logger,
      async close(graceMs = config.shutdownGraceMs) {
        if (admin) await new Promise<void>((resolve) => admin.close(() => resolve()));
        stopStorefrontCache();
        feed.close();
        await http.close(graceMs);
        await bus.close();
        await rateLimiter.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}
