// The storefront: search, facet filters with counts, sort, cursor pages and listing cards, kept live
// by `listingChanges` (a listing going live appears, a delisted one disappears, an at-risk one gets
// its badge) without a reload.
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { useQuery } from "urql";
import {
  DashboardViewerDocument,
  StorefrontChangesDocument,
  StorefrontSearchDocument,
  type ListingCardFragment,
  type ListingSort,
  type Marketplace,
  type StorefrontSearchQuery,
} from "../../schema/operations/generated/graphql.js";
import { useLiveFeed } from "./api.js";
import { LiveStatusLine } from "./live-status.js";
import { DATA_FLOW_NAMES, errorText, MARKETPLACE_NAMES } from "./format.js";
import { Link } from "./router.js";

export const PAGE_SIZE = 12;

export interface StorefrontState {
  marketplace: Marketplace;
  search: string;
  categories: string[];
  tiers: string[];
  dataFlows: string[];
  dataConnector: boolean | null;
  sort: ListingSort;
  /** Cursors of the pages before this one; the last is this page's `after`. */
  cursors: (string | null)[];
}

export const initialStorefrontState: StorefrontState = {
  marketplace: "COMMERCIAL",
  search: "",
  categories: [],
  tiers: [],
  dataFlows: [],
  dataConnector: null,
  sort: "RELEVANCE",
  cursors: [null],
};

const SORTS: { value: ListingSort; label: string }[] = [
  { value: "RELEVANCE", label: "Relevance" },
  { value: "NAME", label: "Name (A–Z)" },
  { value: "NEWEST", label: "Newest" },
  { value: "POPULARITY", label: "Most popular" },
];

const toggle = (list: string[], value: string) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);

export function Storefront(props: { token: string | null; signOut: () => void; state: StorefrontState; setState: (s: StorefrontState) => void }) {
  const { state, token } = props;
  // Any change of search, filter or sort starts again at the first page.
  const set = (patch: Partial<StorefrontState>) => props.setState({ ...state, cursors: [null], ...patch });
  const [text, setText] = useState(state.search);
  const [viewer] = useQuery({ query: DashboardViewerDocument, pause: !token });
  const cleared = !!viewer.data?.viewer.fedrampCleared;

  const filter = {
    ...(state.categories.length ? { categories: state.categories } : {}),
    ...(state.tiers.length ? { tiers: state.tiers } : {}),
    ...(state.dataFlows.length ? { dataFlows: state.dataFlows as ("PUSH" | "PULL" | "BIDIRECTIONAL")[] } : {}),
    ...(state.dataConnector !== null ? { dataConnector: state.dataConnector } : {}),
  };
  const after = state.cursors[state.cursors.length - 1] ?? null;
  const variables = { marketplace: state.marketplace, search: state.search || null, filter, sort: state.sort, first: PAGE_SIZE, after };
  const [result, refetch] = useQuery({ query: StorefrontSearchDocument, variables });
  // The previous answer stays on screen while the next one loads.
  const shown = useRef<StorefrontSearchQuery | undefined>(undefined);
  if (result.data) shown.current = result.data;
  const data = result.data ?? shown.current;

  const [announcement, setAnnouncement] = useState("");
  const refresh = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  const live = useLiveFeed(
    StorefrontChangesDocument,
    { marketplace: state.marketplace },
    token,
    data?.eventPosition,
    (d) => d.listingChanges.position,
    (d) => {
      refresh();
      setAnnouncement(CHANGE_WORDS[d.listingChanges.type] ?? "The storefront changed");
    },
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    set({ search: text.trim() });
  };
  useEffect(() => setText(state.search), [state.search]);

  const listings = data?.listings;
  const facets = listings?.facets;
  const page = state.cursors.length;
  return (
    <div className="storefront">
      <div className="storefront-head">
        <h1>{MARKETPLACE_NAMES[state.marketplace]} marketplace</h1>
        <LiveStatusLine status={live} />
      </div>
      <form role="search" onSubmit={submit} className="search">
        <label htmlFor="search">Search listings</label>
        <input id="search" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder={'e.g. cost codes, "exact phrase", -without'} maxLength={200} />
        <button type="submit">Search</button>
        <label htmlFor="sort">Sort by</label>
        <select id="sort" value={state.sort} onChange={(e) => set({ sort: e.target.value as ListingSort })}>
          {SORTS.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
        </select>
        {cleared ? (
          <>
            <label htmlFor="marketplace">Marketplace</label>
            <select id="marketplace" value={state.marketplace} onChange={(e) => set({ marketplace: e.target.value as Marketplace, categories: [], tiers: [] })}>
              <option value="COMMERCIAL">Commercial</option>
              <option value="FEDRAMP">FedRAMP</option>
            </select>
          </>
        ) : null}
      </form>
      <div className="storefront-body">
        <aside aria-label="Filters" className="facets">
          {facets ? (
            <>
              <fieldset>
                <legend>Categories</legend>
                {facets.categories.map((c) => (
                  <Check key={c.slug} name={`category-${c.slug}`} label={c.name} count={c.count} checked={state.categories.includes(c.slug)} onChange={() => set({ categories: toggle(state.categories, c.slug) })} />
                ))}
              </fieldset>
              <fieldset>
                <legend>Partner tier</legend>
                {facets.tiers.map((t) => (
                  <Check key={t.tier} name={`tier-${t.tier}`} label={t.name} count={t.count} checked={state.tiers.includes(t.tier)} onChange={() => set({ tiers: toggle(state.tiers, t.tier) })} />
                ))}
              </fieldset>
              <fieldset>
                <legend>Data flow</legend>
                {facets.dataFlows.map((f) => (
                  <Check key={f.dataFlow} name={`flow-${f.dataFlow}`} label={DATA_FLOW_NAMES[f.dataFlow] ?? f.dataFlow} count={f.count} checked={state.dataFlows.includes(f.dataFlow)} onChange={() => set({ dataFlows: toggle(state.dataFlows, f.dataFlow) })} />
                ))}
              </fieldset>
              <fieldset>
                <legend>Data connector</legend>
                {facets.dataConnector.map((d) => (
                  <Check key={String(d.dataConnector)} name={`connector-${d.dataConnector}`} label={d.dataConnector ? "Data connectors" : "Other apps"} count={d.count} checked={state.dataConnector === d.dataConnector}
                    onChange={() => set({ dataConnector: state.dataConnector === d.dataConnector ? null : d.dataConnector })} />
                ))}
              </fieldset>
            </>
          ) : null}
        </aside>
        <section aria-labelledby="results-heading" className="results">
          <h2 id="results-heading" aria-live="polite">
            {listings ? `${listings.totalCount} listing${listings.totalCount === 1 ? "" : "s"}` : "Loading listings…"}
            {listings && state.search ? ` for “${state.search}”` : ""}
          </h2>
          {result.error ? (
            <div role="alert" className="error">
              <p>{errorText(result.error)}</p>
              {result.error.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED") ? (
                <button type="button" onClick={props.signOut}>Sign out and browse as the public</button>
              ) : null}
            </div>
          ) : null}
          <p className="visually-hidden" aria-live="polite">{announcement}</p>
          {listings && listings.edges.length === 0 ? <p>No listing matches. Try fewer words or filters.</p> : null}
          <ul className="cards" aria-label="Listings" aria-busy={result.fetching}>
            {listings?.edges.map((e) => <Card key={e.node.id} listing={e.node} />)}
          </ul>
          <nav aria-label="Pages" className="pager">
            <button type="button" disabled={page <= 1} onClick={() => props.setState({ ...state, cursors: state.cursors.slice(0, -1) })}>← Previous page</button>
            <span aria-live="polite">Page {page}</span>
            <button type="button" disabled={!listings?.pageInfo.hasNextPage} onClick={() => listings && props.setState({ ...state, cursors: [...state.cursors, listings.pageInfo.endCursor ?? null] })}>Next page →</button>
          </nav>
        </section>
      </div>
    </div>
  );
}

const CHANGE_WORDS: Record<string, string> = {
  "listing.live": "A listing went live",
  "listing.revised": "A listing was updated",
  "listing.delisted": "A listing was removed",
  "listing.low-usage-notice": "A listing is now at risk",
  "listing.low-usage-recovered": "A listing is no longer at risk",
};

function Check(props: { name: string; label: string; count: number; checked: boolean; onChange: () => void }) {
  return (
    <div className="check">
      <input type="checkbox" id={props.name} checked={props.checked} onChange={props.onChange} disabled={props.count === 0 && !props.checked} />
      <label htmlFor={props.name}>
        {props.label} <span className="count" aria-label={`${props.count} listings`}>{props.count}</span>
      </label>
    </div>
  );
}

export function TierBadge(props: { name: string; tier: string }) {
  return <span className={`badge tier tier-${props.tier.toLowerCase()}`}>{props.name}</span>;
}

function Card({ listing }: { listing: ListingCardFragment }) {
  const name = listing.content?.name ?? "Untitled";
  return (
    <li className="card" data-listing-id={listing.id} data-state={listing.state}>
      <article aria-label={name}>
        <h3><Link to={`/listing/${encodeURIComponent(listing.id)}`}>{name}</Link></h3>
        <p className="tagline">{listing.content?.tagline}</p>
        <p className="partner">by {listing.partner.name}</p>
        <p className="badges">
          <TierBadge name={listing.partner.tierBadge.name} tier={listing.partner.tier} />
          {listing.state === "AT_RISK" ? <span className="badge at-risk">At risk</span> : null}
          {listing.recentlyUpdated ? <span className="badge updated">Recently updated</span> : null}
          {listing.marketplace === "FEDRAMP" ? <span className="badge fedramp">FedRAMP</span> : null}
        </p>
      </article>
    </li>
  );
}
