// Idempotency keys: a mutation retried with the same key is applied once. The key is claimed inside
// the transaction of the change it guards, so a crash keeps both or neither; the response is stored
// when execution ends, and a retry gets it back instead of a second execution.
import { createHash } from "node:crypto";
import type { Viewer } from "../auth/viewer.js";
import { actorOf, jsonSafe, type Tx } from "../events/log.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { Conflict } from "./refusals.js";
import type { Program } from "./program.js";

/** How long a key is remembered; a retry after that runs as a new request. */
export const KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** Expired keys are deleted at most this often (lazily, when keys are used). */
const SWEEP_EVERY_MS = 10 * 60 * 1000;

export interface KeyClaim {
  /** Whose key it is: the token's subject (the same key of two callers never meets). */
  readonly actorKey: string;
  readonly key: string;
  /** The mutation's root field, e.g. sendLead. */
  readonly operation: string;
  /** Hash of the request (document, operation name, variables): a retry must send the same one. */
  readonly fingerprint: string;
}

export interface RecordedKey {
  readonly operation: string;
  readonly fingerprint: string;
  /** The stored GraphQL response; null while the first request runs, or for good if it died after its commit. */
  readonly response: unknown;
  readonly createdAt: Date;
}

/**
 * What became of a claim during one request: `unclaimed` (no change committed, e.g. a refusal),
 * `recorded` (committed with the change), `taken` (another request with this key committed first).
 */
export type ClaimState = "unclaimed" | "recorded" | "taken";

/** Thrown inside the transaction when the key is already recorded: the change rolls back. */
export class KeyAlreadyUsed extends Conflict {
  constructor() {
    super("this Idempotency-Key was already used for a change; the change was not made again");
  }
}

export function actorKeyOf(viewer: Viewer): string {
  const actor = actorOf(viewer);
  return `${actor.kind}:${actor.id ?? "-"}`;
}

/** SHA-256 over the request, with object keys sorted so that equal variables hash equally. */
export function requestFingerprint(document: string, operationName: string | null | undefined, variables: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return createHash("sha256").update(JSON.stringify([document, operationName ?? null, canonical(variables ?? {})])).digest("hex");
}

export interface IdempotencyKeys {
  readonly ttlMs: number;
  /** The live (unexpired) record of a key, if any. */
  find(actorKey: string, key: string): Promise<RecordedKey | null>;
  /** Polls for the stored response of a key whose change committed; null if none appears in time. */
  awaitResponse(actorKey: string, key: string, ms: number): Promise<RecordedKey | null>;
  /** A program whose first change also claims the key, in the same transaction. */
  guard(program: Program, claim: KeyClaim): { readonly program: Program; state(): ClaimState };
  /** Stores the response of a request whose claim was recorded. */
  storeResponse(claim: KeyClaim, response: unknown): Promise<void>;
  /** Records a key with its response at once (a run that commits page by page, once it finished). */
  recordFinished(claim: KeyClaim, response: unknown): Promise<void>;
  /** Deletes expired keys; returns how many. */
  sweep(): Promise<number>;
}

export function createIdempotencyKeys(prisma: PrismaClient, opts: { ttlMs?: number } = {}): IdempotencyKeys {
  const ttlMs = opts.ttlMs ?? KEY_TTL_MS;
  let lastSweep = 0;

  async function find(actorKey: string, key: string): Promise<RecordedKey | null> {
    const row = await prisma.idempotencyKey.findUnique({
      where: { actorKey_key: { actorKey, key } },
      select: { operation: true, fingerprint: true, response: true, createdAt: true, expiresAt: true },
    });
    if (!row || row.expiresAt.getTime() <= Date.now()) return null;
    return { operation: row.operation, fingerprint: row.fingerprint, response: row.response, createdAt: row.createdAt };
  }

  async function sweep(): Promise<number> {
    lastSweep = Date.now();
    const { count } = await prisma.idempotencyKey.deleteMany({ where: { expiresAt: { lte: new Date() } } });
    return count;
  }

  /**
   * Inserts the key, or takes over an expired one. Returns false when a live record exists; a
   * concurrent request's uncommitted claim makes this wait for its outcome (the unique index).
   */
  async function claim(tx: Pick<Tx, "$queryRaw">, c: KeyClaim, response: unknown = null): Promise<boolean> {
    const now = new Date();
    const expires = new Date(now.getTime() + ttlMs);
    const stored = response === null ? null : JSON.stringify(jsonSafe(response));
    const rows = await tx.$queryRaw<{ key: string }[]>`
      INSERT INTO "IdempotencyKey" ("actorKey", "key", "operation", "fingerprint", "response", "createdAt", "expiresAt")
      VALUES (${c.actorKey}, ${c.key}, ${c.operation}, ${c.fingerprint}, ${stored}::jsonb, ${now}, ${expires})
      ON CONFLICT ("actorKey", "key") DO UPDATE
        SET "operation" = EXCLUDED."operation", "fingerprint" = EXCLUDED."fingerprint", "response" = EXCLUDED."response",
            "createdAt" = EXCLUDED."createdAt", "expiresAt" = EXCLUDED."expiresAt"
        WHERE "IdempotencyKey"."expiresAt" <= EXCLUDED."createdAt"
      RETURNING "key"`;
    return rows.length === 1;
  }

  return {
    ttlMs,
    find,
    sweep,
    async awaitResponse(actorKey, key, ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = await find(actorKey, key);
        if (!found || found.response !== null || Date.now() >= deadline) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    guard(program, c) {
      let state: ClaimState = "unclaimed";
      const guarded: Program = {
        prisma: program.prisma,
        bus: program.bus,
        now: () => program.now(),
        today: () => program.today(),
        async change(work) {
          // One key guards one change: a use case that commits twice is only guarded on its first.
          if (state !== "unclaimed") return program.change(work);
          if (Date.now() - lastSweep > SWEEP_EVERY_MS) void sweep().catch(() => {});
          try {
            const result = await program.change(async (tx, record) => {
              if (!(await claim(tx, c))) throw new KeyAlreadyUsed();
              return work(tx, record);
            });
            state = "recorded";
            return result;
          } catch (err) {
            if (err instanceof KeyAlreadyUsed) state = "taken";
            throw err;
          }
        },
      };
      return { program: guarded, state: () => state };
    },
    async recordFinished(c, response) {
      await claim(prisma, c, response);
    },
    async storeResponse(c, response) {
      await prisma.idempotencyKey.updateMany({
        where: { actorKey: c.actorKey, key: c.key, fingerprint: c.fingerprint },
        data: { response: jsonSafe(response) },
      });
    },
  };
}
