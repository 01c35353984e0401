// Embedded mode: the PGlite folder belongs to the running server, so the program's own CLIs
// (token, usage import, assessment, sweep) reach it through this UNIX socket in the data folder
// (mode 0600: only the server's OS user) and act as the SYSTEM viewer: GraphQL at /graphql, and
// the long jobs at /jobs/<name>, which stream their progress (admin-jobs.ts).
import { chmod, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { systemViewer } from "../auth/viewer.js";
import { adminSocketPath } from "../db/data-folder.js";
import type { Program } from "../program/program.js";
import { serveAdminJob } from "./admin-jobs.js";
import { errorFields, type Logger } from "./logging.js";
import type { ProgramYoga } from "./yoga.js";


export async function listenAdminSocket(yoga: ProgramYoga, dataDir: string, program: Program, logger: Logger): Promise<Server> {
  const socketPath = adminSocketPath(dataDir);
  // Left by a server that was killed: the caller owns the data folder now (data-folder.ts).
  await rm(socketPath, { force: true });
  const server = createServer((req, res) => {
    if (req.method === "POST" && req.url?.startsWith("/jobs/")) {
      return void serveAdminJob(req, res, program, (err) => logger.error("unexpected error in an admin job", { job: req.url, ...errorFields(err) }));
    }
    return yoga.handle(req, res, { viewer: systemViewer });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  await chmod(socketPath, 0o600);
  return server;
}
