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

/**
 * Keeps one subscription open while the component is mounted. Every event goes to `onEvent`; when the
 * connection drops, it subscribes again after a short pause with `after` set to the last position it
 * saw, so no event is missed or repeated. `onResume` is called on each connection (a page refreshes
 * what it shows).
 */
export function useLiveFeed<R, V extends { after?: string | null }>(
  doc: TypedDocumentNode<R, V>,
  variables: Omit<V, "after"> | null,
  token: string | null,
  positionOf: (data: R) => string | undefined,
  onEvent: (data: R) => void,
  onResume?: () => void,
): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const handlers = useRef({ onEvent, onResume, positionOf });
  handlers.current = { onEvent, onResume, positionOf };
  const key = variables === null ? null : JSON.stringify(variables);

  useEffect(() => {
    if (key === null) return;
    const query = stringifyDocument(doc);
    const base = JSON.parse(key) as Record<string, unknown>;
    let last: string | null = null;
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
          // Read again once connected, the first time too: a change committed between the page's
          // read and the subscription's start comes in no event (the API gives a reader no event
          // position to subscribe after), so the page reads what it shows once more.
          connected: () => {
            handlers.current.onResume?.();
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
  }, [doc, key, token]);

  return status;
}
