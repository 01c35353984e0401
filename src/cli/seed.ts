// npm run seed: migrations, then the demo data (idempotent) into DATABASE_URL or the embedded database.
import { seedDemoCatalogue } from "../seed/catalogue.js";
import { seedDemoData } from "../seed/demo.js";
import { fatal, openForCli } from "./common.js";

const { db, program, close } = await openForCli();
try {
  await db.migrate();
  console.log((await seedDemoData(program)) ? "demo data loaded" : "demo data already present: nothing to do");
  if (process.env.DEMO_CATALOGUE !== "false") console.log((await seedDemoCatalogue(program)) ? "demo catalogue loaded" : "demo catalogue already present: nothing to do");
} catch (err) {
  await close();
  fatal(err);
}
await close();
