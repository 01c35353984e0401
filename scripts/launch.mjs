// npm start and the CLIs: `node scripts/launch.mjs <entry in dist/> [args...]`. Rebuilds dist/ if
// src/ changed since the last build (so an edit is never run stale; for the server, web/dist/ too if
// web/ changed), then runs the compiled entry in this same process, with the arguments it would have
// had if started directly.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { dist, ensureBuilt } from "./build.mjs";

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write("usage: node scripts/launch.mjs <entry, e.g. main.js or cli/token.js> [args...]\n");
  process.exit(2);
}
try {
  // The server serves the web frontends: it rebuilds them too when web/ changed; the CLIs do not.
  ensureBuilt({ web: entry === "main.js" });
} catch (err) {
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(1);
}
// Node 22.1+ keeps V8's compiled code for the modules on disk, so later starts skip compiling them
// (on Node 20, which has no such cache, this is skipped).
const { enableCompileCache } = await import("node:module");
enableCompileCache?.(path.join(dist, ".compile-cache"));
const file = path.join(dist, entry);
process.argv = [process.argv[0], file, ...args];
await import(pathToFileURL(file).href);
