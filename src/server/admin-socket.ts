// Embedded mode: the PGlite folder belongs to the running server, so the program's own CLIs
// (token, usage import, assessment, sweep) reach it through this UNIX socket in the data folder
// (mode 0600: only the server's OS user) and act as the SYSTEM viewer.
import { chmod, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { systemViewer } from "../auth/viewer.js";
import type { ProgramYoga } from "./yoga.js";

export const adminSocketPath = (dataDir: string) => path.join(dataDir, "admin.sock");

export async function listenAdminSocket(yoga: ProgramYoga, dataDir: string): Promise<Server> {
  const socketPath = adminSocketPath(dataDir);
  await rm(socketPath, { force: true });
  const server = createServer((req, res) => yoga.handle(req, res, { viewer: systemViewer }));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  await chmod(socketPath, 0o600);
  return server;
}
