import type { PGlite } from "@electric-sql/pglite";

export interface QueryExchange {
  readonly op: "query";
  readonly sql: string;
  readonly params?: readonly unknown[] | undefined;
  readonly paramTypes?: readonly number[] | undefined;
}
export interface ExecExchange {
  readonly op: "exec";
  readonly sql: string;
}
export interface StatementExchange {
  readonly op: "statement";
  readonly name: string;
  readonly text: string;
  readonly values: readonly unknown[];
}
export type Exchange = QueryExchange | ExecExchange | StatementExchange;

/** Runs one exchange on the session and returns the backend's reply, raw. */
export function exchanges(db: PGlite): (exchange: Exchange) => Uint8Array;
