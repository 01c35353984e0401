// A WebSocket keeps the viewer it connected with (and a subscription the one its own headers named,
// as GraphiQL sends them); this re-checks each open connection's tokens so a revoked API token, an
// expired JWT or a removed member loses its subscriptions: every few seconds (one check per distinct
// token), and at once when a revocation or removal commits.
import type { WebSocket } from "ws";
import { EVENT_CATALOGUE, EVENT_TYPES } from "../domain/events.js";
import { resolveViewer, UnauthenticatedError } from "../auth/viewer.js";
import type { TokenService } from "../auth/tokens.js";
import type { EventFeed } from "../events/feed.js";
import type { PrismaClient } from "../generated/prisma/client.js";

/** graphql-ws's Forbidden close code: clients do not retry it. */
export const TOKEN_REVOKED_CLOSE_CODE = 4403;

export interface ConnectionAuth {
  /** A token the connection uses (its connection_init's, or a subscription's own); checked until the socket closes. */
  track(socket: WebSocket, authorization: string | undefined): void;
  /** Re-checks every open connection now. */
  recheck(): Promise<void>;
  close(): void;
}

export function createConnectionAuth(opts: { tokens: TokenService; prisma: PrismaClient; feed: EventFeed; everyMs: number }): ConnectionAuth {
  const open = new Map<WebSocket, Set<string>>();
  let running: Promise<void> | null = null;

  async function check() {
    const byToken = new Map<string, WebSocket[]>();
    for (const [socket, auths] of open) for (const auth of auths) byToken.set(auth, [...(byToken.get(auth) ?? []), socket]);
    for (const [auth, sockets] of byToken) {
      try {
        await resolveViewer(auth, opts.tokens, opts.prisma);
      } catch (err) {
        if (!(err instanceof UnauthenticatedError)) continue; // database trouble: keep, check again later
        for (const s of sockets) {
          open.delete(s);
          s.close(TOKEN_REVOKED_CLOSE_CODE, err.message.slice(0, 100));
        }
      }
    }
  }
  const recheck = () => (running ??= check().finally(() => (running = null)));

  const timer = setInterval(() => void recheck(), opts.everyMs);
  timer.unref();
  const revoking: readonly string[] = EVENT_TYPES.filter((t) => EVENT_CATALOGUE[t].revokesAccess);
  const revocations = opts.feed.subscribe({
    after: null,
    where: { type: { in: [...revoking] } },
    matches: (e) => revoking.includes(e.type),
  });
  void (async () => {
    for await (const _ of revocations) await recheck();
  })();

  return {
    track(socket, authorization) {
      if (!authorization) return; // the public viewer has nothing to revoke
      const known = open.get(socket);
      if (known) {
        known.add(authorization);
        return;
      }
      open.set(socket, new Set([authorization]));
      socket.once("close", () => open.delete(socket));
    },
    recheck,
    close() {
      clearInterval(timer);
      void revocations.return?.();
    },
  };
}
