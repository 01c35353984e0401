// The program's one clock (R-TIME-1): every rule's "today" and every timestamp the program records
// come from it. PROGRAM_TODAY (demos, tests, a program replaying a past year) starts it at 00:00 UTC
// of that day, and it runs from there; without it, it is the wall clock. Security timestamps (token
// lifetimes and last use, idempotency keys, rate limits) stay on the wall clock: they are about real time.

export interface Clock {
  /** The program's current instant. */
  now(): Date;
}

export const wallClock: Clock = { now: () => new Date() };

/** A clock that reads `start` now and runs at the wall clock's pace. */
export function clockStartingAt(start: Date): Clock {
  const offset = start.getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

export const programClock = (programToday: Date | undefined): Clock => (programToday ? clockStartingAt(programToday) : wallClock);
