// npm run seed: migrations, then the demo data (idempotent) into DATABASE_URL or the embedded database.
import { seedDemoData } from "../seed/demo.js";
import { fatal, openForCli } from "./common.js";

const { db, program, close } = await openForCli();
try {
  await db.migrate();
  console.log((await seedDemoData(program)) ? "demo data loaded" : "demo data already present: nothing to do");
} catch (err) {
  await close();
  fatal(err);
}
await close();
