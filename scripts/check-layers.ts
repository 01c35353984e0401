// The house's one-way arrows, checked (npm run check:layers; CI runs it): the rules in src/domain
// import nothing of the project outside src/domain, and the use cases in src/program import neither
// the GraphQL layer (src/graphql) nor the server (src/server). Prints each wrong import; exit 1 if any.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const src = path.join(root, "src");

interface Layer {
  readonly folder: string;
  /** May this layer's file import that project file (absolute path)? */
  readonly allows: (target: string) => boolean;
  readonly rule: string;
}

const inside = (folder: string) => (target: string) => target.startsWith(path.join(src, folder) + path.sep);
const LAYERS: Layer[] = [
  { folder: "domain", allows: inside("domain"), rule: "src/domain imports nothing of the project outside src/domain" },
  { folder: "program", allows: (t) => !inside("graphql")(t) && !inside("server")(t), rule: "src/program imports neither src/graphql nor src/server" },
];

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)])));
  return nested.flat().filter((f) => f.endsWith(".ts"));
}

/** Every relative import or export-from of a file, resolved to an absolute path. */
function importsOf(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1] ?? m[2]!);
  return specifiers.filter((s) => s.startsWith(".")).map((s) => path.resolve(path.dirname(file), s));
}

export async function layerViolations(): Promise<string[]> {
  const problems: string[] = [];
  for (const layer of LAYERS) {
    for (const file of await files(path.join(src, layer.folder))) {
      for (const target of importsOf(file, await readFile(file, "utf8"))) {
        if (!layer.allows(target)) problems.push(`${path.relative(root, file)} imports ${path.relative(root, target)}: ${layer.rule}`);
      }
    }
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = await layerViolations();
  for (const p of problems) console.error(`error: ${p}`);
  if (problems.length) process.exit(1);
  console.log("layers: src/domain and src/program import only what they may");
}
