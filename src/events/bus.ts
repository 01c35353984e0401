// The event bus tells every instance that events were committed. It carries only positions:
// subscribers re-read the event table, which stays the source of truth (Redis pub/sub is
// at-most-once). In-memory for one instance; Redis when REDIS_URL is set.
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub } from "graphql-yoga";
import { Redis } from "ioredis";

export interface CommittedNotice {
  /** Highest position committed by the transaction (as a string: JSON-safe). */
  readonly position: string;
}

export type ProgramPubSub = ReturnType<typeof createProgramPubSub>;

type Topics = { "events:committed": [CommittedNotice] };

function createProgramPubSub(config?: Parameters<typeof createPubSub<Topics>>[0]) {
  return createPubSub<Topics>(config);
}

export interface EventBus {
  readonly kind: "memory" | "redis";
  readonly pubsub: ProgramPubSub;
  /** Never throws: a lost notice is recovered from the event table by subscribers. */
  notifyCommitted(position: bigint): void;
  /** Whether the bus can currently deliver (readiness). */
  healthy(): boolean;
  close(): Promise<void>;
}

export function createEventBus(redisUrl: string | undefined): EventBus {
  if (!redisUrl) {
    const pubsub = createProgramPubSub();
    return {
      kind: "memory",
      pubsub,
      notifyCommitted: (position) => pubsub.publish("events:committed", { position: position.toString() }),
      healthy: () => true,
      close: async () => {},
    };
  }
  const options = {
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
  const publishClient = new Redis(redisUrl, options);
  // The subscriber queues (re)subscriptions until it is connected; ioredis re-subscribes after a reconnect.
  const subscribeClient = new Redis(redisUrl, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
  // Connection errors are reported through readiness, never thrown into requests.
  publishClient.on("error", () => {});
  subscribeClient.on("error", () => {});
  // The event target ignores publish()'s promise; a rejection while Redis is down would be an
  // unhandled rejection, so publishes go through a client whose failures are swallowed.
  const safePublisher = {
    publish: (channel: string, message: string) => publishClient.publish(channel, message).catch(() => 0),
  } as unknown as Redis;
  // Likewise subscribe()/unsubscribe(): closing before Redis connected would reject them unhandled.
  // A SUBSCRIBE that failed (sent while the connection was being set up or torn down) is not one
  // ioredis re-subscribes after a reconnect, and the instance would hear no notice again, living on
  // the poll: the channels wanted are kept here and subscribed again whenever the client is ready.
  const wanted = new Set<string>();
  subscribeClient.on("ready", () => {
    if (wanted.size) subscribeClient.subscribe(...wanted).catch(() => 0);
  });
  const safeSubscriber = new Proxy(subscribeClient, {
    get(target, prop, receiver) {
      if (prop === "subscribe" || prop === "unsubscribe") {
        return (...args: string[]) => {
          for (const channel of args) {
            if (prop === "subscribe") wanted.add(channel);
            else wanted.delete(channel);
          }
          return (target[prop] as (...a: string[]) => Promise<unknown>)(...args).catch(() => 0);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const pubsub = createProgramPubSub({
    eventTarget: createRedisEventTarget({ publishClient: safePublisher, subscribeClient: safeSubscriber }),
  });
  return {
    kind: "redis",
    pubsub,
    notifyCommitted: (position) => {
      try {
        pubsub.publish("events:committed", { position: position.toString() });
      } catch {
        // at-most-once by design; see the header comment
      }
    },
    healthy: () => publishClient.status === "ready" && subscribeClient.status === "ready",
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
