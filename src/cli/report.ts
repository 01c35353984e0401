// Progress lines on stderr (overwritten in place on a terminal) and summary tables on stdout.
import { fatal } from "./common.js";

const isTty = process.stderr.isTTY === true;

export function progressLine(text: string): void {
  if (isTty) process.stderr.write(`\r\x1b[2K${text}`);
  else process.stderr.write(`${text}\n`);
}

export function endProgress(): void {
  if (isTty) process.stderr.write("\n");
}

/** A two-column table: what, value. */
export function summaryTable(title: string, rows: readonly (readonly [string, string | number])[]): string {
  const width = Math.max(...rows.map(([k]) => k.length), title.length);
  const valueWidth = Math.max(...rows.map(([, v]) => String(v).length), 5);
  const line = `+${"-".repeat(width + 2)}+${"-".repeat(valueWidth + 2)}+`;
  const out = [line, `| ${title.padEnd(width + valueWidth + 3)} |`, line];
  for (const [k, v] of rows) out.push(`| ${k.padEnd(width)} | ${String(v).padStart(valueWidth)} |`);
  out.push(line);
  return out.join("\n");
}

export const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
export const rate = (n: number, ms: number) => (ms <= 0 ? "-" : Math.round((n * 1000) / ms).toLocaleString("en-US"));

/** Tracks the process's peak resident memory while it runs. */
export function peakRss(): { readonly peak: number; sample(): number; stop(): void } {
  let peak = process.memoryUsage.rss();
  const sample = () => {
    const now = process.memoryUsage.rss();
    if (now > peak) peak = now;
    return now;
  };
  const timer = setInterval(sample, 100);
  timer.unref();
  return {
    get peak() {
      sample();
      return peak;
    },
    sample,
    stop: () => clearInterval(timer),
  };
}

export type SummaryRow = readonly [string, string | number];

/**
 * How every long command ends: its summary table on stdout, with the time it took and its peak
 * memory; or, if it failed, one error line (exit 1). The client (in-process or the server's admin
 * socket) is closed either way.
 */
export async function endWithSummary(
  client: { close(): Promise<void> },
  run: { readonly started: number; readonly memory: ReturnType<typeof peakRss> },
  work: () => Promise<{ title: string; rows: readonly SummaryRow[] }>,
): Promise<void> {
  try {
    const { title, rows } = await work();
    endProgress();
    console.log(summaryTable(title, [...rows, ["time", `${((Date.now() - run.started) / 1000).toFixed(1)} s`], ["peak memory (RSS)", mib(run.memory.peak)]]));
  } catch (err) {
    endProgress();
    await client.close();
    fatal(err);
  }
  run.memory.stop();
  await client.close();
}
