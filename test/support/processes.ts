// Real server processes (as `npm start` runs them: the compiled program in dist/, which the global
// setup builds when src/ changed) and a private Redis, for tests that need more than one instance or
// must stop and start a service.
//
// Waits on a process are bounded by what the program promises, not by guesses about the machine's
// speed: a server either logs that it listens or exits (a bad configuration, a busy port or data
// folder, an unreachable database: each ends the process with one line), so `listening` waits for
// one of the two with no timer of its own; SIGTERM ends a server within SHUTDOWN_GRACE_MS plus its
// 3 s hard stop. The test's own timeout stays the last resort against a hang.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface Exit { code: number | null; signal: NodeJS.Signals | null }

export interface Run {
  readonly child: ChildProcess;
  readonly env: Record<string, string>;
  stdout: string;
  stderr: string;
  readonly exited: Promise<Exit>;
}

export const running = new Set<ChildProcess>();

/** Only what the process needs: the test runner's own DATABASE_URL, NODE_ENV etc. must not leak in. */
export function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  // Servers started by tests load the four named demo partners only; the catalogue has a test of its own.
  return { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: os.tmpdir(), DEMO_CATALOGUE: "false", ...env };
}

let built = false;
/** dist/ as of the current src/ (scripts/build.mjs: a few ms when nothing changed). */
function ensureBuilt(): void {
  if (built) return;
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "build.mjs"), "--if-stale"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`could not build dist/: ${r.stderr}${r.stdout}`);
  built = true;
}

/** src/x.ts runs as dist/x.js, as npm start and the npm run commands run it; other scripts (bench) with tsx. */
export function compiled(script: string): string[] {
  const m = /^src\/(.+)\.ts$/.exec(script);
  if (!m) return ["--import", "tsx", script];
  ensureBuilt();
  return [path.join(root, "dist", `${m[1]}.js`)];
}

export function run(script: string, env: Record<string, string>, args: string[] = [], nodeArgs: string[] = []): Run {
  const child = spawn(process.execPath, [...nodeArgs, ...compiled(script), ...args], { cwd: root, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  const r: Run = {
    child,
    env,
    stdout: "",
    stderr: "",
    exited: new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      });
    }),
  };
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (r.stdout += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (r.stderr += s));
  return r;
}

export const startServer = (env: Record<string, string>, nodeArgs: string[] = []) => run("src/main.ts", { PORT: "0", ...env }, [], nodeArgs);

const LISTENING = /partner program API on http:\/\/localhost:(\d+)\/graphql/;

/**
 * The base URL from the JSON log line `partner program API on http://localhost:PORT/graphql`, once
 * the server logs it; an error with its output if it exits first. No timer: a server that can
 * neither start nor fail is a hang for the test's timeout to catch.
 */
export async function listening(r: Run): Promise<string> {
  let exited: Exit | undefined;
  void r.exited.then((e) => (exited = e));
  for (;;) {
    const m = LISTENING.exec(r.stdout);
    if (m) return `http://127.0.0.1:${m[1]}`;
    if (exited) throw new Error(`server exited (${exited.code ?? exited.signal}) before listening:\n${r.stderr}${r.stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGTERM, and the exit the server promises within SHUTDOWN_GRACE_MS and its 3 s hard stop (main.ts). */
export async function stop(r: Run): Promise<{ exit: Exit; ms: number }> {
  const t0 = Date.now();
  const promised = Number(r.env.SHUTDOWN_GRACE_MS ?? 10_000) + 3000;
  r.child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    r.exited,
    new Promise<never>((_, reject) => {
      // Twice the promise: the hard stop's timer itself needs the CPU to fire on a loaded machine.
      timer = setTimeout(() => reject(new Error(`no exit within ${2 * promised} ms of SIGTERM:\n${r.stdout}`)), 2 * promised);
    }),
  ]).finally(() => clearTimeout(timer));
  return { exit, ms: Date.now() - t0 };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A Redis of the test's own, on its own port, that the test may stop and start again. */
export async function privateRedis(): Promise<{ url: string; start(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const ping = async () => {
    const { Redis } = await import("ioredis");
    const r = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on("error", () => {});
    try {
      await r.connect();
      return (await r.ping()) === "PONG";
    } catch {
      return false;
    } finally {
      r.disconnect();
    }
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
      running.add(child);
      child.once("exit", () => running.delete(child!));
      for (let i = 0; i < 100 && !(await ping()); i++) await new Promise((r) => setTimeout(r, 50));
      if (!(await ping())) throw new Error(`private redis-server on port ${port} did not start (is redis-server installed?)`);
    },
    async stop() {
      if (!child) return;
      const c = child;
      child = undefined;
      const gone = new Promise((r) => c.once("exit", r));
      c.kill("SIGKILL");
      await gone;
    },
  };
}

export function killAll() {
  for (const c of running) c.kill("SIGKILL");
}
