// The server's stdout is one JSON object per line. Dependencies that print with console.* (a
// library's notice, a plugin's warning) would break that: their lines become log entries instead.
import { format } from "node:util";
import type { Logger } from "./log-lines.js";

/**
 * Known false alarms, dropped. @envelop/response-cache warns when a later plugin answered without
 * executing; our limits (page size, rate limits) come after the storefront cache on purpose and
 * refuse exactly that way (yoga.ts), so the warning would fire on every refused public request.
 */
const DROPPED = [/^\[useResponseCache\] The cached execute function was not called/];

export function routeConsoleToLog(logger: Logger): void {
  const to = (level: "info" | "warn" | "error") => (...args: unknown[]) => {
    const text = format(...args);
    if (DROPPED.some((re) => re.test(text))) return;
    logger[level](text, { source: "console" });
  };
  console.log = to("info");
  console.info = to("info");
  console.debug = () => {};
  console.trace = to("warn");
  console.warn = to("warn");
  console.error = to("error");
}
