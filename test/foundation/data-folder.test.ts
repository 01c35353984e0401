// The embedded data folder belongs to one process (src/db/data-folder.ts), tried with real
// processes as a user would: a second server on the same folder is refused with one line naming the
// first, and the first keeps its socket and its data; the commands go through the running server
// (waiting while it starts) or, with none, claim the folder themselves; after kill -9 of the owner
// the stale lock is recovered and a new server starts on the data. Embedded pass only: with
// DATABASE_URL the folder holds no database.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SEND_LEAD } from "../support/faults.js";
import { onPostgres } from "../support/harness.js";
import { listening, run, running, startServer, stop, type Run } from "../support/processes.js";

const SECRET = "data-folder-test-secret-data-folder-test";
const dirs: string[] = [];

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "pp-folder-"));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  for (const child of running) child.kill("SIGKILL");
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function finished(r: Run) {
  const exit = await r.exited;
  return { code: exit.code, stdout: r.stdout, stderr: r.stderr, lines: r.stderr.split("\n").filter((l) => l !== "") };
}

const command = (script: string, env: Record<string, string>, args: string[] = []) => finished(run(script, env, args));

async function gql(base: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: { message: string }[] };
}

const LEADS = `{ partner(slug: "northwind-analytics") { id leads(first: 50) { edges { node { company } } } } }`;
const portOf = (base: string) => Number(new URL(base).port);
const lockOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, "owner.lock"), "utf8")) as { pid: number; pidStart: string | null; role: string; port: number | null };

/** Sends a lead as Northwind's admin, with a token from `npm run token` (through the server holding the folder). */
async function sendLead(base: string, env: Record<string, string>, company: string) {
  const token = await command("src/cli/token.ts", env, ["--partner", "northwind-analytics", "--admin"]);
  expect(token.code, token.stderr).toBe(0);
  const partner = (await gql(base, LEADS, {}, token.stdout.trim())).data.partner;
  const sent = await gql(base, SEND_LEAD, { p: partner.id, c: company }, token.stdout.trim());
  expect(sent.data?.sendLead.__typename, JSON.stringify(sent)).toBe("MutationSendLeadSuccess");
  return token.stdout.trim();
}

describe.runIf(!onPostgres)("the embedded data folder belongs to one process", () => {
  it("a second server is refused with one line naming the first; the first keeps its socket, its data and its commands", async () => {
    const dir = await dataDir();
    const env = { DATA_DIR: dir, AUTH_SECRET: SECRET };
    const first = startServer(env);
    // A command started while the server is still starting (migrations, demo data) waits for it.
    while (!existsSync(path.join(dir, "owner.lock"))) await new Promise((r) => setTimeout(r, 20));
    const earlyToken = run("src/cli/token.ts", env, ["--role", "program-staff"]);
    const base = await listening(first);
    const early = await finished(earlyToken);
    expect(early.code, early.stderr).toBe(0);
    expect(early.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const token = await sendLead(base, env, "Before the second server");
    const owner = lockOf(dir);
    expect(owner).toMatchObject({ pid: first.child.pid, role: "server", port: portOf(base) });

    for (const port of ["0", String(portOf(base))]) {
      const second = await finished(startServer({ ...env, PORT: port }));
      expect(second.code).toBe(1);
      expect(second.lines).toEqual([`error: ${dir} is in use by the server with pid ${first.child.pid} (PORT ${portOf(base)}); stop it or set DATA_DIR`]);
      expect(second.stdout).toBe("");
    }
    // The commands that open the database themselves are refused the same way; nothing is touched.
    for (const script of ["src/cli/seed.ts", "src/cli/migrate.ts"]) {
      const r = await command(script, env);
      expect(r.code, script).toBe(1);
      expect(r.lines).toEqual([`error: ${dir} is in use by the server with pid ${first.child.pid} (PORT ${portOf(base)}); stop it or set DATA_DIR`]);
    }

    // The first server still owns everything: its lock, its socket (a command reaches it), its data.
    expect(lockOf(dir)).toEqual(owner);
    expect(existsSync(path.join(dir, "admin.sock"))).toBe(true);
    const again = await command("src/cli/token.ts", env, ["--role", "program-staff"]);
    expect(again.code, again.stderr).toBe(0);
    const leads = (await gql(base, LEADS, {}, token)).data.partner.leads.edges.map((e: any) => e.node.company);
    expect(leads).toContain("Before the second server");

    expect((await stop(first)).exit).toEqual({ code: 0, signal: null });
    expect(existsSync(path.join(dir, "owner.lock"))).toBe(false);
    // Stopped cleanly: a new server starts on the data, which is all there.
    const third = startServer(env);
    const base3 = await listening(third);
    const after = await gql(base3, LEADS, {}, await sendLead(base3, env, "After a restart"));
    expect(after.data.partner.leads.edges.map((e: any) => e.node.company)).toEqual(expect.arrayContaining(["Before the second server", "After a restart"]));
    expect((await stop(third)).exit.code).toBe(0);
  }, 300_000);

  it("kill -9 of the owner: its lock is stale; a command opens the folder itself, then a new server starts on the data", async () => {
    const dir = await dataDir();
    const env = { DATA_DIR: dir, AUTH_SECRET: SECRET };
    const first = startServer(env);
    const base = await listening(first);
    await sendLead(base, env, "Before kill -9");
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    expect(lockOf(dir).pid).toBe(first.child.pid); // left behind, naming a pid that is gone

    // No server: the command claims the folder (the stale lock recovered), works on it, lets it go.
    const token = await command("src/cli/token.ts", env, ["--role", "program-staff"]);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stderr).toBe("");
    expect(existsSync(path.join(dir, "owner.lock"))).toBe(false);

    const second = startServer(env);
    const base2 = await listening(second);
    expect(lockOf(dir)).toMatchObject({ pid: second.child.pid, role: "server", port: portOf(base2) });
    const leads = (await gql(base2, LEADS, {}, await sendLead(base2, env, "After kill -9"))).data.partner.leads.edges.map((e: any) => e.node.company);
    expect(leads).toEqual(expect.arrayContaining(["Before kill -9", "After kill -9"]));
    expect((await stop(second)).exit.code).toBe(0);
  }, 300_000);

  it("a lock held by a live command refuses the server with that command's name; a lock whose pid was reused is stale", async () => {
    const dir = await dataDir();
    const env = { DATA_DIR: dir, AUTH_SECRET: SECRET, SEED_DEMO_DATA: "false" };
    const holder = spawn("sleep", ["300"], { stdio: "ignore" });
    running.add(holder);
    const pid = holder.pid!;
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const pidStart = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]!;
    const lock = { pid, pidStart, role: "command", command: "npm run seed", port: null, since: new Date().toISOString(), claim: "test" };
    writeFileSync(path.join(dir, "owner.lock"), JSON.stringify(lock));
    const refused = await finished(startServer(env));
    expect(refused.code).toBe(1);
    expect(refused.lines).toEqual([`error: ${dir} is in use by npm run seed (pid ${pid}); wait for it to finish or set DATA_DIR`]);
    const token = await command("src/cli/token.ts", env, ["--role", "program-staff"]);
    expect(token.code).toBe(1);
    expect(token.lines).toEqual([`error: ${dir} is in use by npm run seed (pid ${pid}); wait for it to finish or set DATA_DIR`]);

    // The same pid, started at another time: another process now, so the lock is stale.
    writeFileSync(path.join(dir, "owner.lock"), JSON.stringify({ ...lock, pidStart: String(Number(pidStart) + 1) }));
    const server = startServer(env);
    await listening(server);
    expect(lockOf(dir).pid).toBe(server.child.pid);
    expect((await stop(server)).exit.code).toBe(0);
    holder.kill("SIGKILL");
  }, 300_000);

  it("two servers started at once on one new folder: one starts, the other is refused naming it", async () => {
    const dir = await dataDir();
    const env = { DATA_DIR: dir, AUTH_SECRET: SECRET, SEED_DEMO_DATA: "false" };
    const servers = [startServer(env), startServer(env)];
    // Each either listens or exits: wait for both outcomes, no timer.
    const outcomes = await Promise.all(servers.map((s) => Promise.race([listening(s).then((base) => ({ base })), s.exited.then((exit) => ({ exit }))])));
    const winners = servers.filter((_, i) => "base" in outcomes[i]!);
    const losers = servers.filter((_, i) => !("base" in outcomes[i]!));
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect((await losers[0]!.exited).code).toBe(1);
    expect(losers[0]!.stderr).toMatch(new RegExp(`^error: ${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is in use by the server with pid ${winners[0]!.child.pid} \\((PORT \\d+|starting)\\); stop it or set DATA_DIR\\n$`));
    const { exit } = await stop(winners[0]!);
    expect(exit, `the winner's stop:\n${winners[0]!.stderr}${winners[0]!.stdout.slice(-2000)}`).toEqual({ code: 0, signal: null });
  }, 300_000);
});
