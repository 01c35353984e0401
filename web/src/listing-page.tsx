// A listing's page: its content and screenshots, and its contact option: a form that sends the
// partner an inquiry (R-INQ-1), or a "learn more" link. Kept live like the storefront.
import { useCallback, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { ListingDetailDocument, SendInquiryDocument, StorefrontChangesDocument } from "../../schema/operations/generated/graphql.js";
import { useLiveFeed } from "./api.js";
import { DATA_FLOW_NAMES, date, errorText, MARKETPLACE_NAMES } from "./format.js";
import { Link } from "./router.js";
import { TierBadge } from "./storefront.js";

export function ListingPage(props: { id: string; token: string | null }) {
  const [result, refetch] = useQuery({ query: ListingDetailDocument, variables: { id: props.id } });
  const listing = result.data?.listing;
  const refresh = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  const live = useLiveFeed(
    StorefrontChangesDocument,
    listing ? { marketplace: listing.marketplace } : null,
    props.token,
    result.data?.eventPosition,
    (d) => d.listingChanges.position,
    (d) => {
      if (d.listingChanges.listingId === props.id) refresh();
    },
  );

  if (result.error) return <p role="alert" className="error">{errorText(result.error)}</p>;
  if (result.fetching && !result.data) return <p>Loading…</p>;
  if (!listing || !listing.content) {
    return (
      <div className="listing-page">
        <h1>Listing not available</h1>
        <p>This listing is not on the marketplace (it may have been removed), or your token does not let you see it.</p>
        <p><Link to="/">Back to the storefront</Link></p>
      </div>
    );
  }
  const c = listing.content;
  return (
    <article className="listing-page" aria-labelledby="listing-name" data-live={live}>
      <p><Link to="/">← Back to the storefront</Link></p>
      <h1 id="listing-name">{c.name}</h1>
      <p className="tagline">{c.tagline}</p>
      <p className="badges">
        <span>by <strong>{listing.partner.name}</strong></span>{" "}
        <TierBadge name={listing.partner.tierBadge.name} tier={listing.partner.tier} />
        {listing.state === "AT_RISK" ? <span className="badge at-risk">At risk</span> : null}
        {listing.recentlyUpdated ? <span className="badge updated">Recently updated</span> : null}
        <span className="badge">{MARKETPLACE_NAMES[listing.marketplace]}</span>
      </p>
      <dl className="facts">
        <dt>App</dt><dd>{listing.app.name} ({listing.app.kind === "DATA_CONNECTOR" ? "data connector" : "app"})</dd>
        <dt>Data flow</dt><dd>{DATA_FLOW_NAMES[listing.app.dataFlow] ?? listing.app.dataFlow}</dd>
        <dt>Categories</dt><dd>{c.categories.map((k) => k.name).join(", ")}</dd>
        <dt>On the marketplace since</dt><dd>{date(listing.firstLiveAt)}</dd>
        <dt>Content updated</dt><dd>{date(listing.contentUpdatedAt)}</dd>
        {listing.partner.website ? <><dt>Partner website</dt><dd><a href={listing.partner.website} rel="noopener noreferrer">{listing.partner.website}</a></dd></> : null}
      </dl>
      <section aria-labelledby="about">
        <h2 id="about">About</h2>
        {c.summary.split(/\n{2,}/).map((p, i) => <p key={i}>{p}</p>)}
        <h3>How it works</h3>
        <p>{c.howItWorks}</p>
        {c.features.length ? (
          <>
            <h3>Features</h3>
            <ul>{c.features.map((f) => <li key={f}>{f}</li>)}</ul>
          </>
        ) : null}
      </section>
      {c.screenshots.length ? (
        <section aria-labelledby="screenshots">
          <h2 id="screenshots">Screenshots</h2>
          <ul className="screenshots">
            {c.screenshots.map((src, i) => (
              <li key={src}><a href={src} rel="noopener noreferrer"><img src={src} alt={`${c.name}, screenshot ${i + 1}`} loading="lazy" width={320} height={200} /></a></li>
            ))}
          </ul>
        </section>
      ) : null}
      {c.videoUrl ? <p><a href={c.videoUrl} rel="noopener noreferrer">Watch the video</a></p> : null}
      <section aria-labelledby="contact">
        <h2 id="contact">Contact {listing.partner.name}</h2>
        {c.contactKind === "CONTACT_FORM" ? (
          <ContactForm listingId={listing.id} />
        ) : c.learnMoreUrl ? (
          <p><a className="button" href={c.learnMoreUrl} rel="noopener noreferrer">Learn more on {new URL(c.learnMoreUrl).host}</a></p>
        ) : null}
        {c.websiteUrl ? <p><a href={c.websiteUrl} rel="noopener noreferrer">Visit the app's website</a></p> : null}
      </section>
    </article>
  );
}

function ContactForm(props: { listingId: string }) {
  const [state, send] = useMutation(SendInquiryDocument);
  const [sent, setSent] = useState(false);
  const [refusal, setRefusal] = useState<string[] | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? "").trim();
    setRefusal(null);
    const r = await send({
      listingId: props.listingId,
      senderName: text("name"),
      senderEmail: text("email"),
      senderCompany: text("company") || null,
      message: text("message"),
    });
    const out = r.data?.sendInquiry;
    if (!out) return;
    if (out.__typename === "MutationSendInquirySuccess") setSent(true);
    else {
      // A typed refusal: the fields to fix (by their labels), or the message and what would satisfy the rule.
      if (out.__typename === "InvalidInput" && out.problems.length) setRefusal(out.problems.map((p) => `${FIELD_LABELS[p.field] ?? p.field}: ${p.message}`));
      else if (out.__typename === "RuleViolation") setRefusal([out.message, out.toSatisfy]);
      else setRefusal([out.message]);
    }
  };
  if (sent) return <p role="status" className="success">Thank you: your message was sent to the partner.</p>;
  return (
    <form className="contact" onSubmit={submit} aria-describedby={refusal ? "contact-error" : undefined}>
      <label htmlFor="contact-name">Your name</label>
      <input id="contact-name" name="name" required autoComplete="name" />
      <label htmlFor="contact-email">Email</label>
      <input id="contact-email" name="email" type="email" required autoComplete="email" />
      <label htmlFor="contact-company">Company (optional)</label>
      <input id="contact-company" name="company" autoComplete="organization" />
      <label htmlFor="contact-message">Message</label>
      <textarea id="contact-message" name="message" required rows={4} />
      {state.error ? <p role="alert" className="error">{errorText(state.error)}</p> : null}
      {refusal ? (
        <div role="alert" id="contact-error" className="error">
          {refusal.map((l, i) => <p key={i}>{l}</p>)}
        </div>
      ) : null}
      <button type="submit" disabled={state.fetching}>{state.fetching ? "Sending…" : "Send message"}</button>
    </form>
  );
}

const FIELD_LABELS: Record<string, string> = { senderName: "Your name", senderEmail: "Email", senderCompany: "Company", message: "Message" };
