// The partner dashboard: sign in with a token; the partner's apps and validations, listings and their
// reviews, low-usage notices counting down, usage, tier progress (R-TIER-9), leads and inquiries.
// `partnerEvents` keeps every part current and feeds the activity list.
import { useCallback, useEffect, useMemo, useState, type FormEvent } from "react";
import { useQuery } from "urql";
import {
  DashboardViewerDocument,
  PartnerDashboardAppsDocument,
  PartnerDashboardChecksDocument,
  PartnerDashboardDocument,
  PartnerDashboardLeadsDocument,
  PartnerDashboardListingsDocument,
  PartnerEventsDocument,
  type PartnerDashboardAppsQuery,
  type PartnerDashboardChecksQuery,
  type PartnerDashboardListingsQuery,
  type PartnerDashboardQuery,
  type PartnerDashboardLeadsQuery,
  type PartnerEventsSubscription,
} from "../../schema/operations/generated/graphql.js";
import { earliestPosition, useLiveFeed } from "./api.js";
import { LiveStatusLine } from "./live-status.js";
import { countdown, DATA_FLOW_NAMES, date, duration, errorText, EVENT_LABELS, MARKETPLACE_NAMES, month, STATE_NAMES, tierName } from "./format.js";
import { TierBadge } from "./storefront.js";

export function Dashboard(props: { token: string | null; signIn: (token: string | null) => void }) {
  if (!props.token) return <SignIn signIn={props.signIn} />;
  return <SignedIn token={props.token} signIn={props.signIn} />;
}

function SignIn(props: { signIn: (token: string) => void; problem?: string }) {
  const [value, setValue] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const token = value.trim().replace(/^Bearer\s+/i, "");
    if (token) props.signIn(token);
  };
  return (
    <form className="sign-in" onSubmit={submit}>
      <h1>Partner dashboard</h1>
      {props.problem ? <p role="alert" className="error">{props.problem}</p> : null}
      <label htmlFor="token">Paste your token</label>
      <textarea id="token" rows={3} value={value} onChange={(e) => setValue(e.target.value)} aria-describedby="token-hint" spellCheck={false} />
      <p id="token-hint" className="hint">
        Get one with <code>npm run -s token -- --partner northwind-analytics --admin</code> (your partner's slug instead of northwind-analytics).
      </p>
      <button type="submit">Sign in</button>
    </form>
  );
}

function SignedIn(props: { token: string; signIn: (token: string | null) => void }) {
  const [viewer] = useQuery({ query: DashboardViewerDocument });
  if (viewer.error) {
    return <SignIn signIn={props.signIn} problem={errorText(viewer.error)} />;
  }
  if (!viewer.data) return <p>Loading…</p>;
  const v = viewer.data.viewer;
  const partnerId = v.partner?.id ?? null;
  const who = v.partner ? `${v.partner.name} (${v.role === "PARTNER_ADMIN" ? "admin" : "member"})` : v.staffUser ? `${v.staffUser.name} (staff)` : v.role;
  return (
    <div className="dashboard">
      <p className="signed-in">
        Signed in as {who}{v.fedrampCleared ? ", FedRAMP-cleared" : ""}.{" "}
        <button type="button" className="link" onClick={() => props.signIn(null)}>Sign out</button>
      </p>
      {partnerId ? <PartnerView partnerId={partnerId} token={props.token} /> : (
        <p>This token belongs to no partner: the dashboard shows a partner's own data to its members. Staff read every partner in <a href="/graphql">GraphiQL</a>.</p>
      )}
    </div>
  );
}

interface FeedItem {
  position: string;
  type: string;
  occurredAt: string;
  reason: string | null | undefined;
  marketplace: string | null | undefined;
}

function PartnerView(props: { partnerId: string; token: string }) {
  const variables = { id: props.partnerId };
  const [overview, refetchOverview] = useQuery({ query: PartnerDashboardDocument, variables });
  const [apps, refetchApps] = useQuery({ query: PartnerDashboardAppsDocument, variables });
  const [checks, refetchChecks] = useQuery({ query: PartnerDashboardChecksDocument, variables });
  const [listings, refetchListings] = useQuery({ query: PartnerDashboardListingsDocument, variables: {} });
  const [leads, refetchLeads] = useQuery({ query: PartnerDashboardLeadsDocument, variables });
  const [feed, setFeed] = useState<FeedItem[]>([]);
  const refresh = useCallback(
    (type: string) => {
      const opts = { requestPolicy: "network-only" as const };
      // Each part is read again when an event may have changed it.
      if (/^(tier|usage|lead|inquiry|listing)\./.test(type)) refetchOverview(opts);
      if (/^(app|validation|usage|test-customer|listing)\./.test(type)) refetchApps(opts);
      if (/^validation\./.test(type)) refetchChecks(opts);
      if (/^(app|listing)\./.test(type)) refetchListings(opts);
      if (/^(lead|inquiry)\./.test(type)) refetchLeads(opts);
    },
    [refetchOverview, refetchApps, refetchChecks, refetchListings, refetchLeads],
  );
  const partner = overview.data?.partner;
  const live = useLiveFeed(
    PartnerEventsDocument,
    partner ? { partnerId: partner.id } : null,
    props.token,
    // Each part was read on its own: the feed starts after the earliest of their reads.
    earliestPosition(overview.data?.eventPosition, apps.data?.eventPosition, checks.data?.eventPosition, listings.data?.eventPosition, leads.data?.eventPosition),
    (d: PartnerEventsSubscription) => d.partnerEvents.position,
    (d) => {
      const e = d.partnerEvents;
      setFeed((items) => [{ position: e.position, type: e.type, occurredAt: e.occurredAt, reason: e.reason, marketplace: e.marketplace }, ...items].slice(0, 30));
      refresh(e.type);
    },
  );

  const error = overview.error ?? apps.error ?? checks.error ?? listings.error ?? leads.error;
  if (error) return <p role="alert" className="error">{errorText(error)}</p>;
  if (overview.fetching && !overview.data) return <p>Loading…</p>;
  if (!partner) return <p role="status">No partner to show: it does not exist, or your token does not let you see it.</p>;

  return (
    <>
      <div className="dashboard-head">
        <h1>{partner.name}</h1>
        <TierBadge name={partner.tierBadge.name} tier={partner.tier} />
        <LiveStatusLine status={live} />
      </div>
      <div className="dashboard-grid">
        <div className="dashboard-main">
          {apps.data && listings.data ? <AppsAndListings apps={apps.data} checks={checks.data} listings={listings.data} /> : <p>Loading apps…</p>}
          <TierPanel data={partner} />
          {leads.data?.partner ? <LeadsAndInquiries data={leads.data.partner} /> : null}
        </div>
        <aside className="activity" aria-labelledby="activity-heading">
          <h2 id="activity-heading">Activity</h2>
          {feed.length === 0 ? <p className="hint">Changes to your partner show here as they happen.</p> : null}
          <ol aria-live="polite" aria-label="Activity feed">
            {feed.map((e) => (
              <li key={e.position} data-event-type={e.type}>
                <strong>{EVENT_LABELS[e.type] ?? e.type}</strong>
                {e.marketplace ? ` (${MARKETPLACE_NAMES[e.marketplace] ?? e.marketplace})` : ""}
                <br />
                <time dateTime={e.occurredAt}>{new Date(e.occurredAt).toLocaleString("en", { timeZone: "UTC" })} UTC</time>
                {e.reason ? <span className="reason"> — {e.reason}</span> : null}
              </li>
            ))}
          </ol>
        </aside>
      </div>
    </>
  );
}

type DashboardApp = PartnerDashboardAppsQuery["apps"]["edges"][number]["node"];

function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

function AppsAndListings(props: { apps: PartnerDashboardAppsQuery; checks: PartnerDashboardChecksQuery | undefined; listings: PartnerDashboardListingsQuery }) {
  // Deadlines are on the program's clock (R-TIME-1), which runs apart from the browser's when the
  // server has PROGRAM_TODAY: the countdown keeps the difference the API reported with the listings.
  const offset = useMemo(() => new Date(props.listings.programNow).getTime() - Date.now(), [props.listings]);
  const now = useNow(1000) + offset;
  const apps = props.apps.apps.edges.map((e) => e.node);
  const checksOf = new Map(props.checks?.apps.edges.flatMap((e) => e.node.validations.map((v) => [v.id, v.checks] as const)) ?? []);
  const listings = props.listings.myListings.edges.map((e) => ({ ...e.node, app: e.node.app.name }));
  const atRisk = listings.filter((l) => l.state === "AT_RISK" && l.atRiskDeadline);
  return (
    <>
      {atRisk.length ? (
        <section aria-labelledby="notices" className="notices">
          <h2 id="notices">Low-usage notices</h2>
          <ul>
            {atRisk.map((l) => (
              <li key={l.id} role="alert" data-listing-id={l.id}>
                <strong>{l.content?.name ?? l.app}</strong> ({MARKETPLACE_NAMES[l.marketplace]}) is at risk of delisting for low usage.
                Deadline {date(l.atRiskDeadline)}: <span className="countdown">{countdown(l.atRiskDeadline!, now)}</span>.
                Usage recorded before then returns it to live.
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="apps-heading">
        <h2 id="apps-heading">Apps and validation</h2>
        {apps.length === 0 ? <p>No apps yet.</p> : null}
        {apps.map((a) => (
          <div key={a.id} className="app" data-app-id={a.id}>
            <h3>{a.name} <span className="muted">({a.kind === "DATA_CONNECTOR" ? "data connector" : "app"}, {DATA_FLOW_NAMES[a.dataFlow] ?? a.dataFlow}, {a.status.toLowerCase()})</span></h3>
            {a.validations.length === 0 ? <p className="muted">No App Validation requested yet.</p> : (
              <ul className="validations">
                {a.validations.map((v) => (
                  <li key={v.id}>
                    App Validation, {MARKETPLACE_NAMES[v.marketplace]}, attempt {v.attempt}: <strong>{v.status.toLowerCase().replace(/_/g, " ")}</strong>
                    {checksOf.get(v.id)?.length ? (
                      <ul>
                        {checksOf.get(v.id)!.map((c) => (
                          <li key={c.kind}>{c.passed ? "✓ passed" : "✗ failed"}: {c.kind.toLowerCase().replace(/_/g, " ")}{c.notes ? ` — ${c.notes}` : ""}</li>
                        ))}
                      </ul>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </div>
        ))}
      </section>
      <section aria-labelledby="listings-heading">
        <h2 id="listings-heading">Listings</h2>
        <table>
          <thead><tr><th scope="col">Listing</th><th scope="col">Marketplace</th><th scope="col">State</th><th scope="col">Pending revision</th><th scope="col">Last review</th></tr></thead>
          <tbody>
            {listings.map((l) => (
              <tr key={l.id} data-listing-id={l.id} data-state={l.state}>
                <td>{l.content?.name ?? `${l.app} (not yet approved)`}</td>
                <td>{MARKETPLACE_NAMES[l.marketplace]}</td>
                <td>{STATE_NAMES[l.state] ?? l.state}{l.delistReason ? ` (${l.delistReason.toLowerCase().replace(/_/g, " ")})` : ""}</td>
                <td>{l.pendingRevision ? `#${l.pendingRevision.number}, ${l.pendingRevision.status.toLowerCase().replace(/_/g, " ")}` : "—"}</td>
                <td className="review">{lastReview(l.lastReview)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <UsageChart apps={apps} />
    </>
  );
}

/** A listing's last review: its verdict and the reviewer's notes. */
function lastReview(reviewed: { number: number; status: string; reviewedAt?: string | null; reviewNotes?: string | null } | null | undefined): string {
  if (!reviewed) return "—";
  const verdict = reviewed.status === "REJECTED" ? "rejected" : "approved";
  return `#${reviewed.number} ${verdict} on ${date(reviewed.reviewedAt)}${reviewed.reviewNotes ? `: ${reviewed.reviewNotes}` : ""}`;
}

function UsageChart({ apps }: { apps: DashboardApp[] }) {
  const byMonth = new Map<string, number>();
  for (const a of apps) for (const u of a.usage) byMonth.set(u.month, (byMonth.get(u.month) ?? 0) + u.activeCustomers);
  const months = [...byMonth.keys()].sort().slice(-12);
  const max = Math.max(1, ...months.map((m) => byMonth.get(m)!));
  const w = 40;
  const h = 120;
  return (
    <section aria-labelledby="usage-heading">
      <h2 id="usage-heading">Usage, last 12 months</h2>
      {months.length === 0 ? <p>No usage recorded yet.</p> : (
        <figure className="chart">
          <svg role="img" aria-labelledby="usage-caption" viewBox={`0 -16 ${months.length * w} ${h + 46}`} width="100%" height={h + 46}>
            {months.map((m, i) => {
              const v = byMonth.get(m)!;
              const bh = Math.round((v / max) * h);
              return (
                <g key={m}>
                  <rect x={i * w + 6} y={h - bh} width={w - 12} height={bh} className="bar"><title>{`${month(m)}: ${v} active customers`}</title></rect>
                  <text x={i * w + w / 2} y={h - bh - 3} textAnchor="middle" className="value">{v}</text>
                  <text x={i * w + w / 2} y={h + 16} textAnchor="middle" className="axis">{month(m)}</text>
                </g>
              );
            })}
          </svg>
          <figcaption id="usage-caption">Monthly active customers, all apps together, {month(months[0]!)} to {month(months[months.length - 1]!)}.</figcaption>
        </figure>
      )}
    </section>
  );
}

function TierPanel({ data }: { data: NonNullable<PartnerDashboardQuery["partner"]> }) {
  const p = data.tierProgress;
  return (
    <section aria-labelledby="tier-heading">
      <h2 id="tier-heading">Tier</h2>
      <p>This year you are <strong>{data.tierBadge.name}</strong>. Tiers change only at the yearly assessment, on the whole year's results.</p>
      {p.__typename === "PartnerTierProgressSuccess" ? (
        <>
          {p.data.nextTier ? (
            <>
              <p>
                Progress toward <strong>{tierName(p.data.nextTier)}</strong> in {p.data.year}, year to date ({date(p.data.asOf)}): {p.data.met} of {p.data.total} requirements met.
              </p>
              <progress max={p.data.total} value={p.data.met} aria-label={`Requirements met toward ${tierName(p.data.nextTier)}`} />
            </>
          ) : <p>You are at the top of the ladder.</p>}
          <table>
            <thead><tr><th scope="col">Requirement</th><th scope="col">Needed</th><th scope="col">You</th><th scope="col">Met</th></tr></thead>
            <tbody>
              {p.data.requirements.map((r) => (
                <tr key={`${r.tier}-${r.requirement}`}>
                  <td>{r.label}</td>
                  <td>{figure(r.requirement, r.required)}</td>
                  <td>{r.actual == null ? "—" : figure(r.requirement, r.actual)}</td>
                  <td>{r.met ? "Yes" : `No (short by ${figure(r.requirement, r.shortfall)})`}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hint">{p.data.note}</p>
        </>
      ) : "message" in p ? <p className="error">{p.message}</p> : null}
    </section>
  );
}

/** Rates as percentages, other figures with at most one decimal. */
function figure(requirement: string, n: number): string {
  if (requirement === "minWinRate" || requirement === "minRetention") return `${Math.round(n * 100)}%`;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function LeadsAndInquiries({ data }: { data: NonNullable<PartnerDashboardLeadsQuery["partner"]> }) {
  const inquiries = data.inquiries.edges.map((e) => e.node);
  const leads = data.leads.edges.map((e) => e.node);
  return (
    <>
      <section aria-labelledby="inquiries-heading">
        <h2 id="inquiries-heading">Inquiries</h2>
        {inquiries.length === 0 ? <p>No inquiries yet.</p> : (
          <table>
            <thead><tr><th scope="col">From</th><th scope="col">Listing</th><th scope="col">Message</th><th scope="col">Received</th><th scope="col">Response time</th></tr></thead>
            <tbody>
              {inquiries.map((i) => (
                <tr key={i.id} data-inquiry-id={i.id}>
                  <td>{i.senderName}{i.senderCompany ? `, ${i.senderCompany}` : ""}</td>
                  <td>{i.listing.content?.name ?? "—"}</td>
                  <td>{i.message}</td>
                  <td>{date(i.createdAt)}</td>
                  <td>{i.responseSeconds != null ? duration(i.responseSeconds) : "Not answered yet"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="leads-heading">
        <h2 id="leads-heading">Leads</h2>
        {leads.length === 0 ? <p>No leads yet.</p> : (
          <table>
            <thead><tr><th scope="col">Company</th><th scope="col">Contact</th><th scope="col">Status</th><th scope="col">Sent</th></tr></thead>
            <tbody>
              {leads.map((l) => (
                <tr key={l.id}><td>{l.company}</td><td>{l.contactName}</td><td>{l.status.toLowerCase()}</td><td>{date(l.createdAt)}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
