// How the frontends talk to the API: urql over HTTP for queries and mutations (the token, if any, as
// a bearer header), and graphql-ws for the live feeds, resumed with `after` from the last position
// seen when the connection drops (R-EVT-2).
import { useEffect, useRef, useState } from "react";
import { cacheExchange, Client, fetchExchange, stringifyDocument, type TypedDocumentNode } from "@urql/core";
import { createClient as createWsClient } from "graphql-ws";

const TOKEN_KEY = "partner-program.token";

export function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

export function makeClient(token: string | null): Client {
  return new Client({
    url: "/graphql",
    exchanges: [cacheExchange, fetchExchange],
    preferGetMethod: false,
    fetchOptions: (): RequestInit => ({ headers: token ? { authorization: `Bearer ${token}` } : ({} as Record<string, string>) }),
  });
}

export type LiveStatus = "connecting" | "live" | "reconnecting" | "refused";

/** Close codes after which trying again cannot help: the token was refused or revoked (4401, 4403). */
const REFUSED = new Set([4400, 4401, 4403]);

/** The earliest of the `eventPosition`s the parts of a page were read after; undefined until all have answered. */
export function earliestPosition(...positions: (string | null | undefined)[]): string | undefined {
  let min: bigint | undefined;
  for (const p of positions) {
    if (p === null || p === undefined) return undefined;
    if (min === undefined || BigInt(p) < min) min = BigInt(p);
  }
  return min?.toString();
}

/**
 * Keeps one subscription open while the component is mounted. It starts once the page's data has
 * been read, after `from`: the `eventPosition` that read answered with, so a change committed
 * between the read and the subscription comes as an event and none is missed (R-EVT-2). Every
 * event goes to `onEvent`; when the connection drops, it subscribes again after a short pause with
 * `after` set to the last position it saw (or `from`), so no event is missed or lost either.
 */
export function useLiveFeed<R, V extends { after?: string | null }>(
  doc: TypedDocumentNode<R, V>,
  variables: Omit<V, "after"> | null,
  token: string | null,
  from: string | undefined,
  positionOf: (data: R) => string | undefined,
  onEvent: (data: R) => void,
): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const handlers = useRef({ onEvent, positionOf, from });
  handlers.current = { onEvent, positionOf, from };
  const key = variables === null ? null : JSON.stringify(variables);
  const ready = from !== undefined;

  useEffect(() => {
    if (key === null || !ready) return;
    const query = stringifyDocument(doc);
    const base = JSON.parse(key) as Record<string, unknown>;
    // Where the page's data was read: a later read (a new search) only moves it forward, so the
    // first one is a safe start for the feed whatever the page reads next.
    let last: string | null = handlers.current.from ?? null;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let client: ReturnType<typeof createWsClient> | undefined;
    const open = () => {
      const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
      const ws = createWsClient({
        url,
        lazy: false,
        retryAttempts: 0,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        on: {
          connected: () => {
            attempt = 0;
            setStatus("live");
          },
        },
      });
      client = ws;
      ws.subscribe<R>(
        { query, variables: { ...base, after: last } },
        {
          next: (result) => {
            if (!result.data) return;
            const data = result.data as R;
            last = handlers.current.positionOf(data) ?? last;
            handlers.current.onEvent(data);
          },
          error: (err) => {
            if (stopped) return;
            void ws.dispose();
            if (REFUSED.has((err as { code?: number } | null)?.code ?? 0)) {
              setStatus("refused");
              return;
            }
            setStatus("reconnecting");
            attempt += 1;
            retry = setTimeout(open, Math.min(500 * attempt, 5000));
          },
          complete: () => {},
        },
      );
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      void client?.dispose();
    };
  }, [doc, key, token, ready]);

  return status;
}
