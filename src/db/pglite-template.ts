// A new embedded data folder starts from a template: an empty PGlite cluster with every migration
// applied, made once per install (npm run build, run by npm ci) instead of by every first start.
// PGlite's initdb costs several seconds of CPU and the schema engine one or two more; loading the
// template costs a fraction of that. The template's name carries the PGlite version and a hash of
// the migration folder, so a changed migration or PGlite makes a new one; a data folder made from
// an older template is still brought up to date by the usual migration check at start.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { applyPendingMigrations, migrationsDir } from "./migrations.js";

const root = path.dirname(path.dirname(migrationsDir));
const cacheDir = path.join(root, "node_modules", ".cache", "partner-program-api");

function pgliteVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(root, "node_modules", "@electric-sql", "pglite", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** Where the template for the current migrations and PGlite version is (whether or not it exists). */
export function templatePath(): string {
  const hash = createHash("sha256");
  const entries = existsSync(migrationsDir) ? readdirSync(migrationsDir, { withFileTypes: true }) : [];
  for (const e of entries.filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    hash.update(`${e}\0`).update(readFileSync(path.join(migrationsDir, e, "migration.sql")));
  }
  return path.join(cacheDir, `pglite-${pgliteVersion()}-${hash.digest("hex").slice(0, 16)}.tar`);
}

/** The template's contents for a new data folder, or undefined when there is none (a fresh initdb then). */
export async function templateFor(): Promise<Blob | undefined> {
  const file = templatePath();
  if (!existsSync(file)) return undefined;
  return new Blob([await readFile(file)]);
}

/** Makes the template if it is missing (npm run build). Returns its path. */
export async function buildTemplate(): Promise<string> {
  const file = templatePath();
  if (existsSync(file)) return file;
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import("@electric-sql/pglite"), import("pglite-prisma-adapter")]);
  const db = await PGlite.create();
  try {
    await applyPendingMigrations(new PrismaPGlite(db));
    const dump = await db.dumpDataDir("none");
    await mkdir(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}`;
    await writeFile(tmp, Buffer.from(await dump.arrayBuffer()));
    await rename(tmp, file);
  } finally {
    await db.close();
  }
  // Templates of other migration sets or PGlite versions are of no further use.
  for (const old of readdirSync(cacheDir).filter((f) => f.startsWith("pglite-") && f.endsWith(".tar") && path.join(cacheDir, f) !== file)) {
    await rm(path.join(cacheDir, old), { force: true });
  }
  return file;
}
