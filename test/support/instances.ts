// Two server processes on one dedicated PostgreSQL database and a private Redis (which the test may
// stop and start): the first loads the demo data, the second starts after it. For the tests of what
// crosses instances (subscriptions, the storefront cache). Needs PostgreSQL.
import pg from "pg";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createTokenService } from "../../src/auth/tokens.js";
import type { TokenClaims } from "../../src/auth/tokens.js";
import { dedicatedDatabase } from "./faults.js";
import { killAll, listening, privateRedis, startServer, stop, type Run } from "./processes.js";

export interface TwoInstances {
  readonly dbUrl: string;
  readonly redis: Awaited<ReturnType<typeof privateRedis>>;
  readonly a: Run;
  readonly b: Run;
  readonly urlA: string;
  readonly urlB: string;
  /** A token both instances accept. */
  sign(claims: TokenClaims): Promise<string>;
  /** One statement on the shared database. */
  rows<T = any>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function startTwoInstances(opts: { name: string; secret: string; eventPollMs: number }): Promise<TwoInstances> {
  const db = await dedicatedDatabase(process.env.DATABASE_URL!, `pp_t_${opts.name}`);
  const redis = await privateRedis();
  await redis.start();
  const env = async (seed: boolean) => ({
    DATABASE_URL: db.url, REDIS_URL: redis.url, AUTH_SECRET: opts.secret, SEED_DEMO_DATA: String(seed),
    EVENT_POLL_MS: String(opts.eventPollMs), DATA_DIR: await mkdtemp(path.join(os.tmpdir(), `pp-${opts.name}-`)),
  });
  const a = startServer(await env(true));
  const urlA = await listening(a);
  const b = startServer(await env(false));
  const urlB = await listening(b);
  const tokens = createTokenService(opts.secret);
  return {
    dbUrl: db.url, redis, a, b, urlA, urlB,
    sign: (claims) => tokens.sign(claims),
    async rows(sql, params = []) {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows;
      } finally {
        await c.end();
      }
    },
    async close() {
      for (const r of [a, b]) await stop(r).catch(() => {});
      await redis.stop();
      killAll();
      await db.drop();
    },
  };
}
