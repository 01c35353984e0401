// npm run db:new-migration -- <name>: writes prisma/migrations/<stamp>_<name>/migration.sql with the SQL
// that takes the existing history to prisma/schema.prisma. Needs no database and no native engine:
// the history is replayed into a throw-away in-memory PGlite.
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { diffSchemaAgainstMigrations, writeMigration } from "../db/migrations.js";

const name = process.argv.slice(2).find((a) => !a.startsWith("-"));
if (!name) {
  console.error("usage: npm run db:new-migration -- <name>");
  process.exit(2);
}
const scratch = new PGlite();
const sql = await diffSchemaAgainstMigrations(new PrismaPGlite(scratch));
await scratch.close();
if (!sql.trim() || /^-- This is an empty migration\.?\s*$/.test(sql.trim())) {
  console.log("schema.prisma matches the migration history: no migration written.");
} else {
  const dir = await writeMigration(name, sql);
  console.log(`wrote ${dir}/migration.sql — review it, add any CHECK constraints by hand, then npm run db:migrate`);
}
