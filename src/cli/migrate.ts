// npm run db:migrate: applies pending migrations to DATABASE_URL (or the embedded database).
import { fatal, openForCli } from "./common.js";

const { db, close } = await openForCli();
try {
  const applied = await db.migrate();
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date: nothing to apply");
} catch (err) {
  await close();
  fatal(err);
}
await close();
