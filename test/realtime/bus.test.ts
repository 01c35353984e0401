// The Redis event bus (src/events/bus.ts) against a Redis of the test's own: an instance started
// while Redis is still down hears every notice once Redis is up, and again after Redis restarts
// (R-EVT-2: notices only wake subscribers early; without them every event waits for the poll).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { createEventBus, type EventBus } from "../../src/events/bus.js";
import { killAll, privateRedis } from "../support/processes.js";

let redis: Awaited<ReturnType<typeof privateRedis>>;
let bus: EventBus | undefined;

beforeAll(async () => {
  redis = await privateRedis();
});
afterAll(async () => {
  await bus?.close();
  await redis?.stop().catch(() => {});
  killAll();
});

/** Publishes notices from another client until the bus hears one (or fails after `ms`). */
async function heard(received: string[], position: string, ms = 15_000) {
  const other = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  try {
    const t0 = Date.now();
    while (!received.includes(position)) {
      if (Date.now() - t0 > ms) throw new Error(`the bus heard nothing of ${position} in ${ms} ms (heard: ${received.join(", ")})`);
      await other.publish("events:committed", JSON.stringify({ position }));
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    other.disconnect();
  }
}

describe("the Redis event bus", () => {
  it("R-EVT-2: subscribed while Redis was down, it hears notices once Redis is up, and again after a restart", async () => {
    bus = createEventBus(redis.url); // Redis not started yet
    const received: string[] = [];
    void (async () => {
      for await (const n of bus!.pubsub.subscribe("events:committed")) received.push(n.position);
    })();
    await new Promise((r) => setTimeout(r, 500));
    expect(bus.healthy()).toBe(false);
    await redis.start();
    await heard(received, "1");
    expect(bus.healthy()).toBe(true);
    await redis.stop();
    await redis.start();
    await heard(received, "2");
  }, 60_000);
});
