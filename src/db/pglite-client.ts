// The embedded database as the server uses it: PGlite's query, exec and transaction API (what the
// Prisma adapter calls) and the storefront's named statements, over PGlite on a worker thread or on
// this one.
//
// Why a thread of its own: PGlite runs PostgreSQL in WebAssembly on the thread that calls it, so on the
// server's thread every statement's execution takes turns with GraphQL and HTTP on one core, while
// PostgreSQL proper runs in processes of its own beside the server. On a worker thread the embedded
// database does the same (bench/RESULTS.md, rung 7 of `npm run bench -- marketplace`).
//
// How: every call is one exchange (pglite-exchanges.mjs) the database thread runs whole, returning
// the backend's raw bytes; they are parsed here with PGlite's own parser and result parsing, so
// rows, errors (PGlite's DatabaseError, which the Prisma adapter maps to its error kinds) and type
// parsing are what an in-thread PGlite gives. The locking is PGlite's, kept here: a transaction has
// the session to itself from BEGIN to COMMIT, and queries and scripts outside it wait for it to end;
// named statements (PGlite's runExclusive) do not wait for a transaction. Exchanges are sent in
// order without waiting for the one before to finish, so the database thread works through a queue
// while this thread goes on with the requests it serves.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";
import {
  type PGlite,
  type PGliteOptions,
  type QueryOptions,
  type Results,
  type Transaction,
  TransactionAbortedError,
  messages as pgMessages,
  parse,
  protocol,
  types,
} from "@electric-sql/pglite";
import { exchanges, type Exchange } from "./pglite-exchanges.mjs";

type Parser = (value: string, typeId?: number) => unknown;

/** Carries exchanges to the database and brings back the backend's reply. */
interface Transport {
  /** Sends now (synchronously: the order of calls is the order the database runs them). */
  send(exchange: Exchange): Promise<Uint8Array>;
  close(): Promise<void>;
}

/**
 * PGlite's WebAssembly, compiled once per process: PGlite keeps its compiled module per thread, so
 * each new worker would compile it again (~0.3 s of CPU); a compiled module is shared with a worker
 * without a copy.
 */
let compiled: Promise<WebAssembly.Module> | undefined;
const pgliteModule = () =>
  (compiled ??= readFile(path.join(path.dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite")), "pglite.wasm")).then((b) => WebAssembly.compile(b)));

/** PGlite on a worker thread. */
async function workerTransport(options: PGliteOptions): Promise<Transport> {
  const worker = new Worker(new URL("./pglite-thread-worker.mjs", import.meta.url), {
    workerData: { options: { ...options, pgliteWasmModule: await pgliteModule() } },
  });
  const pending = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();
  let next = 1;
  let gone: Error | undefined;
  const fail = (err: Error) => {
    gone ??= err;
    for (const p of pending.values()) p.reject(gone);
    pending.clear();
  };
  type Reply = { id: number; bytes?: Uint8Array; ready?: true; failure?: { message: string; stack?: string } };
  const problem = (f: { message: string; stack?: string }) => Object.assign(new Error(f.message), f.stack ? { stack: f.stack } : {});
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the embedded database's thread exited (code ${code}) while opening`));
    worker.once("error", reject);
    worker.once("exit", onExit);
    worker.once("message", (m: Reply) => {
      worker.off("error", reject);
      worker.off("exit", onExit);
      if (m.failure) reject(problem(m.failure));
      else resolve();
    });
  });
  // The thread keeps the process alive only while a call waits on it, as PGlite on this thread would:
  // a CLI that forgets to close its database still exits.
  worker.unref();
  worker.on("message", (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
    if (m.failure) p.reject(problem(m.failure));
    else p.resolve(m.bytes!);
  });
  worker.on("error", (err) => fail(new Error(`the embedded database's thread failed: ${err.message}`)));
  worker.on("exit", (code) => fail(new Error(`the embedded database's thread exited (code ${code})`)));
  const post = (message: Exchange | { op: "close" }) =>
    new Promise<Uint8Array>((resolve, reject) => {
      if (gone) return reject(gone);
      const id = next++;
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  return {
    send: post,
    close: async () => {
      if (gone) return;
      try {
        await post({ op: "close" });
      } finally {
        fail(new Error("the embedded database is closed"));
        await worker.terminate();
      }
    },
  };
}

/** PGlite on this thread (PGLITE_WORKER=false). */
async function inlineTransport(options: PGliteOptions): Promise<Transport> {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create(options);
  const run = exchanges(db);
  return {
    send: (e) => {
      try {
        return Promise.resolve(run(e));
      } catch (err) {
        return Promise.reject(err as Error);
      }
    },
    close: async () => {
      if (!db.closed) await db.close();
    },
  };
}

/** PGlite's own error shape: the statement and its parameters on the DatabaseError. */
function withStatement(e: pgMessages.DatabaseError, query: string, params: unknown[] | undefined, options: QueryOptions | undefined) {
  return Object.assign(e, { query, params, queryOptions: options });
}

export class PGliteClient {
  readonly parsers: Record<number | string, Parser> = { ...types.parsers };
  #closed = false;
  /** A transaction holds the session. */
  #inTransaction = false;
  /** Calls waiting for the transaction to end, in order; a transaction among them takes the session again. */
  readonly #waiting: { transaction: boolean; run: () => void }[] = [];

  private constructor(private readonly transport: Transport) {}

  /** Opens PGlite (`options` as PGlite.create takes them) on a worker thread, or on this thread. */
  static async create(options: PGliteOptions, { worker = true } = {}): Promise<PGliteClient> {
    const client = new PGliteClient(await (worker ? workerTransport(options) : inlineTransport(options)));
    // Parsers for array types, as PGlite sets them up after opening.
    const arrays = await client.query<{ oid: number; typarray: number }>(
      `SELECT b.oid, b.typarray FROM pg_catalog.pg_type a LEFT JOIN pg_catalog.pg_type b ON b.oid = a.typelem
       WHERE a.typcategory = 'A' GROUP BY b.oid, b.typarray ORDER BY b.oid`,
    );
    for (const t of arrays.rows) client.parsers[t.typarray] = (x: string) => types.arrayParser(x, client.parsers[t.oid]!, t.typarray);
    return client;
  }

  /** For the Prisma adapter, which takes a PGlite and calls query, exec and transaction on it. */
  asPGlite(): PGlite {
    return this as unknown as PGlite;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.transport.close();
  }

  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.#outsideTransactions(() => this.#query<T>(sql, params, options));
  }

  exec(sql: string, options?: QueryOptions): Promise<Results[]> {
    return this.#outsideTransactions(() => this.#exec(sql, options));
  }

  /** A named prepared statement's rows (objects by column name); does not wait for a transaction. */
  async statement<T>(name: string, text: string, values: readonly unknown[]): Promise<T[]> {
    const messages = this.#decode(await this.#send({ op: "statement", name, text, values }), text, [...values], undefined);
    // The SETs' results have no columns; the statement's has (Describe), even with no rows.
    return (parse.parseResults(messages, this.parsers).find((r) => r.fields.length > 0)?.rows ?? []) as T[];
  }

  transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.#inTransaction = true;
        this.#transaction(callback).then(resolve, reject).finally(() => this.#endTransaction());
      };
      if (!this.#inTransaction && this.#waiting.length === 0) start();
      else this.#waiting.push({ transaction: true, run: start });
    });
  }

  // The exchanges are sent synchronously from here on: the order of calls is the order they run in.

  #send(e: Exchange): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(new Error("PGlite is closed"));
    return this.transport.send(e);
  }

  /** Runs `call` now when no transaction holds the session, else when the transactions before it end. */
  #outsideTransactions<T>(call: () => Promise<T>): Promise<T> {
    if (!this.#inTransaction && this.#waiting.length === 0) return call();
    return new Promise<T>((resolve, reject) => this.#waiting.push({ transaction: false, run: () => void call().then(resolve, reject) }));
  }

  #endTransaction() {
    this.#inTransaction = false;
    while (this.#waiting.length > 0 && !this.#inTransaction) this.#waiting.shift()!.run();
  }

  /** The backend's messages; the first error is thrown, as PGlite throws it. */
  #decode(bytes: Uint8Array, query: string, params: unknown[] | undefined, options: QueryOptions | undefined) {
    const out: pgMessages.BackendMessage[] = [];
    let error: pgMessages.DatabaseError | undefined;
    new protocol.Parser().parse(bytes, (m) => {
      if (m instanceof pgMessages.DatabaseError) error ??= m;
      else out.push(m);
    });
    if (error) throw withStatement(error, query, params, options);
    return out;
  }

  async #query<T>(sql: string, params: unknown[] | undefined, options: QueryOptions | undefined): Promise<Results<T>> {
    const bytes = await this.#send({ op: "query", sql, params, paramTypes: options?.paramTypes });
    return parse.parseResults(this.#decode(bytes, sql, params, options), this.parsers, options)[0] as Results<T>;
  }

  async #exec(sql: string, options?: QueryOptions): Promise<Results[]> {
    const bytes = await this.#send({ op: "exec", sql });
    return parse.parseResults(this.#decode(bytes, sql, undefined, options), this.parsers, options);
  }

  /** PGlite's transaction: BEGIN, the callback, then COMMIT, or ROLLBACK when it throws. */
  async #transaction<T>(callback: (tx: Transaction) => Promise<T>): Promise<T> {
    await this.#exec("BEGIN");
    let closed = false;
    const open = () => {
      if (closed) throw new Error("Transaction is closed");
    };
    const tx: Transaction = {
      query: async <R>(sql: string, params?: unknown[], options?: QueryOptions) => {
        open();
        return this.#query<R>(sql, params, options);
      },
      sql: async () => {
        throw new Error("tx.sql is not supported; use tx.query");
      },
      exec: async (sql: string, options?: QueryOptions) => {
        open();
        return this.#exec(sql, options);
      },
      rollback: async () => {
        open();
        // Closed before the ROLLBACK is answered: the adapter does not wait for it before ending the callback.
        closed = true;
        await this.#exec("ROLLBACK");
      },
      listen: async () => {
        throw new Error("LISTEN is not supported on the embedded database");
      },
      get closed() {
        return closed;
      },
    };
    try {
      const result = await callback(tx);
      if (!closed) {
        closed = true;
        const [commit] = await this.#exec("COMMIT");
        if (commit?.command === "ROLLBACK") throw withStatement(new TransactionAbortedError(), "COMMIT", undefined, undefined);
      }
      return result;
    } catch (e) {
      if (!closed) {
        closed = true;
        await this.#exec("ROLLBACK");
      }
      throw e;
    }
  }
}
