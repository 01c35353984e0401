// The real process, as `npm start` runs it: configuration errors end it with one clear line,
// a good start serves GraphQL and the health endpoints, SIGTERM stops it cleanly, and several
// instances can start at once on one PostgreSQL database.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { waitForReady } from "../support/faults.js";
import { adminUrl } from "../support/global-setup.js";
import { listening, root, run, running, startServer, stop } from "../support/processes.js";

const migrationNames = async () =>
  (await readdir(path.join(root, "prisma", "migrations"), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();

const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "pp-start-"));
  tempDirs.push(dir);
  return dir;
}

async function gql(base: string, query: string, token?: string) {
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: { message: string }[] } };
}

async function ready(base: string) {
  const res = await fetch(`${base}/ready`);
  return { status: res.status, body: (await res.json()) as { ready: boolean; checks: Record<string, string> } };
}

/** npm run token, with the server's environment, while the server runs (through its admin socket). */
async function staffToken(env: Record<string, string>): Promise<string> {
  const r = run("src/cli/token.ts", env, ["--role", "program-staff"]);
  const exit = await r.exited;
  expect(exit.code, r.stderr + r.stdout).toBe(0);
  return r.stdout.trim();
}

afterAll(async () => {
  for (const child of running) child.kill("SIGKILL");
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("a bad configuration ends the process with one line on stderr", () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ["DATABASE_URL=nonsense", { DATABASE_URL: "nonsense" }, /DATABASE_URL is not a valid URL/],
    ["an unreachable PostgreSQL", { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/x" }, /cannot reach PostgreSQL at 127\.0\.0\.1:1\/x: connection refused/],
    ["PORT=abc", { PORT: "abc" }, /PORT must be a number/],
    ["NODE_ENV=production without AUTH_SECRET", { NODE_ENV: "production" }, /AUTH_SECRET is required/],
  ];
  // One at a time: processes started together on a loaded machine would only race each other.
  it.each(cases)("%s", async (_name, env, message) => {
    const r = run("src/main.ts", { DATA_DIR: await tempDir(), PORT: "0", ...env });
    const exit = await r.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toContain("    at ");
    expect(r.stdout).not.toContain("partner program API on");
  });
});

describe("embedded PGlite in a data folder", () => {
  it("starts with demo data, serves GraphQL, GraphiQL, /health and /ready, stops on SIGTERM; a restart keeps the data", async () => {
    const env = { DATA_DIR: await tempDir() };
    const partnersQuery = `{ partners(first: 50) { edges { node { slug } } } apps(first: 50) { edges { node { name } } } }`;

    const first = startServer(env);
    const base = await listening(first);
    expect(first.stdout).toContain("loaded demo data");
    // A new folder starts from the install's migrated template (npm run build made it): no initdb, nothing to apply.
    expect(first.stdout).not.toContain("applied migrations");

    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    // Polled as a load balancer does: the event bus connects to Redis in the background, so an
    // instance can listen a moment before it is ready.
    expect((await waitForReady(base, (status) => status === 200, 10_000)).body).toEqual({ ready: true, checks: { database: "ok", migrations: "ok", eventBus: "ok" } });

    const listings = await gql(base, `{ listings(first:5){ edges { node { content { name } } } } }`);
    expect(listings.status, JSON.stringify(listings.body) + first.stdout + first.stderr).toBe(200);
    expect(listings.body.data.listings.edges.map((e: any) => e.node.content.name).sort()).toEqual(["Northwind Insights", "Northwind Scheduler"]);

    const graphiql = await fetch(`${base}/graphql`, { headers: { accept: "text/html" } });
    expect(graphiql.status).toBe(200);
    expect(graphiql.headers.get("content-type")).toMatch(/text\/html/);
    const html = await graphiql.text();
    expect(html).toMatch(/<html/i);
    expect(html).toContain("Partner program API");

    // The CLI cannot open the folder the server holds: it must go through the admin socket.
    expect(existsSync(path.join(env.DATA_DIR, "admin.sock"))).toBe(true);
    const token = await staffToken(env);
    const before = await gql(base, partnersQuery, token);
    expect(before.body.errors).toBeUndefined();
    expect(before.body.data.partners.edges).toHaveLength(4);
    expect(before.body.data.apps.edges).toHaveLength(4);

    const stopped = await stop(first);
    expect(stopped.exit).toEqual({ code: 0, signal: null });
    expect(first.stdout).toContain("SIGTERM: shutting down");
    expect(first.stderr).toBe("");

    const second = startServer(env);
    const base2 = await listening(second);
    expect(second.stdout).not.toContain("loaded demo data");
    expect(second.stdout).not.toContain("applied migrations");
    const after = await gql(base2, partnersQuery, await staffToken(env));
    expect(after.body.data).toEqual(before.body.data);
    expect((await stop(second)).exit).toEqual({ code: 0, signal: null });
    expect(second.stderr).toBe("");
  }, 120_000);

  it("with MIGRATE_ON_START=false an empty folder is not ready, naming the pending migrations", async () => {
    const server = startServer({ DATA_DIR: await tempDir(), MIGRATE_ON_START: "false", SEED_DEMO_DATA: "false" });
    const base = await listening(server);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const r = await ready(base);
    expect(r.status).toBe(503);
    expect(r.body.ready).toBe(false);
    expect(r.body.checks.migrations).toBe(`pending: ${(await migrationNames()).join(", ")}`);
    expect((await stop(server)).exit.code).toBe(0);
  }, 60_000);
});

describe.runIf(!!process.env.DATABASE_URL)("PostgreSQL", () => {
  const created: string[] = [];
  const admin = () => new pg.Client({ connectionString: adminUrl(process.env.DATABASE_URL!) });

  /** An empty database; the pp_t_ prefix lets the global setup drop it if a run is interrupted. */
  async function emptyDatabase(): Promise<string> {
    const name = `pp_t_start_${randomBytes(4).toString("hex")}`;
    const a = admin();
    await a.connect();
    await a.query(`CREATE DATABASE "${name}"`);
    await a.end();
    created.push(name);
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = `/${name}`;
    return u.toString();
  }

  afterAll(async () => {
    for (const child of running) child.kill("SIGKILL");
    const a = admin();
    await a.connect();
    for (const name of created) await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await a.end();
  });

  const serverEnv = async (databaseUrl: string, extra: Record<string, string> = {}) => ({
    DATABASE_URL: databaseUrl,
    DATA_DIR: await tempDir(),
    AUTH_SECRET: "startup-test-secret-startup-test-secret",
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...extra,
  });

  it("two instances starting at once on an empty database both become ready; each migration is applied once", async () => {
    const url = await emptyDatabase();
    const servers = [startServer(await serverEnv(url)), startServer(await serverEnv(url))];
    const bases = await Promise.all(servers.map((s) => listening(s)));
    for (const base of bases) {
      expect((await waitForReady(base, (status) => status === 200, 10_000)).body).toMatchObject({ ready: true, checks: { database: "ok", migrations: "ok", eventBus: "ok" } });
    }
    // One instance applied them, the other found nothing to do.
    expect(servers.filter((s) => s.stdout.includes("applied migrations"))).toHaveLength(1);

    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const rows = (await c.query<{ migration_name: string; n: number; unfinished: number }>(
      `SELECT migration_name, count(*)::int AS n, count(*) FILTER (WHERE finished_at IS NULL OR rolled_back_at IS NOT NULL)::int AS unfinished
       FROM "_prisma_migrations" GROUP BY migration_name ORDER BY migration_name`,
    )).rows;
    await c.end();
    expect(rows).toEqual((await migrationNames()).map((migration_name) => ({ migration_name, n: 1, unfinished: 0 })));

    for (const s of servers) expect((await stop(s)).exit).toEqual({ code: 0, signal: null });
  }, 90_000);

  it("with MIGRATE_ON_START=false an empty database is not ready, naming the pending migrations", async () => {
    const server = startServer(await serverEnv(await emptyDatabase(), { MIGRATE_ON_START: "false" }));
    const base = await listening(server);
    const r = await ready(base);
    expect(r.status).toBe(503);
    expect(r.body.checks).toMatchObject({ database: "ok", migrations: `pending: ${(await migrationNames()).join(", ")}` });
    expect((await stop(server)).exit.code).toBe(0);
  }, 60_000);
});
