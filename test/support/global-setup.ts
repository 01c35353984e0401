// Once per test run: a migrated database to copy from. PostgreSQL (DATABASE_URL): a template
// database; embedded: the install's PGlite template (a data-directory dump, kept between runs).
// Each test file then gets its own copy.
import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../src/db/database.js";
import { buildTemplate } from "../../src/db/pglite-template.js";
import { root } from "./processes.js";

/** Each run migrates its own template, so two runs on one PostgreSQL server never share one. */
export const TEMPLATE_PREFIX = "pp_test_template";
/** Test databases this old are leftovers of an interrupted run; younger ones may be another run's. */
const LEFTOVER_AGE = "2 hours";

export function adminUrl(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  u.pathname = "/postgres";
  return u.toString();
}

export default async function setup(project: TestProject) {
  // Tests that start the server or a command run the compiled program, as npm start does: build
  // dist/ now if src/ changed, before any test's clock runs (test/support/processes.ts).
  const build = spawnSync(process.execPath, [path.join(root, "scripts", "build.mjs"), "--if-stale"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) throw new Error("could not build dist/ (scripts/build.mjs)");
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const admin = new pg.Client({ connectionString: adminUrl(databaseUrl) });
    try {
      await admin.connect();
    } catch (err) {
      throw new Error(`DATABASE_URL is set but PostgreSQL is not reachable: ${(err as Error).message}`);
    }
    // Leftovers of interrupted runs, by age (a database's PG_VERSION file is written when it is
    // created). Reading it needs a superuser; without one, leftovers stay.
    const old = await admin
      .query<{ datname: string }>(
        `SELECT datname FROM pg_database
         WHERE (datname LIKE 'pp\\_t\\_%' OR datname LIKE 'pp\\_test\\_template%')
           AND (pg_stat_file('base/' || oid || '/PG_VERSION')).modification < now() - interval '${LEFTOVER_AGE}'`,
      )
      .catch(() => ({ rows: [] as { datname: string }[] }));
    for (const { datname } of old.rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    const template = `${TEMPLATE_PREFIX}_${process.pid}`;
    await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${template}"`);
    await admin.end();
    const u = new URL(databaseUrl);
    u.pathname = `/${template}`;
    const db = await openDatabase({ databaseUrl: u.toString(), poolSize: 2 });
    await db.migrate();
    await db.close();
    project.provide("pgTemplate", template);
    project.provide("pgliteSnapshot", "");
    return async () => {
      const a = new pg.Client({ connectionString: adminUrl(databaseUrl) });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
      await a.end();
    };
  }
  // The install's template for new data folders (src/db/pglite-template.ts; made here if missing):
  // an empty PGlite with every migration applied, the same that a first npm start begins from.
  project.provide("pgTemplate", "");
  project.provide("pgliteSnapshot", await buildTemplate());
}

declare module "vitest" {
  export interface ProvidedContext {
    pgTemplate: string;
    pgliteSnapshot: string;
  }
}
