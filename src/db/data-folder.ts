// The embedded database belongs to one process. Whoever opens DATA_DIR/pglite first claims the data
// folder with a lock file, DATA_DIR/owner.lock, naming its pid (and the server's port); a second
// server, or a command while a server runs, is refused with one line naming the owner. The CLIs ask
// for the owner first and go through a running server's admin socket (cli/admin-client.ts).
//
// The claim is atomic: the record is written to a file of our own, then hard-linked to owner.lock,
// which fails if the lock exists, so the lock never appears half-written. A lock whose pid is gone
// (kill -9, a crash) or now belongs to another process (the pid's start time differs) is stale:
// it is removed under a short-lived guard file, so two processes recovering it at once cannot both
// end up owners. Released on close and on process exit.
import { randomBytes } from "node:crypto";
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";

export interface FolderOwner {
  readonly pid: number;
  /** The pid's start time in clock ticks since boot (Linux /proc), to tell a reused pid from the owner. */
  readonly pidStart: string | null;
  readonly role: "server" | "command";
  /** What runs: "npm start", "npm run token", … */
  readonly command: string;
  /** The server's HTTP port, once it listens. */
  readonly port: number | null;
  readonly since: string;
  /** Identifies one claim, so a process releases only the lock it took. */
  readonly claim: string;
}

export interface DataFolderClaim {
  readonly dataDir: string;
  /** The server's port, once it listens (PORT=0 picks one after the claim). */
  setPort(port: number): void;
  /** Removes the lock if it is still ours. Synchronous: it also runs on process exit. */
  release(): void;
}

export class DataFolderInUseError extends Error {
  constructor(readonly dataDir: string, readonly owner: FolderOwner) {
    super(describeInUse(dataDir, owner));
  }
}

export const ownerLockPath = (dataDir: string) => path.join(dataDir, "owner.lock");
/** Where a server holding the folder serves the CLIs (server/admin-socket.ts). */
export const adminSocketPath = (dataDir: string) => path.join(dataDir, "admin.sock");

/** The folder as the user wrote it: ./.data inside the working directory, absolute elsewhere. */
export function displayPath(dataDir: string): string {
  const rel = path.relative(process.cwd(), dataDir);
  if (rel === "") return ".";
  return rel.startsWith("..") || path.isAbsolute(rel) ? dataDir : `./${rel}`;
}

export function describeInUse(dataDir: string, owner: FolderOwner): string {
  const where = displayPath(dataDir);
  if (owner.role === "server") {
    const port = owner.port !== null ? `PORT ${owner.port}` : "starting";
    return `${where} is in use by the server with pid ${owner.pid} (${port}); stop it or set DATA_DIR`;
  }
  return `${where} is in use by ${owner.command} (pid ${owner.pid}); wait for it to finish or set DATA_DIR`;
}

/** What this process is, for the lock record: npm sets npm_lifecycle_event to the script's name. */
export function thisCommand(): string {
  const script = process.env.npm_lifecycle_event;
  if (script) return script === "start" ? "npm start" : `npm run ${script}`;
  return path.basename(process.argv[1] ?? "node");
}

function pidStartTime(pid: number): string | null {
  try {
    // Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces, so count after its ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function alive(owner: FolderOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (owner.pidStart === null) return true;
  const start = pidStartTime(owner.pid);
  return start === null || start === owner.pidStart;
}

function parse(raw: string): FolderOwner | undefined {
  try {
    const o = JSON.parse(raw) as FolderOwner;
    return Number.isInteger(o.pid) && o.pid > 0 ? o : undefined;
  } catch {
    return undefined;
  }
}

function readRaw(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** The live owner of the data folder, or undefined when nobody holds it (no lock, or a stale one). */
export function currentOwner(dataDir: string): FolderOwner | undefined {
  const raw = readRaw(ownerLockPath(dataDir));
  const owner = raw === undefined ? undefined : parse(raw);
  return owner && alive(owner) ? owner : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Removes a stale lock, unless someone else is doing so or it changed since it was read. */
function removeStale(lock: string, staleRaw: string): void {
  const guard = `${lock}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, "wx");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    // Taking over takes microseconds: a guard this old was left by a process that died doing it.
    try {
      if (Date.now() - statSync(guard).mtimeMs > 10_000) unlinkSync(guard);
    } catch {}
    return;
  }
  try {
    if (readRaw(lock) === staleRaw) unlinkSync(lock);
  } finally {
    closeSync(fd);
    unlinkSync(guard);
  }
}

export async function claimDataFolder(
  dataDir: string,
  who: { role: FolderOwner["role"]; command?: string; port?: number | null } = { role: "command" },
): Promise<DataFolderClaim> {
  await mkdir(dataDir, { recursive: true });
  const lock = ownerLockPath(dataDir);
  let record: FolderOwner = {
    pid: process.pid,
    pidStart: pidStartTime(process.pid),
    role: who.role,
    command: who.command ?? thisCommand(),
    port: who.port || null,
    since: new Date().toISOString(),
    claim: randomBytes(8).toString("hex"),
  };
  const mine = `${lock}.${process.pid}.${record.claim}`;
  writeFileSync(mine, JSON.stringify(record));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(mine, lock);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const raw = readRaw(lock);
      if (raw === undefined) continue; // released meanwhile: try again
      const owner = parse(raw);
      if (owner && alive(owner)) throw new DataFolderInUseError(dataDir, owner);
      if (attempt > 200) throw new Error(`cannot take over the stale lock ${lock}: remove it by hand if no server runs`);
      removeStale(lock, raw);
      await sleep(attempt < 5 ? 0 : 20);
    }
  } finally {
    try {
      unlinkSync(mine);
    } catch {}
  }

  const ours = () => parse(readRaw(lock) ?? "")?.claim === record.claim;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    try {
      if (ours()) unlinkSync(lock);
    } catch {}
  };
  process.on("exit", release);
  return {
    dataDir,
    setPort(port) {
      if (released || !ours()) return;
      record = { ...record, port };
      // A complete new record replaces the old one in one step.
      const next = `${lock}.${process.pid}.${record.claim}.next`;
      writeFileSync(next, JSON.stringify(record));
      renameSync(next, lock);
    },
    release,
  };
}
