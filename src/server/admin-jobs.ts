// The long-running work the CLIs start (the low-usage sweep, the annual tier assessment): the same
// functions in-process and through a running server's admin socket, where their progress is
// streamed to the command as it happens (one JSON object per line), so both show the same bar.
import type { IncomingMessage, ServerResponse } from "node:http";
import { systemViewer } from "../auth/viewer.js";
import { ConfigError, parseDate } from "../config.js";
import { InvalidInput, RuleViolation } from "../program/refusals.js";
import { runLowUsageSweep, type SweepProgress, type SweepReport } from "../program/low-usage.js";
import type { Program } from "../program/program.js";
import { runTierAssessment, type AssessmentRunReport } from "../program/tiers.js";

export interface AdminJobs {
  "low-usage-sweep": { args: { asOf: string | null }; progress: SweepProgress; result: SweepReport };
  "tier-assessment": {
    args: { year: number; supersede: boolean; reason: string | null; asOf: string | null };
    progress: { done: number; total: number };
    result: AssessmentRunReport;
  };
}
export type AdminJobName = keyof AdminJobs;

/** A job's refusal as the one line a command prints (the rule first when there is one). */
export class JobRefused extends Error {}

function refusal(err: unknown): Error {
  if (err instanceof RuleViolation) return new JobRefused(`${err.rule}: ${err.message} ${err.toSatisfy}`);
  if (err instanceof InvalidInput) return new JobRefused(`${err.rule ?? "invalid input"}: ${err.message}`);
  return err as Error;
}

const day = (name: string, raw: string | null) => (raw === null ? undefined : parseDate(name, raw));

export async function runAdminJob<N extends AdminJobName>(
  program: Program,
  name: N,
  args: AdminJobs[N]["args"],
  onProgress: (p: AdminJobs[N]["progress"]) => void,
): Promise<AdminJobs[N]["result"]> {
  try {
    if (name === "low-usage-sweep") {
      const a = args as AdminJobs["low-usage-sweep"]["args"];
      return (await runLowUsageSweep(program, systemViewer, { asOf: day("--as-of", a.asOf), onProgress })) as AdminJobs[N]["result"];
    }
    if (name === "tier-assessment") {
      const a = args as AdminJobs["tier-assessment"]["args"];
      return (await runTierAssessment(program, systemViewer, {
        year: a.year, supersede: a.supersede, reason: a.reason, asOf: day("--as-of", a.asOf), onProgress,
      })) as AdminJobs[N]["result"];
    }
  } catch (err) {
    throw refusal(err);
  }
  throw new JobRefused(`no job named "${String(name)}"`);
}

/** POST /jobs/<name> on the admin socket: progress lines, then `{"result": …}` or `{"error": …}`. */
export async function serveAdminJob(req: IncomingMessage, res: ServerResponse, program: Program, onUnexpected: (err: unknown) => void): Promise<void> {
  const name = (req.url ?? "").slice("/jobs/".length) as AdminJobName;
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  let args: AdminJobs[AdminJobName]["args"];
  try {
    args = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
  } catch {
    res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "the job's arguments are not JSON" } }));
    return;
  }
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  const line = (o: unknown) => res.write(`${JSON.stringify(o)}\n`);
  try {
    line({ result: await runAdminJob(program, name, args as never, (progress) => line({ progress })) });
  } catch (err) {
    if (!(err instanceof JobRefused) && !(err instanceof ConfigError)) onUnexpected(err);
    line({ error: { message: (err as Error).message.split("\n")[0] } });
  }
  res.end();
}
