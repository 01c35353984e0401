// The program runs as compiled JavaScript from dist/ (tsc, tsconfig.build.json): the CLIs and the
// server start without transpiling anything. `npm run build` (run by npm ci's prepare) builds it;
// scripts/launch.mjs rebuilds it first when src/ changed since (ensureBuilt below).
//
// dist/.build.json records every source file's size and mtime at build time; dist/ is current when
// they all still match. Checking ~200 files costs a few milliseconds.
//
// The web frontends (web/) are built the same way, by Vite into web/dist, with their own record
// (web/dist/.build.json over web/ and the generated operations they import).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const dist = path.join(root, "dist");
export const webDist = path.join(root, "web", "dist");
const manifestPath = (dir) => path.join(dir, ".build.json");
const viteBin = path.join(root, "node_modules", "vite", "bin", "vite.js");

function stamps(dirs, files, skip = () => false) {
  const out = {};
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (skip(p)) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const s = statSync(p);
        out[path.relative(root, p)] = `${s.size}:${Math.trunc(s.mtimeMs)}`;
      }
    }
  };
  for (const d of dirs) walk(path.join(root, d));
  for (const f of files) {
    const s = statSync(path.join(root, f));
    out[f] = `${s.size}:${Math.trunc(s.mtimeMs)}`;
  }
  return out;
}

/**
 * Every input of the build: src/ (the generated Prisma client included), the two tsconfig files,
 * and prisma/migrations (the embedded database's template is made from them).
 */
function sources() {
  return stamps(["src", path.join("prisma", "migrations")], ["tsconfig.json", "tsconfig.build.json"]);
}

/** The web app's inputs: web/ but its build output (and builds in progress), and the typed operations. */
function webSources() {
  const skip = (p) => p === webDist || path.basename(p).startsWith(".dist-") || path.basename(p) === "node_modules";
  return stamps(["web", path.join("schema", "operations", "generated")], [], skip);
}

function changed(manifestDir, now, what) {
  let built;
  try {
    built = JSON.parse(readFileSync(manifestPath(manifestDir), "utf8")).files;
  } catch {
    return existsSync(manifestDir) ? `${what} has no build record` : `${what} does not exist`;
  }
  for (const [file, stamp] of Object.entries(now)) {
    if (built[file] === undefined) return `${file} is new`;
    if (built[file] !== stamp) return `${file} changed`;
  }
  for (const file of Object.keys(built)) if (now[file] === undefined) return `${file} was removed`;
  return undefined;
}

/** Why dist/ must be rebuilt, or undefined when it is current. */
export function staleReason() {
  return changed(dist, sources(), "dist/");
}

/** Why web/dist must be rebuilt, or undefined when it is current (or cannot be built here). */
export function webStaleReason() {
  if (!existsSync(viteBin)) return undefined;
  return changed(webDist, webSources(), "web/dist/");
}

/**
 * Compiles src/ into a fresh folder and swaps it in, so a process that runs from dist/ meanwhile
 * never sees half a build, and files deleted from src/ leave nothing behind.
 */
export function build({ quiet = false } = {}) {
  const started = Date.now();
  const files = sources();
  const tmp = path.join(root, `dist.building-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json"), "--outDir", tmp], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    const detail = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim();
    throw new Error(`tsc could not build dist/${detail ? `:\n${detail}` : ""}`);
  }
  // The plain-JavaScript modules of src/ (the embedded database's worker thread) go as they are.
  for (const f of Object.keys(files).filter((f) => f.startsWith(`src${path.sep}`) && f.endsWith(".mjs"))) {
    copyFileSync(path.join(root, f), path.join(tmp, path.relative("src", f)));
  }
  writeFileSync(manifestPath(tmp), JSON.stringify({ builtAt: new Date().toISOString(), files }));
  const old = path.join(root, `dist.old-${process.pid}`);
  try {
    renameSync(dist, old);
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
  }
  try {
    renameSync(tmp, dist);
  } catch {
    // Another build put its dist/ in place first; it was made from the same sources.
    rmSync(tmp, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
  // The embedded database's template for new data folders (src/db/pglite-template.ts), if missing.
  const template = spawnSync(
    process.execPath,
    ["--input-type=module", "-e", "const m = await import(process.argv[1]); await m.buildTemplate();", pathToFileURL(path.join(dist, "db", "pglite-template.js")).href],
    { cwd: root, encoding: "utf8" },
  );
  if (template.status !== 0) throw new Error(`could not make the embedded database's template:\n${template.stderr}`);
  if (!quiet) process.stderr.write(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

/**
 * Builds the web frontends into a fresh folder with Vite and swaps it in (as build() does for dist/).
 * Vite is a development dependency: an install without it (npm ci --omit=dev) serves no web app,
 * and says so at / instead.
 */
export function buildWeb({ quiet = false } = {}) {
  if (!existsSync(viteBin)) {
    if (!quiet) process.stderr.write("web/dist/ not built: vite is not installed (a development dependency)\n");
    return;
  }
  const started = Date.now();
  const files = webSources();
  const tmp = path.join(root, "web", `.dist-building-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [viteBin, "build", "web", "--outDir", tmp, "--emptyOutDir", "--logLevel", "warn"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    const detail = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim();
    throw new Error(`vite could not build web/dist/${detail ? `:\n${detail}` : ""}`);
  }
  writeFileSync(manifestPath(tmp), JSON.stringify({ builtAt: new Date().toISOString(), files }));
  const old = path.join(root, "web", `.dist-old-${process.pid}`);
  try {
    renameSync(webDist, old);
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
  }
  try {
    renameSync(tmp, webDist);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
  if (!quiet) process.stderr.write(`built web/dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

/**
 * Rebuilds dist/ when src/ changed since the last build, and web/dist/ when web/ did (unless
 * `web: false`); a no-op (a few ms) otherwise.
 */
export function ensureBuilt({ web = true } = {}) {
  const reason = staleReason();
  if (reason) {
    process.stderr.write(`building dist/ (${reason}) ...\n`);
    build();
  }
  const webReason = web ? webStaleReason() : undefined;
  if (webReason) {
    process.stderr.write(`building web/dist/ (${webReason}) ...\n`);
    buildWeb();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    if (process.argv.includes("--if-stale")) ensureBuilt();
    else {
      build();
      buildWeb();
    }
  } catch (err) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(1);
  }
}
