// Each benchmark owns one section of bench/RESULTS.md, between markers, so several benchmarks can
// write their results to the same file without overwriting each other.
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";

export const RESULTS = new URL("./RESULTS.md", import.meta.url);

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return `${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

export async function writeSection(name: string, markdown: string): Promise<void> {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  let text = await readFile(RESULTS, "utf8").catch(() => "# Benchmark results\n\nEach section is written by `npm run bench -- <name>`; rerun it to refresh that section.\n");
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(RESULTS, text);
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const progress = (line: string) => process.stderr.write(`${line}\n`);
