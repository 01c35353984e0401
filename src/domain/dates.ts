// Calendar arithmetic in UTC, for rules that count days and months (usage windows, deadlines,
// tier years). Pure: the caller passes the dates; nothing here reads the clock.

const DAY_MS = 86_400_000;

/** year * 12 + month (0-based): months compare and bucket as plain integers, no Date maths in loops. */
export const monthIndex = (d: Date): number => d.getUTCFullYear() * 12 + d.getUTCMonth();

/** The first day (00:00 UTC) of the month with this index. */
export const monthFromIndex = (i: number): Date => new Date(Date.UTC(Math.floor(i / 12), i % 12, 1));

/** The first day (00:00 UTC) of the month `d` falls in. */
export const startOfMonth = (d: Date): Date => monthFromIndex(monthIndex(d));

/** "2026-03" */
export const monthKey = (d: Date): string => d.toISOString().slice(0, 7);

/** "2026-03-15" (the UTC date). */
export const isoDate = (d: Date): string => d.toISOString().slice(0, 10);

/** 00:00 UTC of the day `d` falls in. */
export const startOfDay = (d: Date): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

export const addDays = (d: Date, days: number): Date => new Date(d.getTime() + days * DAY_MS);
