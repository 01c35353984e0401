// Once per test run: a migrated database to copy from. PostgreSQL (DATABASE_URL): a template
// database; embedded: a PGlite data-directory dump. Each test file then gets its own copy.
import { writeFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { TestProject } from "vitest/node";
import { applyPendingMigrations } from "../../src/db/migrations.js";
import { openDatabase } from "../../src/db/database.js";

export const TEMPLATE_DB = "pp_test_template";

export function adminUrl(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  u.pathname = "/postgres";
  return u.toString();
}

export default async function setup(project: TestProject) {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const admin = new pg.Client({ connectionString: adminUrl(databaseUrl) });
    try {
      await admin.connect();
    } catch (err) {
      throw new Error(`DATABASE_URL is set but PostgreSQL is not reachable: ${(err as Error).message}`);
    }
    // Leftovers of an interrupted run.
    const old = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'pp_t_%'`);
    for (const { datname } of old.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
    await admin.end();
    const u = new URL(databaseUrl);
    u.pathname = `/${TEMPLATE_DB}`;
    const db = await openDatabase({ databaseUrl: u.toString(), poolSize: 2 });
    await db.migrate();
    await db.close();
    project.provide("pgTemplate", TEMPLATE_DB);
    project.provide("pgliteSnapshot", "");
    return async () => {};
  }
  const pglite = await PGlite.create();
  await applyPendingMigrations(new PrismaPGlite(pglite));
  const dump = await pglite.dumpDataDir("none");
  await pglite.close();
  const file = path.join(os.tmpdir(), `pp-pglite-${process.pid}.tar`);
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  project.provide("pgTemplate", "");
  project.provide("pgliteSnapshot", file);
  return async () => {
    await rm(file, { force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    pgTemplate: string;
    pgliteSnapshot: string;
  }
}
