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

export interface Exchanges {
  query(e: Omit<QueryExchange, "op">): Uint8Array;
  exec(e: Omit<ExecExchange, "op">): Uint8Array;
  statement(e: Omit<StatementExchange, "op">): Uint8Array;
}

export function exchanges(db: PGlite): Exchanges;
