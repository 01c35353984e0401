// The line that says whether a page's live feed is connected.
import type { LiveStatus } from "./api.js";

const WORDS: Record<LiveStatus, string> = {
  connecting: "Connecting…",
  live: "Live updates on",
  reconnecting: "Reconnecting…",
  refused: "Live updates stopped: your token was refused. Sign in again.",
};

export function LiveStatusLine({ status }: { status: LiveStatus }) {
  return (
    <p className="live-status" data-live={status} role="status">
      <span className={`dot ${status}`} aria-hidden="true" /> {WORDS[status]}
    </p>
  );
}
