// The README's commands and queries, run as printed. Every ```sh and ```graphql block carries a
// `<!-- readme-test: … -->` line saying how it runs: `server` (the quick start: `npm start` on a
// fresh data folder; `npm ci` is the install .ci/run did), `tokens`, `sse`, `idempotency`,
// `production` (PostgreSQL + Redis), a GraphQL block `as=<viewer>` (with `fill=<path> from=<name>`
// for a `"…"` placeholder: the value at that path in the answer of the block named so, as the
// README's text says), or `skip: <why>` (only the test suite itself). A block without one fails here,
// so the README cannot grow a command no test runs. The one rewrite: `localhost:4000` is the port the
// test's server got (another server may own 4000 on a developer's machine).
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres } from "../support/harness.js";
import { dedicatedDatabase } from "../support/faults.js";
import { cleanEnv, freePort } from "../support/processes.js";

const root = path.resolve(import.meta.dirname, "../..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");

interface Block { lang: "sh" | "graphql"; directive: string; text: string; line: number }

function blocks(): Block[] {
  const out: Block[] = [];
  const lines = readme.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(sh|graphql)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf("```", i + 1);
    const directive = /^<!-- readme-test: (.*) -->$/.exec(lines[i - 1] ?? "")?.[1] ?? "";
    out.push({ lang: open[1] as Block["lang"], directive, text: lines.slice(i + 1, end).join("\n"), line: i + 1 });
    i = end;
  }
  return out;
}
const all = blocks();
const named = (directive: string) => all.filter((b) => b.directive.split(" ")[0] === directive);
const option = (b: Block, key: string) => new RegExp(`(?:^| )${key}=(\\S+)`).exec(b.directive)?.[1];

let dataDir: string;
let port: number;
let server: ReturnType<typeof spawn>;
let serverLog = "";
const local = (text: string) => text.replaceAll("localhost:4000", `localhost:${port}`);
const env = () => cleanEnv({ DATA_DIR: dataDir, PORT: String(port), DEMO_CATALOGUE: "true" });

/** One shell script, as printed (with the port), in the repository; its output. */
function sh(script: string, extraEnv: Record<string, string> = {}, timeoutMs = 120_000) {
  const r = spawnSync("bash", ["-c", local(script)], { cwd: root, env: { ...env(), ...extraEnv }, encoding: "utf8", timeout: timeoutMs });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function waitFor(check: () => boolean, what: string, ms = 120_000) {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`${what} did not happen within ${ms} ms:\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const tokens: Record<string, string | undefined> = {};
async function gql(query: string, token?: string) {
  const res = await fetch(`http://localhost:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: unknown[] } };
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "pp-readme-"));
  port = await freePort();
  const [quick] = named("server");
  expect(quick?.text).toBe("npm ci && npm start");
  // npm ci is the install this checkout already had (.ci/run's first step); the rest as printed.
  server = spawn("bash", ["-c", quick!.text.replace(/^npm ci && /, "")], { cwd: root, env: env(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  server.stdout!.on("data", (d) => (serverLog += d));
  server.stderr!.on("data", (d) => (serverLog += d));
  await waitFor(() => serverLog.includes("partner program API on"), "npm start");
  const token = (args: string) => sh(`npm run -s token -- ${args}`).out.trim();
  tokens["staff"] = token("--role program-staff");
  tokens["northwind-admin"] = token("--partner northwind-analytics --admin");
}, 180_000);

afterAll(async () => {
  if (server?.pid) process.kill(-server.pid, "SIGTERM");
  await new Promise((r) => setTimeout(r, 500));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("the README, run as printed", () => {
  it("every command and query block says how it is run", () => {
    expect(all.length).toBeGreaterThan(10);
    const known = /^(server|tokens|sse|idempotency|production|as=\S+|skip: .+)/;
    expect(all.filter((b) => !known.test(b.directive)).map((b) => `README.md:${b.line} (${b.lang})`)).toEqual([]);
    // Only the test suite itself is not run here.
    for (const b of all.filter((x) => x.directive.startsWith("skip"))) expect(b.text).toMatch(/^(\S+=\S+ )*npm test/m);
  });

  it("the quick start serves GraphiQL with the demo data and the catalogue", async () => {
    expect(serverLog).toContain("loaded demo data");
    expect(serverLog).toContain("loaded the demo catalogue");
    const page = await fetch(`http://localhost:${port}/graphql`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
  });

  it("each token command prints a token the server accepts", () => {
    const [b] = named("tokens");
    for (const line of b!.text.split("\n").filter((l) => l.trim())) {
      const r = sh(line);
      expect(r.code, `${line}\n${r.err}`).toBe(0);
      const token = r.out.trim().split("\n").at(-1)!;
      expect(token, line).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    }
  });

  it("each GraphQL block answers without errors, as the viewer it is for", async () => {
    const answers: Record<string, any> = {};
    const graphql = all.filter((x) => x.lang === "graphql");
    expect(graphql.length).toBeGreaterThanOrEqual(7);
    for (const b of graphql) {
      const as = option(b, "as");
      expect(as, `README.md:${b.line}`).toBeDefined();
      let query = b.text;
      const fill = option(b, "fill");
      if (fill) {
        const from = answers[option(b, "from")!];
        const value = fill.split(".").reduce((v: any, k) => v?.[k], from);
        expect(typeof value, `README.md:${b.line}: ${fill} in the answer of ${option(b, "from")}`).toBe("string");
        expect(query).toContain('"…"');
        query = query.replace('"…"', JSON.stringify(value));
      }
      const r = await gql(query, as === "public" ? undefined : tokens[as!]);
      expect(r.status, `README.md:${b.line}`).toBe(200);
      expect(r.body.errors, `README.md:${b.line}: ${JSON.stringify(r.body.errors)}`).toBeUndefined();
      for (const [field, value] of Object.entries(r.body.data)) {
        expect(value, `README.md:${b.line}: ${field}`).not.toBeNull();
        if (query.trimStart().startsWith("mutation")) expect((value as any).__typename, `README.md:${b.line}: ${JSON.stringify(value)}`).toMatch(/Success$/);
        if (typeof value === "object" && value && "edges" in value) expect((value as any).edges.length, `README.md:${b.line}: ${field} is empty`).toBeGreaterThan(0);
      }
      const name = option(b, "name");
      if (name) answers[name] = r.body.data;
    }
  });

  it("the server-sent events example streams an event of a change made meanwhile", async () => {
    const [b] = named("sse");
    const curl = spawn("bash", ["-c", local(b!.text)], { cwd: root, env: env(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    curl.stdout!.on("data", (d) => (out += d));
    try {
      await waitFor(() => out.includes(":") || out.length > 0, "the SSE stream opening", 30_000).catch(() => {});
      await new Promise((r) => setTimeout(r, 1000));
      const partner = (await gql(`{ viewer { partner { id } } }`, tokens["northwind-admin"])).body.data.viewer.partner.id;
      const sent = await gql(`mutation { sendLead(partnerId: "${partner}", company: "SSE Co", contactName: "S", contactEmail: "s@co.example", details: "d") { __typename } }`, tokens["northwind-admin"]);
      expect(sent.body.data.sendLead.__typename).toBe("MutationSendLeadSuccess");
      await waitFor(() => out.includes("lead.sent"), "the lead.sent event on the stream", 15_000);
      expect(out).toMatch(/event: next/);
    } finally {
      if (curl.pid) process.kill(-curl.pid, "SIGTERM");
    }
  });

  it("the idempotency example sends a lead once, and the same key again answers the same", () => {
    const [b] = named("idempotency");
    const r = sh(b!.text);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('"__typename":"MutationSendLeadSuccess"');
    // The retry: the same request with the same key (the block's own KEY) is answered, not run again.
    const commands = b!.text.replace(/\\\n/g, "").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    const script = `${b!.text.replace(/^KEY=.*$/m, "KEY=readme-retry-key")}\n${commands.at(-1)}`;
    const twice = sh(script);
    expect(twice.code, twice.err).toBe(0);
    const answers = twice.out.trim().split(/(?<=\})(?=\{)/);
    expect(answers).toHaveLength(2);
    expect(answers[0]).toBe(answers[1]);
  });
});

describe.runIf(onPostgres)("the README's scale-out commands, on PostgreSQL + Redis", () => {
  it("migrate, seed, start an instance with MIGRATE_ON_START=false, print a token", async () => {
    const [b] = named("production");
    const db = await dedicatedDatabase(process.env.DATABASE_URL!, "pp_t_readme");
    const dir = await mkdtemp(path.join(os.tmpdir(), "pp-readme-prod-"));
    const instancePort = await freePort();
    try {
      // The placeholders (…) are this test's database, Redis and a secret; each command as printed.
      const script = b!.text
        .replace("postgresql://…", db.url).replace("redis://…", process.env.REDIS_URL!).replace("AUTH_SECRET=…", "AUTH_SECRET=readme-test-secret-readme-test-secret-32")
        .split("\n")
        .map((line) => (line.includes("npm start")
          ? `${line.replace(/\s+#.*$/, "")} > "$LOG" 2>&1 & SERVER=$!\nuntil grep -q "partner program API on" "$LOG"; do kill -0 $SERVER 2>/dev/null || { cat "$LOG"; exit 1; }; sleep 0.2; done`
          : line))
        .join("\n");
      // set -m: the background server gets a process group of its own, stopped whole at the end.
      const r = sh(`set -em\n${script}\nkill -- -$SERVER`, { DATA_DIR: dir, PORT: String(instancePort), LOG: path.join(dir, "server.log"), DEMO_CATALOGUE: "false" }, 180_000);
      expect(r.code, `${r.out}\n${r.err}`).toBe(0);
      expect(r.out).toMatch(/demo data loaded/);
      expect(r.out.trim().split("\n").at(-1)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    } finally {
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
