// How the program's CLIs talk to it: GraphQL as the SYSTEM viewer, either through the running
// embedded server's admin socket, or in-process on the database (PostgreSQL, or PGlite when no
// server holds it). One code path for every CLI, whatever runs.
//
// Who holds the embedded data folder is read from its lock (db/data-folder.ts): a server, whose
// socket is used (waiting while it starts); another command, which refuses this one; or nobody,
// and then this command claims the folder itself. A command never opens a folder a server holds.
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { loadConfig, type Config } from "../config.js";
import { adminSocketPath, currentOwner, DataFolderInUseError } from "../db/data-folder.js";
import type { Service } from "../server/app.js";
import type { AdminJobName, AdminJobs } from "../server/admin-jobs.js";
import { fatal } from "./common.js";

export interface AdminClient {
  readonly config: Config;
  readonly via: "admin-socket" | "in-process";
  /** Runs a GraphQL operation; throws with the first error's message. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** A long job (admin-jobs.ts), its progress reported as it goes, wherever it runs. */
  job<N extends AdminJobName>(name: N, args: AdminJobs[N]["args"], onProgress: (p: AdminJobs[N]["progress"]) => void): Promise<AdminJobs[N]["result"]>;
  /** In-process only: the service, for work that streams straight into the database. */
  readonly service: Service | undefined;
  close(): Promise<void>;
}

function socketAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once("connect", () => { s.end(); resolve(true); });
    s.once("error", () => resolve(false));
  });
}

function unwrap<T>(body: { data?: T; errors?: { message: string }[] }): T {
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data as T;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * True when a server holds the folder and answers on its socket. A server still starting
 * (migrations, demo data) is waited for as long as it is alive: its start-up is bounded by its own
 * work, and it listens on the socket before it is ready. A command holding the folder refuses this one.
 */
async function serverHolding(config: Config, socketPath: string): Promise<boolean> {
  let told = false;
  for (const started = Date.now(); ; await sleep(100)) {
    const owner = currentOwner(config.dataDir);
    if (!owner) return false;
    if (owner.role !== "server") throw new DataFolderInUseError(config.dataDir, owner);
    if (await socketAlive(socketPath)) return true;
    if (!told && Date.now() - started > 1000) {
      process.stderr.write(`waiting for the server (pid ${owner.pid}) to finish starting ...\n`);
      told = true;
    }
  }
}

function viaSocket(config: Config, socketPath: string): AdminClient {
  const post = (path: string, body: unknown, onLine: (line: string) => void) =>
    new Promise<void>((resolve, reject) => {
      const req = httpRequest({ socketPath, path, method: "POST", headers: { "content-type": "application/json" } }, (res) => {
        let buffered = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffered += chunk;
          let nl: number;
          while ((nl = buffered.indexOf("\n")) >= 0) {
            onLine(buffered.slice(0, nl));
            buffered = buffered.slice(nl + 1);
          }
        });
        res.on("end", () => {
          if (buffered.trim()) onLine(buffered);
          resolve();
        });
        res.on("error", reject);
      });
      req.on("error", (err) => reject(new Error(`lost the running server's admin socket: ${err.message}`)));
      req.end(JSON.stringify(body));
    });
  return {
    config, via: "admin-socket", service: undefined,
    async graphql(query, variables) {
      let text = "";
      await post("/graphql", { query, variables }, (l) => (text += l));
      return unwrap(JSON.parse(text));
    },
    async job(name, args, onProgress) {
      let outcome: { result?: unknown; error?: { message: string } } | undefined;
      await post(`/jobs/${name}`, args, (l) => {
        const o = JSON.parse(l) as { progress?: never; result?: unknown; error?: { message: string } };
        if (o.progress) onProgress(o.progress);
        else outcome = o;
      });
      if (!outcome) throw new Error("the running server ended the job without an answer (was it stopped?)");
      if (outcome.error) throw new Error(outcome.error.message);
      return outcome.result as never;
    },
    close: async () => {},
  };
}

export async function openAdminClient(): Promise<AdminClient> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    return fatal(err);
  }
  const socketPath = adminSocketPath(config.dataDir);
  if (!config.databaseUrl && (await serverHolding(config, socketPath).catch(fatal))) return viaSocket(config, socketPath);
  // In-process: loaded only now (the whole program), claiming the embedded folder on open.
  const [{ createService }, { runAdminJob }, { systemViewer }] = await Promise.all([
    import("../server/app.js"), import("../server/admin-jobs.js"), import("../auth/viewer.js"),
  ]);
  const service = await createService({ ...config, seedDemoData: false }).catch(fatal);
  return {
    config, via: "in-process", service,
    graphql: async (query, variables) => {
      const res = await service.yoga.fetch(
        "http://cli/graphql",
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) },
        { viewer: systemViewer },
      );
      return unwrap(await res.json());
    },
    job: (name, args, onProgress) => runAdminJob(service.program, name, args, onProgress),
    close: () => service.close(0),
  };
}
