// npm run schema:print: writes schema/schema.graphql (sorted SDL); --check fails when it is stale.
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { printSchema, lexicographicSortSchema } from "graphql";
import { schema } from "../graphql/schema.js";

const sdl = printSchema(lexicographicSortSchema(schema)) + "\n";
const file = new URL("../../schema/schema.graphql", import.meta.url);
if (process.argv.includes("--check")) {
  const current = await readFile(file, "utf8").catch(() => "");
  if (current !== sdl) {
    console.error("schema/schema.graphql is stale: run npm run schema:print and commit it");
    process.exit(1);
  }
  console.log("schema/schema.graphql is current");
} else {
  await mkdir(new URL("../../schema/", import.meta.url), { recursive: true });
  await writeFile(file, sdl);
  console.log("wrote schema/schema.graphql");
}
