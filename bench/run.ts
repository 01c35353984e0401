// npm run bench -- NAME [args...]: runs bench/NAME.bench.ts with tsx in its own process (so each
// benchmark's memory readings are its own). Without a name, lists the benchmarks.
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const names = (await readdir(dir)).filter((f) => f.endsWith(".bench.ts")).map((f) => f.slice(0, -".bench.ts".length)).sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  process.stderr.write(`${name ? `no benchmark "${name}". ` : ""}usage: npm run bench -- <name> [args]\nbenchmarks: ${names.join(", ")}\n`);
  process.exit(name ? 2 : 0);
}
const child = spawn(process.execPath, ["--import", "tsx", `${dir}${name}.bench.ts`, ...args], { stdio: "inherit" });
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
