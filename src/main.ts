// npm start: the partner program API. Fails fast with one clear line on bad configuration.
//
// Start-up order: the configuration; the embedded data folder's lock (a second server is refused
// naming the first); the port (a port in use is refused before any work); then the database opens
// while the GraphQL stack loads, the two being the slow parts of a start.
import { ConfigError, loadConfig } from "./config.js";
import { claimDataFolder, DataFolderInUseError } from "./db/data-folder.js";
import { DatabaseUnavailableError, openDatabase } from "./db/database.js";
import { routeConsoleToLog } from "./server/console-log.js";
import { jsonLogger } from "./server/log-lines.js";
import { portProblem } from "./server/port-check.js";

const logger = jsonLogger();
routeConsoleToLog(logger);
const log = (line: string) => logger.info(line);

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

/**
 * SIGTERM and SIGINT are caught from the very start: a signal's default action ends the process at
 * once, so a handler installed only after the "listening" line leaves a window in which a supervisor
 * (or a test) that reacts to that line kills the server mid-sentence. A signal before the service is
 * up is kept, and the server stops as soon as it is.
 */
let onSignal: ((signal: string) => void) | undefined;
let signalled: string | undefined;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (onSignal) onSignal(signal);
    else signalled ??= signal;
  });
}

async function main() {
  const config = loadConfig();
  // The data folder first (the owner's pid says more than "port in use" when it is our own server),
  // then the port, both before anything is opened, migrated or seeded.
  const dataFolder = config.databaseUrl ? undefined : await claimDataFolder(config.dataDir, { role: "server", command: "npm start", port: config.port });
  const busy = await portProblem(config.port, config.host);
  if (busy) fail(busy);
  const opening = openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : `${config.dataDir}/pglite`,
    dataFolder,
    fromTemplate: config.migrateOnStart,
    preparedStatements: config.preparedStatements,
    pgliteWorker: config.pgliteWorker,
  });
  opening.catch(() => {}); // awaited below, after the GraphQL stack has loaded
  const { createService } = await import("./server/app.js");
  const service = await createService(config, { logger, adminSocket: true, db: await opening });
  let port: number;
  try {
    port = await service.http.listen(config.port, config.host);
  } catch (err) {
    await service.close(0).catch(() => {});
    const e = err as NodeJS.ErrnoException;
    fail(e.code === "EADDRINUSE" ? `port ${config.port} is already in use (set PORT)` : `cannot listen on port ${config.port}: ${e.message}`);
  }
  dataFolder?.setPort(port);
  const where = config.databaseUrl ? "PostgreSQL" : `embedded PGlite in ${config.dataDir}`;
  log(`partner program API on http://localhost:${port}/graphql (${where}; event bus: ${service.bus.kind})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    // Bounded: a server still working through a backlog exits anyway shortly after the grace period.
    const hardStop = setTimeout(() => {
      log(`shutdown did not finish within ${config.shutdownGraceMs + 3000} ms: exiting`);
      process.exit(0);
    }, config.shutdownGraceMs + 3000);
    hardStop.unref();
    await service.close();
    log("stopped");
    process.exit(0);
  };
  onSignal = (signal) => void stop(signal);
  if (signalled) onSignal(signalled);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DatabaseUnavailableError || err instanceof DataFolderInUseError) fail(err.message);
  // One line: Prisma's messages start with an empty line and end with the reason.
  const lines = ((err as Error)?.message ?? String(err)).split("\n").map((l) => l.trim()).filter(Boolean);
  fail(`start-up failed: ${(lines[0]?.startsWith("Invalid `prisma.") ? lines.at(-1) : lines[0]) ?? String(err)}`);
});
