// npm start: the partner program API. Fails fast with one clear line on bad configuration.
import { ConfigError, loadConfig } from "./config.js";
import { DatabaseUnavailableError } from "./db/database.js";
import { createService } from "./server/app.js";
import { jsonLogger } from "./server/logging.js";

const logger = jsonLogger();
const log = (line: string) => logger.info(line);

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

async function main() {
  const config = loadConfig();
  const service = await createService(config, { logger, adminSocket: true });
  let port: number;
  try {
    port = await service.http.listen(config.port, config.host);
  } catch (err) {
    await service.close(0).catch(() => {});
    const e = err as NodeJS.ErrnoException;
    fail(e.code === "EADDRINUSE" ? `port ${config.port} is already in use (set PORT)` : `cannot listen on port ${config.port}: ${e.message}`);
  }
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
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DatabaseUnavailableError) fail(err.message);
  // One line: Prisma's messages start with an empty line and end with the reason.
  const lines = ((err as Error)?.message ?? String(err)).split("\n").map((l) => l.trim()).filter(Boolean);
  fail(`start-up failed: ${(lines[0]?.startsWith("Invalid `prisma.") ? lines.at(-1) : lines[0]) ?? String(err)}`);
});
