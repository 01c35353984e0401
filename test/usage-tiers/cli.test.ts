// The three commands as an operator runs them: npm run usage:import, sweep:low-usage and assess, as
// real processes. On PostgreSQL they work in-process on the database; on the embedded default they
// reach a running server through its admin socket (the GraphQL batch path for the import; the sweep
// and the assessment stream their progress from it), and show the same progress either way.
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPostgres, startTestService, type TestService } from "../support/harness.js";
import { killAll, listening, run, startServer, stop, type Run } from "../support/processes.js";
import { loadDemoWorld } from "../support/world.js";

const SECRET = "cli-test-secret-cli-test-secret-cli-1234";
const TODAY = "2027-03-31";
let env: Record<string, string>;
let appIds: string[];
let t: TestService | undefined;
let server: Run | undefined;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "pp-cli-"));
  if (onPostgres) {
    t = await startTestService({ env: { PROGRAM_TODAY: TODAY } });
    await loadDemoWorld(t);
    appIds = (await t.service.program.prisma.app.findMany({ where: { name: { in: ["Northwind Insights", "Northwind Scheduler"] } }, orderBy: { name: "asc" } })).map((a) => a.id);
    env = { DATABASE_URL: t.tdb.url!, MIGRATE_ON_START: "false", SEED_DEMO_DATA: "false", AUTH_SECRET: SECRET, PROGRAM_TODAY: TODAY };
  } else {
    env = { DATA_DIR: path.join(dir, "data"), AUTH_SECRET: SECRET, PROGRAM_TODAY: TODAY, SEED_DEMO_DATA: "true" };
    server = startServer(env);
    const base = await listening(server);
    const res = await fetch(`${base}/graphql`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ listings(first: 20) { edges { node { app { id name } } } } }` }),
    });
    const body = (await res.json()) as { data: { listings: { edges: { node: { app: { id: string; name: string } } }[] } } };
    const apps = new Map(body.data.listings.edges.map((e) => [e.node.app.name, Buffer.from(e.node.app.id, "base64").toString().slice(4)]));
    appIds = ["Northwind Insights", "Northwind Scheduler"].map((n) => apps.get(n)!);
  }
}, 150_000);

afterAll(async () => {
  if (server) await stop(server);
  killAll();
  await t?.close();
});

async function cli(script: string, args: string[]) {
  const r = run(script, env, args);
  const exit = await r.exited;
  return { code: exit.code, stdout: r.stdout, stderr: r.stderr };
}

const csv = (rows: string[]) => ["appId,month,activeCustomers,installs,uninstalls,pushCalls,pullCalls", ...rows].join("\n") + "\n";

describe(`the commands (${onPostgres ? "PostgreSQL, in-process" : "embedded, through the server's admin socket"})`, () => {
  it("R-USE-1: usage:import names each bad row by line, imports nothing and exits 1", async () => {
    const file = path.join(dir, "bad.csv");
    await writeFile(file, csv([
      `${appIds[0]},2023-06,5,1,0,10,10`,
      `${appIds[0]},2023-07,-3,1,0,10,10`,
      `${appIds[1]},June,1,1,0,1,1`,
    ]));
    const r = await cli("src/cli/usage-import.ts", [file]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/line 3: activeCustomers must be a whole number written in digits \(got "-3"\)/);
    expect(r.stderr).toMatch(/line 4: month must be a month like 2026-03/);
    expect(r.stderr).toMatch(/error: 2 of 3 rows are bad; nothing was imported/);
  }, 120_000);

  it("R-USE-1: a clean file imports with a summary; the same app-month again is replaced, not added", async () => {
    const file = path.join(dir, "good.csv");
    await writeFile(file, csv([`${appIds[0]},2023-06,5,1,0,10,10`, `${appIds[1]},2023-06,2,1,0,3,0`, `${appIds[1]},2023-06,4,1,0,3,0`]));
    const first = await cli("src/cli/usage-import.ts", [file]);
    expect(first.code, first.stderr).toBe(0);
    // 2023-06 of the first app was in the refused file's line 2: it is new here, so nothing of that file was written.
    expect(first.stdout).toMatch(/\|\s+app-months written\s+\|\s+2 \|/);
    expect(first.stdout).toMatch(/\|\s+new\s+\|\s+2 \|/);
    const again = await cli("src/cli/usage-import.ts", [file]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout, again.stdout + again.stderr).toMatch(/\|\s+replaced \(recorded before\)\s+\|\s+2 \|/);
  }, 120_000);

  it("R-USE-1: usage:import takes an app's GraphQL id as well as its UUID; an id of neither form is refused saying what was expected", async () => {
    const gid = (uuid: string) => Buffer.from(`App:${uuid}`).toString("base64");
    const file = path.join(dir, "gids.csv");
    await writeFile(file, csv([`${gid(appIds[0]!)},2023-08,5,1,0,10,10`, `${appIds[1]},2023-08,2,1,0,3,0`]));
    const r = await cli("src/cli/usage-import.ts", [file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\|\s+app-months written\s+\|\s+2 \|/);
    expect(r.stdout).toMatch(/\|\s+apps\s+\|\s+2 \|/);

    const bad = path.join(dir, "bad-ids.csv");
    await writeFile(bad, csv([`northwind-insights,2023-09,5,1,0,10,10`, `${gid(appIds[0]!)},2023-09,5,1,0,10,10`]));
    const refused = await cli("src/cli/usage-import.ts", [bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/line 2: appId: expected an app's UUID \(like 0f8e4c2a-…\) or its GraphQL id \(as apps \{ id \} shows it\), got "northwind-insights"/);
    expect(refused.stderr).toMatch(/error: 1 of 2 rows are bad; nothing was imported/);
  }, 120_000);

  it("R-USE-2: sweep:low-usage shows its progress and ends with a summary, and a second sweep for the same date changes nothing", async () => {
    const first = await cli("src/cli/sweep-low-usage.ts", ["--as-of", "2027-03-15"]);
    expect(first.code, first.stderr).toBe(0);
    // The same bar in-process and through the running server's admin socket.
    expect(first.stderr).toMatch(/^sweeping \d+ of (\d+) listings  100%$/m);
    expect(first.stdout).toMatch(/low-usage sweep as of 2027-03-15/);
    expect(first.stdout).toMatch(/\|\s+listings examined\s+\|\s+\d+ \|/);
    const second = await cli("src/cli/sweep-low-usage.ts", ["--as-of", "2027-03-15"]);
    for (const line of ["put at risk \\(notice\\)", "delisted \\(LOW_USAGE\\)", "recovered \\(back to LIVE\\)"]) {
      expect(second.stdout).toMatch(new RegExp(`\\|\\s+${line}\\s+\\|\\s+0 \\|`));
    }
  }, 120_000);

  it("R-TIER-2 / R-TIER-8: assess refuses a year that has not ended, assesses 2026 with a summary, and refuses a second run", async () => {
    const early = await cli("src/cli/assess.ts", ["--year", "2027"]);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/R-TIER-2: 2027 has not ended yet/);
    const run2026 = await cli("src/cli/assess.ts", ["--year", "2026"]);
    expect(run2026.code, run2026.stderr).toBe(0);
    expect(run2026.stderr).toMatch(/^assessing 4 of 4 partners  100%  [\d,]+ partners\/s/m);
    expect(run2026.stdout).toMatch(/tier assessment of 2026, effective 2027/);
    expect(run2026.stdout).toMatch(/\|\s+assessed now\s+\|\s+4 \|/);
    const again = await cli("src/cli/assess.ts", ["--year", "2026"]);
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(again.stderr).toMatch(/R-TIER-8/);
  }, 180_000);
});
