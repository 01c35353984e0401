// How the program's CLIs talk to it: GraphQL as the SYSTEM viewer, either through the running
// embedded server's admin socket, or in-process on the database (PostgreSQL, or PGlite when no
// server holds it). One code path for every CLI, whatever runs.
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { systemViewer } from "../auth/viewer.js";
import { loadConfig, type Config } from "../config.js";
import { adminSocketPath } from "../server/admin-socket.js";
import { createService, type Service } from "../server/app.js";
import { fatal } from "./common.js";

export interface AdminClient {
  readonly config: Config;
  readonly via: "admin-socket" | "in-process";
  /** Runs a GraphQL operation; throws with the first error's message. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
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

export async function openAdminClient(): Promise<AdminClient> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    return fatal(err);
  }
  const socketPath = adminSocketPath(config.dataDir);
  if (!config.databaseUrl && (await socketAlive(socketPath))) {
    return {
      config, via: "admin-socket", service: undefined,
      graphql: (query, variables) =>
        new Promise((resolve, reject) => {
          const req = httpRequest({ socketPath, path: "/graphql", method: "POST", headers: { "content-type": "application/json" } }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
              try {
                resolve(unwrap(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
              } catch (err) {
                reject(err);
              }
            });
          });
          req.on("error", reject);
          req.end(JSON.stringify({ query, variables }));
        }),
      close: async () => {},
    };
  }
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
    close: () => service.close(0),
  };
}
