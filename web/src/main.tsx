// The single-page app: the storefront at /, a listing's page at /listing/<id>, the partner dashboard
// at /partner. Routing is the URL's path, changed with the History API (no router library).
import { StrictMode, useEffect, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";
import { Provider } from "urql";
import { makeClient, storedToken, storeToken } from "./api.js";
import { Storefront, initialStorefrontState, type StorefrontState } from "./storefront.js";
import { ListingPage } from "./listing-page.js";
import { Dashboard } from "./dashboard.js";
import { Link } from "./router.js";
import "./styles.css";

function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => {
      setPath(location.pathname);
      window.scrollTo(0, 0);
    };
    addEventListener("popstate", update);
    return () => removeEventListener("popstate", update);
  }, []);
  return path;
}

function App() {
  const path = usePath();
  const [token, setToken] = useState(storedToken);
  // One client per token: a new sign-in never sees answers cached for another viewer.
  const client = useMemo(() => makeClient(token), [token]);
  const [storefront, setStorefront] = useState<StorefrontState>(initialStorefrontState);
  const signIn = (t: string | null) => {
    storeToken(t);
    setToken(t);
  };
  const listingId = path.startsWith("/listing/") ? decodeURIComponent(path.slice("/listing/".length)) : null;
  const onDashboard = path === "/partner" || path.startsWith("/partner/");

  return (
    <Provider value={client}>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <Link to="/" className="brand">Partner marketplace</Link>
        <nav aria-label="Main">
          <Link to="/" aria-current={!onDashboard ? "page" : undefined}>Storefront</Link>
          <Link to="/partner" aria-current={onDashboard ? "page" : undefined}>Partner dashboard</Link>
          <a href="/graphql">GraphiQL</a>
        </nav>
      </header>
      <main id="main">
        {onDashboard ? (
          <Dashboard token={token} signIn={signIn} />
        ) : listingId ? (
          <ListingPage id={listingId} token={token} />
        ) : (
          <Storefront token={token} signOut={() => signIn(null)} state={storefront} setState={setStorefront} />
        )}
      </main>
    </Provider>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
