// The program's use cases share this core: one transaction per change, the change's events
// written in it, and a notice on the bus only after it committed.
import { type PrismaClient, Prisma } from "../generated/prisma/client.js";
import { startOfDay } from "../domain/dates.js";
import type { EventBus } from "../events/bus.js";
import { programClock, type Clock } from "./clock.js";
import { appendEvent, type AppendedEvent, type NewEvent, type Tx } from "../events/log.js";
import { Conflict, InvalidInput } from "./refusals.js";

export interface Program {
  readonly prisma: PrismaClient;
  readonly bus: EventBus;
  /** The program's clock (R-TIME-1): the instant every recorded timestamp takes. Rules never read a clock themselves. */
  now(): Date;
  /** 00:00 UTC of the program's current day: the "today" rules decide on. */
  today(): Date;
  /**
   * Runs `work` in one transaction. `record` appends an event in that transaction; nothing
   * changes without its event and no event outlives a rolled-back change (R-EVT-1).
   */
  change<T>(work: (tx: Tx, record: (e: NewEvent) => Promise<AppendedEvent>) => Promise<T>): Promise<T>;
}

export interface ProgramOptions {
  prisma: PrismaClient;
  bus: EventBus;
  /** PROGRAM_TODAY: the clock starts at 00:00 UTC of that day and runs from there. */
  programToday?: Date | undefined;
  /** A clock of the caller's (tests); otherwise programClock(programToday). */
  clock?: Clock;
}

const SERIALIZATION_FAILURE = "40001";
const DEADLOCK = "40P01";

function isRetryable(err: unknown): boolean {
  const text = String((err as { message?: string })?.message ?? "");
  return text.includes(SERIALIZATION_FAILURE) || text.includes(DEADLOCK);
}

export function createProgram(opts: ProgramOptions): Program {
  const { prisma, bus } = opts;
  const clock = opts.clock ?? programClock(opts.programToday);
  return {
    prisma,
    bus,
    now: () => clock.now(),
    today: () => startOfDay(clock.now()),
    async change(work) {
      let last = -1n;
      const run = () =>
        prisma.$transaction(
          async (tx) => {
            last = -1n;
            return work(tx, async (e) => {
              const appended = await appendEvent(tx, e, clock.now());
              if (appended.position > last) last = appended.position;
              return appended;
            });
          },
          { maxWait: 10_000, timeout: 60_000 },
        );
      let result;
      try {
        result = await run();
      } catch (err) {
        if (!isRetryable(err)) throw translateDbError(err);
        result = await run().catch((e: unknown) => {
          throw translateDbError(e);
        });
      }
      if (last >= 0n) bus.notifyCommitted(last);
      return result;
    },
  };
}

/** SQLSTATEs of text PostgreSQL cannot store (a NUL character, in a column or in JSON): bad input, not a fault. */
const UNSTORABLE_TEXT = new Set(["22021", "22P05"]);

/** Unique-constraint races become a typed conflict, unstorable text invalid input; everything else is rethrown unchanged. */
export function translateDbError(err: unknown): unknown {
  if (err instanceof Prisma.PrismaClientKnownRequestError && (err.code === "P2002" || err.code === "P2034")) {
    return new Conflict("someone else made a conflicting change at the same time; re-read and try again");
  }
  const sqlState = (err as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } } | null)?.meta?.driverAdapterError?.cause?.originalCode;
  if (err instanceof Prisma.PrismaClientKnownRequestError && sqlState && UNSTORABLE_TEXT.has(sqlState)) {
    return new InvalidInput([{ field: "input", message: "text must not contain NUL characters (U+0000)" }]);
  }
  if (isRetryable(err)) return new Conflict("a concurrent change won; re-read and try again");
  return err;
}
