// `npm start` checks its port before it opens, migrates and seeds anything: a port in use is one
// line and exit 1, not a listen error after a minute of work.
import { createServer } from "node:net";

/** Why the port cannot be listened on, or undefined when it is free (0: any free port, always). */
export async function portProblem(port: number, host: string): Promise<string | undefined> {
  if (port === 0) return undefined;
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", (err: NodeJS.ErrnoException) => {
      resolve(err.code === "EADDRINUSE" ? `port ${port} is already in use (set PORT)`
        : err.code === "EACCES" ? `port ${port} needs more privileges than this user has (set PORT)`
        : err.code === "EADDRNOTAVAIL" ? `HOST ${host} is not an address of this machine (set HOST)`
        : `cannot listen on ${host}:${port}: ${err.message}`);
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}
