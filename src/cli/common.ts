// Shared start for command-line tools: config, database, a program without a network bus unless asked.
// Imports of the database and the program are dynamic: a command that only talks to the running
// server (npm run token) does not pay for loading them.
import { loadConfig, type Config } from "../config.js";
import type { Database } from "../db/database.js";
import type { Program } from "../program/program.js";

export async function openForCli(): Promise<{ config: Config; db: Database; program: Program; close(): Promise<void> }> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    return fatal(err);
  }
  const [{ openDatabase }, { createEventBus }, { createProgram }] = await Promise.all([
    import("../db/database.js"), import("../events/bus.js"), import("../program/program.js"),
  ]);
  // The embedded folder is claimed on open: refused with one line while a server or another command holds it.
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : `${config.dataDir}/pglite`,
    // db:migrate and seed migrate first: a new folder may start migrated.
    fromTemplate: true,
  }).catch(fatal);
  const bus = createEventBus(config.redisUrl);
  const program = createProgram({ prisma: db.prisma, bus, programToday: config.programToday });
  return {
    config, db, program,
    close: async () => {
      await bus.close();
      await db.close();
    },
  };
}

/** One line on stderr, exit 1. Configuration, database and data-folder errors are one line already. */
export function fatal(err: unknown): never {
  const msg = ((err as Error)?.message ?? String(err)).split("\n")[0];
  process.stderr.write(`error: ${msg}\n`);
  process.exit(1);
}

/** --name value pairs and bare flags. */
export function parseArgs(argv: string[]): { flags: Record<string, string | true>; positional: string[] } {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith("--")) {
      const [k, v] = a.slice(2).split("=", 2) as [string, string | undefined];
      if (v !== undefined) flags[k] = v;
      else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("--")) flags[k] = argv[++i]!;
      else flags[k] = true;
    } else positional.push(a);
  }
  return { flags, positional };
}
