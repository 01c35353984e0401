// A real graphql-ws subscriber that collects what it receives, for tests.
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export interface Collector<T = any> {
  readonly received: T[];
  readonly errors: unknown[];
  /** Resolves when `count` items have arrived in total (rejects after `ms`). */
  waitFor(count: number, ms?: number): Promise<T[]>;
  /** Resolves when the subscription errored or completed. */
  ended: Promise<void>;
  dispose(): Promise<void>;
}

export function wsClient(port: number, token?: string): Client {
  return createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    onNonLazyError: () => {},
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
}

export function collect<T = any>(client: Client, query: string, variables: Record<string, unknown> = {}, pick: (data: any) => T = (d) => d): Collector<T> {
  const received: T[] = [];
  const errors: unknown[] = [];
  const waiters: (() => void)[] = [];
  let endResolve!: () => void;
  const ended = new Promise<void>((r) => (endResolve = r));
  const stop = client.subscribe<any>({ query, variables }, {
    next: (msg) => {
      if (msg.errors) errors.push(msg.errors);
      if (msg.data) received.push(pick(msg.data));
      for (const w of waiters.splice(0)) w();
    },
    error: (err) => {
      errors.push(err);
      endResolve();
      for (const w of waiters.splice(0)) w();
    },
    complete: () => endResolve(),
  });
  return {
    received,
    errors,
    ended,
    async waitFor(count, ms = 5000) {
      const deadline = Date.now() + ms;
      while (received.length < count) {
        if (errors.length) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${count} events; got ${received.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received.slice(0, count);
    },
    async dispose() {
      stop();
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
