// The embedded database's client (src/db/pglite-client.ts): PGlite on a worker thread of its own (the
// default) or on the server's thread, with PGlite's own API and locking. These run on both setups:
// the embedded database is the same whatever DATABASE_URL says.
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { messages } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/database.js";
import { PGliteClient } from "../../src/db/pglite-client.js";
import { buildTemplate } from "../../src/db/pglite-template.js";
import { root } from "../support/processes.js";

// The install's migrated template (made by the build), on either setup.
const snapshot = async () => new Blob([await readFile(await buildTemplate())]);

describe.each([
  { thread: "a worker thread", worker: true },
  { thread: "the calling thread", worker: false },
])("the embedded database on $thread", ({ worker }) => {
  let db: PGliteClient;
  beforeAll(async () => {
    db = await PGliteClient.create({ loadDataDir: await snapshot() }, { worker });
    await db.exec("CREATE TABLE t (id int PRIMARY KEY, note text, at timestamptz DEFAULT now(), tags text[])");
  });
  afterAll(async () => {
    await db.close();
  });

  it("answers queries with PGlite's parsing: parameters by their types, dates, arrays, row modes, affected rows", async () => {
    const inserted = await db.query("INSERT INTO t (id, note, tags) VALUES ($1, $2, $3), ($4, $5, $6)", [1, "one", ["a", "b"], 2, null, []]);
    expect(inserted.affectedRows).toBe(2);
    const rows = await db.query<{ id: number; note: string | null; at: Date; tags: string[] }>("SELECT * FROM t ORDER BY id");
    expect(rows.rows.map((r) => [r.id, r.note, r.tags])).toEqual([[1, "one", ["a", "b"]], [2, null, []]]);
    expect(rows.rows[0]!.at).toBeInstanceOf(Date);
    expect(rows.fields.map((f) => f.name)).toEqual(["id", "note", "at", "tags"]);
    const asArrays = await db.query("SELECT id, note FROM t WHERE id = $1", [1], { rowMode: "array", parsers: { 23: (v: string) => `#${v}` } });
    expect(asArrays.rows).toEqual([["#1", "one"]]);
    const script = await db.exec("UPDATE t SET note = 'x' WHERE id = 2; SELECT count(*)::int AS n FROM t");
    expect(script.map((r) => r.command)).toEqual(["UPDATE", "SELECT"]);
    expect(script[1]!.rows).toEqual([{ n: 2 }]);
  });

  it("throws PostgreSQL's errors as PGlite's DatabaseError (code, statement) and goes on serving", async () => {
    const bad = await db.query("SELECT * FROM nowhere WHERE id = $1", [1]).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(messages.DatabaseError);
    expect(bad).toMatchObject({ code: "42P01", query: "SELECT * FROM nowhere WHERE id = $1", params: [1] });
    const dup = await db.query("INSERT INTO t (id) VALUES ($1)", [1]).catch((e: unknown) => e);
    expect(dup).toMatchObject({ code: "23505", constraint: "t_pkey" });
    await expect(db.exec("SELEC 1")).rejects.toMatchObject({ code: "42601" });
    await expect(db.query("SELECT $1::int AS v", ["not a number"])).rejects.toMatchObject({ code: "22P02" });
    expect((await db.query("SELECT 1 AS ok")).rows).toEqual([{ ok: 1 }]);
  });

  it("named statements: prepared once, re-run with new values; a failing one leaves the session usable", async () => {
    const text = "SELECT note FROM t WHERE id = $1";
    expect(await db.statement("t_note", text, [1])).toEqual([{ note: "one" }]);
    expect(await db.statement("t_note", text, [2])).toEqual([{ note: "x" }]);
    expect(await db.statement("t_note", text, [3])).toEqual([]);
    const prepared = await db.query<{ name: string; generic_plans: number }>("SELECT name, generic_plans::int FROM pg_prepared_statements");
    expect(prepared.rows).toEqual([{ name: "t_note", generic_plans: 3 }]);
    await expect(db.statement("t_broken", "SELECT nope FROM t", [])).rejects.toMatchObject({ code: "42703" });
    await expect(db.statement("t_note", text, ["NaN-ish"])).rejects.toMatchObject({ code: "22P02" });
    expect(await db.statement("t_note", text, [1])).toEqual([{ note: "one" }]);
    // The generic plan is for these statements only: the session's setting is back to PostgreSQL's choice.
    expect((await db.query("SHOW plan_cache_mode")).rows).toEqual([{ plan_cache_mode: "auto" }]);
  });

  it("a transaction commits, rolls back when its callback throws, and rolls back on request", async () => {
    await db.transaction(async (tx) => {
      await tx.query("INSERT INTO t (id, note) VALUES (10, 'kept')");
    });
    await expect(db.transaction(async (tx) => {
      await tx.query("INSERT INTO t (id, note) VALUES (11, 'dropped')");
      throw new Error("callback failed");
    })).rejects.toThrow("callback failed");
    await db.transaction(async (tx) => {
      await tx.query("INSERT INTO t (id, note) VALUES (12, 'rolled back')");
      await tx.rollback();
      expect(tx.closed).toBe(true);
      await expect(tx.query("SELECT 1")).rejects.toThrow("Transaction is closed");
    });
    // A failed statement aborts the transaction: COMMIT then rolls it back, which is an error.
    await expect(db.transaction(async (tx) => {
      await tx.query("INSERT INTO t (id, note) VALUES (13, 'aborted')");
      await tx.query("INSERT INTO t (id) VALUES (1)").catch(() => {});
    })).rejects.toMatchObject({ code: "25P02" });
    const ids = await db.query<{ id: number }>("SELECT id FROM t WHERE id >= 10 ORDER BY id");
    expect(ids.rows.map((r) => r.id)).toEqual([10]);
    expect((await db.query("SELECT 1 AS ok")).rows).toEqual([{ ok: 1 }]);
  });

  it("a query outside a transaction waits for it to end: it never sees uncommitted rows, and sees them once committed", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const tx = db.transaction(async (t) => {
      await t.query("INSERT INTO t (id, note) VALUES (20, 'pending')");
      await held;
      order.push("commit");
    });
    await new Promise((r) => setTimeout(r, 20));
    const outside = db.query<{ n: number }>("SELECT count(*)::int AS n FROM t WHERE id = 20").then((r) => {
      order.push("outside");
      return r.rows[0]!.n;
    });
    const second = db.transaction(async (t) => (await t.query<{ n: number }>("SELECT count(*)::int AS n FROM t WHERE id = 20")).rows[0]!.n);
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual([]);
    release();
    await tx;
    expect(await outside).toBe(1);
    expect(await second).toBe(1);
    expect(order).toEqual(["commit", "outside"]);
  });

  it("many calls in flight at once each get their own answer, in the order they were made", async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) =>
      i % 3 === 0
        ? db.statement<{ v: number }>("plus_one", "SELECT $1::int + 1 AS v", [i]).then((r) => r[0]!.v - 1)
        : i % 3 === 1
          ? db.query<{ v: number }>("SELECT $1::int AS v", [i]).then((r) => r.rows[0]!.v)
          : db.transaction(async (t) => (await t.query<{ v: number }>("SELECT $1::int AS v", [i])).rows[0]!.v),
    ));
    expect(answers).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it(worker ? "runs PostgreSQL off the calling thread: its timers keep firing during a long statement" : "runs PostgreSQL on the calling thread: a long statement blocks it", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await db.query("SELECT count(*) FROM generate_series(1, 3000000)");
    clearInterval(timer);
    if (worker) expect(ticks).toBeGreaterThan(3);
    else expect(ticks).toBe(0);
  });
});

describe("the embedded database's worker thread", () => {
  it("keeps a data folder's contents across a close and a new open", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "pp-embedded-"));
    try {
      const first = await PGliteClient.create({ dataDir: dir });
      await first.exec("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
      await first.close();
      expect(first.closed).toBe(true);
      await expect(first.query("SELECT 1")).rejects.toThrow(/closed/);
      const again = await PGliteClient.create({ dataDir: dir });
      expect((await again.query("SELECT v FROM kept")).rows).toEqual([{ v: "still here" }]);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a close waits for the calls made before it, and refuses the ones after", async () => {
    const db = await PGliteClient.create({ loadDataDir: await snapshot() });
    const before = db.query<{ v: number }>("SELECT 7 AS v");
    await db.close();
    expect((await before).rows).toEqual([{ v: 7 }]);
    await expect(db.statement("x", "SELECT 1", [])).rejects.toThrow(/closed/);
  });

  it("keeps the process alive only while a call waits on it: a script that never closes its database still exits", async () => {
    const script = `
      import { PGliteClient } from ${JSON.stringify(pathToFileURL(path.join(root, "src/db/pglite-client.ts")).href)};
      const db = await PGliteClient.create({});
      setTimeout(async () => console.log("answer", (await db.query("SELECT 41 + 1 AS v")).rows[0].v), 200);
    `;
    const dir = await mkdtemp(path.join(os.tmpdir(), "pp-embedded-"));
    try {
      await writeFile(path.join(dir, "script.mts"), script);
      const r = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, "script.mts")], { cwd: root, encoding: "utf8", timeout: 90_000 });
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain("answer 42");
      expect(r.status).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a folder PGlite cannot open is a clear error, and no thread is left running", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "pp-embedded-"));
    try {
      await writeFile(path.join(dir, "PG_VERSION"), "not a version\n");
      const before = process.getActiveResourcesInfo().filter((r) => r === "MessagePort").length;
      await expect(PGliteClient.create({ dataDir: dir })).rejects.toThrow();
      expect(process.getActiveResourcesInfo().filter((r) => r === "MessagePort").length).toBe(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("PGLITE_WORKER", () => {
  it("is on unless set false; another value is refused naming the setting", () => {
    expect(loadConfig({}).pgliteWorker).toBe(true);
    expect(loadConfig({ PGLITE_WORKER: "false" }).pgliteWorker).toBe(false);
    expect(() => loadConfig({ PGLITE_WORKER: "sometimes" })).toThrow(ConfigError);
    expect(() => loadConfig({ PGLITE_WORKER: "sometimes" })).toThrow(/PGLITE_WORKER/);
  });

  it.each([
    { setting: "default", pgliteWorker: undefined, blocks: false },
    { setting: "false", pgliteWorker: false, blocks: true },
  ])("opens the embedded database for Prisma and the storefront's statements on the thread it says ($setting)", async ({ pgliteWorker, blocks }) => {
    const db = await openDatabase({ pgliteSnapshot: await snapshot(), pgliteWorker });
    try {
      expect(await db.prisma.partner.count()).toBe(0);
      expect(await db.sql.query({ name: "thread_check", text: "SELECT $1::int AS v" }, [5])).toEqual([{ v: 5 }]);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      await db.prisma.$queryRawUnsafe("SELECT count(*) FROM generate_series(1, 3000000)");
      clearInterval(timer);
      if (blocks) expect(ticks).toBe(0);
      else expect(ticks).toBeGreaterThan(3);
    } finally {
      await db.close();
    }
  });
});
