// Fixed-window rate limits, shared by every instance through Redis when there is one; in memory
// otherwise. A Redis failure lets the request through (availability over strictness) rather than
// failing mutations.
import { Redis } from "ioredis";

export interface RateLimiter {
  take(key: string, perMinute: number): Promise<{ allowed: boolean; retryAfterMs: number }>;
  close(): Promise<void>;
}

const WINDOW_MS = 60_000;
const INCR_WITH_EXPIRY = "local c = redis.call('INCR', KEYS[1]) if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return c";

export function createRateLimiter(redisUrl: string | undefined): RateLimiter {
  if (!redisUrl) {
    const windows = new Map<string, { start: number; count: number }>();
    const sweep = setInterval(() => {
      const now = Date.now();
      for (const [k, w] of windows) if (now - w.start >= WINDOW_MS) windows.delete(k);
    }, WINDOW_MS);
    sweep.unref();
    return {
      async take(key, perMinute) {
        const now = Date.now();
        let w = windows.get(key);
        if (!w || now - w.start >= WINDOW_MS) {
          w = { start: now, count: 0 };
          windows.set(key, w);
        }
        w.count++;
        return { allowed: w.count <= perMinute, retryAfterMs: WINDOW_MS - (now - w.start) };
      },
      close: async () => clearInterval(sweep),
    };
  }
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: (n) => Math.min(n * 200, 2000) });
  redis.on("error", () => {});
  return {
    async take(key, perMinute) {
      const window = Math.floor(Date.now() / WINDOW_MS);
      const k = `pp:rate:${key}:${window}`;
      try {
        // One command (not MULTI, whose queued commands reject unhandled when the connection closes).
        const count = Number(await redis.eval(INCR_WITH_EXPIRY, 1, k, WINDOW_MS));
        return { allowed: count <= perMinute, retryAfterMs: WINDOW_MS - (Date.now() % WINDOW_MS) };
      } catch {
        return { allowed: true, retryAfterMs: 0 };
      }
    },
    close: async () => {
      redis.disconnect();
    },
  };
}
