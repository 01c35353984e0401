// npm run bench -- startup [--runs N]
// How long a new user waits for the commands, each started as the README says, as its own process,
// several times (the median counts), on the embedded default:
// - `npm run -s token -- --role program-staff` while the server runs (through its admin socket), and
//   with no server (the command opens the data folder itself);
// - `npm run -s sweep:low-usage` through the running server;
// - a restart of `npm start` on existing data, until /ready answers 200;
// - a first `npm start` on an empty data folder (migrations, demo data), until /ready answers 200.
// Targets (issue 15, on an idle machine): token ≤ 1.5 s, restart ≤ 3 s, first start ≤ 10 s.
// Beside the wall time, the CPU time (user + system) of the processes: steadier on a shared machine.
import { execFile, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../test/support/processes.js";
import { machine, progress, writeSection } from "./results-file.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf("--runs") + 1] ?? 0) || 7;
const TICK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};


const baseEnv = (dataDir: string, port = 0) => ({
  PATH: process.env.PATH!, HOME: process.env.HOME!, TMPDIR: os.tmpdir(), DATA_DIR: dataDir, PORT: String(port), NO_COLOR: "1",
});

interface Sample { wall: number; cpu: number }

/** `npm run -s <script> -- args` under /usr/bin/time: wall and CPU of npm and everything it ran. */
function npmRun(script: string, argv: string[], env: NodeJS.ProcessEnv): Promise<Sample & { stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile("/usr/bin/time", ["-f", "__TIME__ %e %U %S", "npm", "run", "-s", script, "--", ...argv], { cwd: root, env, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const m = /__TIME__ ([\d.]+) ([\d.]+) ([\d.]+)/.exec(stderr);
      if (err || !m) return reject(new Error(`npm run ${script} failed: ${err?.message ?? ""}\n${stderr.slice(-2000)}`));
      resolve({ wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), stdout });
    });
  });
}

/** CPU seconds (user + system) a live process has used, from /proc/<pid>/stat. */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / TICK;
}

interface Server { stop(): Promise<void>; ready: Sample }

/** `npm start` until /ready answers 200: the wall time from the spawn, and the server process's CPU then. */
async function npmStart(dataDir: string): Promise<Server> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn("npm", ["start"], { cwd: root, env: baseEnv(dataDir, port), stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  let exited = false;
  child.once("exit", () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`npm start exited before it was ready:\n${stderr}`);
    const ok = await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const wall = (performance.now() - t0) / 1000;
  // The server itself (npm and its shell are a thin wrapper around it): the pid its lock names.
  const pid = (JSON.parse(readFileSync(path.join(dataDir, "owner.lock"), "utf8")) as { pid: number }).pid;
  const cpu = cpuOf(pid);
  return {
    ready: { wall, cpu },
    stop: async () => {
      const gone = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid!, "SIGTERM");
      await gone;
      // npm returns when its child has; the server's lock goes with it.
      for (let i = 0; i < 200; i++) {
        try {
          readFileSync(path.join(dataDir, "owner.lock"));
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

const rows: { what: string; target: number | null; samples: Sample[] }[] = [];
const record = (what: string, target: number | null, samples: Sample[]) => {
  rows.push({ what, target, samples });
  progress(`startup: ${what}: median ${median(samples.map((s) => s.wall)).toFixed(2)} s (CPU ${median(samples.map((s) => s.cpu)).toFixed(2)} s)`);
};

const work = await mkdtemp(path.join(os.tmpdir(), "pp-bench-startup-"));
const loadBefore = os.loadavg();
try {
  // The build is current before anything is timed (npm ci's prepare did it; an edit since rebuilds once).
  execFileSync(process.execPath, [path.join(root, "scripts", "build.mjs"), "--if-stale"], { cwd: root, stdio: "inherit" });

  progress(`startup: first start with demo data, ${RUNS} times ...`);
  const first: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = path.join(work, `first-${i}`);
    const s = await npmStart(dir);
    first.push(s.ready);
    await s.stop();
    if (i > 0) await rm(dir, { recursive: true, force: true });
  }
  record("first `npm start` with demo data, until /ready", 10, first);

  const data = path.join(work, "first-0");
  progress(`startup: restart on existing data, ${RUNS} times ...`);
  const restart: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = await npmStart(data);
    restart.push(s.ready);
    await s.stop();
  }
  record("restart of `npm start` on existing data, until /ready", 3, restart);

  progress(`startup: npm run -s token with no server, ${RUNS} times ...`);
  const alone: Sample[] = [];
  for (let i = 0; i < RUNS; i++) alone.push(await npmRun("token", ["--role", "program-staff"], baseEnv(data)));
  record("`npm run -s token -- --role program-staff`, no server (opens the data folder)", null, alone);

  const server = await npmStart(data);
  try {
    progress(`startup: npm run -s token through the running server, ${RUNS} times ...`);
    const token: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await npmRun("token", ["--role", "program-staff"], baseEnv(data));
      if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(r.stdout.trim())) throw new Error(`not a token: ${r.stdout}`);
      token.push(r);
    }
    record("`npm run -s token -- --role program-staff`, server running (admin socket)", 1.5, token);

    progress(`startup: npm run -s sweep:low-usage through the running server, ${RUNS} times ...`);
    const sweep: Sample[] = [];
    for (let i = 0; i < RUNS; i++) sweep.push(await npmRun("sweep:low-usage", [], baseEnv(data)));
    record("`npm run -s sweep:low-usage`, server running (admin socket)", null, sweep);
  } finally {
    await server.stop();
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

const loadAfter = os.loadavg();
/** Idle enough to judge the targets: less than one runnable process on average at the start and at the end. */
const idle = loadBefore[0]! < 1 && loadAfter[0]! < 1.5;
const fmt = (n: number) => n.toFixed(2);
await writeSection("startup", `
## Start-up of the server and the commands (issue 15)

Command: \`npm run bench -- startup\` (embedded PGlite; each command started ${RUNS} times as its own process, exactly as the
README prints it: \`npm start\`, \`npm run -s token …\`; the median counts). Wall time from the spawn until the process
exits, or until \`/ready\` answers 200 for \`npm start\`; CPU is user + system time: of npm and everything it ran for the
commands (\`/usr/bin/time\`), of the server process itself for \`npm start\` (\`/proc/<pid>/stat\` when it became ready).
Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${machine()}. Load average at the start ${loadBefore.map((l) => l.toFixed(1)).join(" ")},
at the end ${loadAfter.map((l) => l.toFixed(1)).join(" ")} (the targets are for an idle machine: with other work running, the wall
times are pessimistic and the CPU times the steadier figure).

| what | median wall (s) | min–max wall (s) | median CPU (s) | target (idle) |
|---|---:|---:|---:|---|
${rows.map((r) => {
  const walls = r.samples.map((s) => s.wall);
  const m = median(walls);
  // A target for an idle machine is judged only on one: with other work running, the wall time says more about the others.
  const verdict = r.target === null ? "report"
    : idle ? `≤ ${r.target} s: ${m <= r.target ? "met" : "missed"}`
    : `≤ ${r.target} s: not judged (load ${loadBefore[0]!.toFixed(1)})`;
  return `| ${r.what} | ${fmt(m)} | ${fmt(Math.min(...walls))}–${fmt(Math.max(...walls))} | ${fmt(median(r.samples.map((s) => s.cpu)))} | ${verdict} |`;
}).join("\n")}

What makes them fast: the program runs as JavaScript compiled once by \`tsc\` into \`dist/\` (\`npm ci\`'s prepare; the
launcher rebuilds when a source changed, checked in milliseconds); a command that only needs the running server loads
neither the database nor the GraphQL stack; migrations are checked by comparing \`_prisma_migrations\` with the
migration folder, and Prisma's WebAssembly schema engine is loaded only when one is pending; \`npm start\` opens PGlite
(and loads Prisma's query compiler) while the GraphQL stack loads.
`);
progress("startup: results written to bench/RESULTS.md");
