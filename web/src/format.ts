// Words and numbers as a person reads them.
import type { CombinedError } from "@urql/core";

export const TIER_NAMES: Record<string, string> = { FOUNDATION: "Foundation", SELECT: "Select", ELITE: "Elite", PREMIER: "Premier" };
export const DATA_FLOW_NAMES: Record<string, string> = { PUSH: "Push (into the platform)", PULL: "Pull (from the platform)", BIDIRECTIONAL: "Bi-directional" };
export const STATE_NAMES: Record<string, string> = { DRAFT: "Draft", IN_REVIEW: "In review", LIVE: "Live", AT_RISK: "At risk", DELISTED: "Delisted" };
export const MARKETPLACE_NAMES: Record<string, string> = { COMMERCIAL: "Commercial", FEDRAMP: "FedRAMP" };

export const tierName = (key: string) => TIER_NAMES[key] ?? key;

export function date(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleDateString("en", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
}

export function month(iso: string): string {
  return new Date(iso).toLocaleDateString("en", { year: "2-digit", month: "short", timeZone: "UTC" });
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = seconds / 3600;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} days`;
}

/** Time left until a deadline, to the second: "12 days 03:04:05 left", or that it has passed. */
export function countdown(deadline: string, now: number): string {
  const ms = new Date(deadline).getTime() - now;
  if (ms <= 0) return "deadline passed: delisted at the next sweep unless usage recovers";
  const s = Math.floor(ms / 1000);
  const days = Math.floor(s / 86400);
  const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, "0")).join(":");
  return `${days} day${days === 1 ? "" : "s"} ${hms} left`;
}

/** A transport or GraphQL error as one sentence (typed refusals are shown where they are returned). */
export function errorText(error: CombinedError): string {
  if (error.networkError) return "The API cannot be reached. Check your connection and try again.";
  const first = error.graphQLErrors[0];
  if (!first) return error.message;
  const code = first.extensions?.code;
  if (code === "UNAUTHENTICATED") return "Your token was not accepted (expired, revoked or mistyped). Sign in again with a new one.";
  if (code === "FORBIDDEN") return "Your token does not allow this.";
  const problems = first.extensions?.problems as { argument?: string; message: string }[] | undefined;
  if (problems?.length) return problems.map((p) => p.message).join(" ");
  return first.message;
}

export const EVENT_LABELS: Record<string, string> = {
  "listing.live": "Listing went live",
  "listing.revised": "Listing update approved",
  "listing.rejected": "Listing sent back to draft",
  "listing.revision-rejected": "Listing update rejected",
  "listing.submitted": "Listing submitted for review",
  "listing.revision-submitted": "Listing update submitted for review",
  "listing.delisted": "Listing delisted",
  "listing.low-usage-notice": "Low-usage notice: listing at risk",
  "listing.low-usage-recovered": "Usage recovered: listing live again",
  "listing.reapplied": "Listing back in review after re-application",
  "inquiry.received": "New inquiry from the contact form",
  "inquiry.answered": "Inquiry answered",
  "lead.sent": "Lead sent to the program",
  "lead.triaged": "Lead triaged",
  "validation.requested": "App Validation requested",
  "validation.check-recorded": "Validation check recorded",
  "validation.passed": "App Validation passed",
  "validation.failed": "App Validation failed",
  "usage.recorded": "Usage recorded",
  "tier.assessed": "Tier assessed",
};
