// GraphiQL served from the installed @graphql-yoga/graphiql package instead of a CDN, so it works
// on machines without internet access and never loads third-party script at run time.
import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { ServerResponse } from "node:http";
import { renderGraphiQL, type GraphiQLOptions } from "graphql-yoga";

const require = createRequire(import.meta.url);
const dist = path.join(path.dirname(require.resolve("@graphql-yoga/graphiql/package.json")), "dist");
export const GRAPHIQL_ASSETS = "/graphiql-assets/";

const files: Record<string, string> = {
  "graphiql.css": "text/css; charset=utf-8",
  "yoga-graphiql.umd.js": "text/javascript; charset=utf-8",
  "monacoeditorwork/editor.worker.bundle.js": "text/javascript; charset=utf-8",
  "monacoeditorwork/json.worker.bundle.js": "text/javascript; charset=utf-8",
  "monacoeditorwork/graphql.worker..bundle.js": "text/javascript; charset=utf-8",
};

/** The page's icon, in the page itself: nothing is fetched for it. */
const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#e535ab"/>' +
    '<path d="M16 5l9.5 5.5v11L16 27l-9.5-5.5v-11z" fill="none" stroke="#fff" stroke-width="2.5"/></svg>',
)}`;

/**
 * Yoga's GraphiQL page with every asset from this server. Its GraphiQL (4.5) opens with the query in
 * the page's URL (`?query=`, where it keeps the query as one edits), else with Yoga's welcome text:
 * `defaultQuery` is ignored, and its `query` option would override the URL. So our first query is
 * put in the URL before GraphiQL starts, when the URL has none.
 */
export function renderLocalGraphiQL(opts: GraphiQLOptions | undefined): string {
  const { defaultQuery, ...rest } = opts ?? {};
  const firstQuery = defaultQuery
    ? `<script>(()=>{const u=new URL(location.href);if(!u.searchParams.get("query")){u.searchParams.set("query",${JSON.stringify(defaultQuery).replace(/</g, "\\u003c")});history.replaceState(null,"",u)}})()</script>`
    : "";
  return renderGraphiQL(rest)
    .replace(/https:\/\/unpkg\.com\/@graphql-yoga\/graphiql@[^/]+\/dist\//g, GRAPHIQL_ASSETS)
    .replace(/<link rel=icon href=[^>]*>/, `<link rel=icon href="${FAVICON}">`)
    .replace("<script>", `${firstQuery}<script>`);
}

/** Serves one of the known asset files; false when the path is not one of them. */
export function serveGraphiQLAsset(urlPath: string, res: ServerResponse): boolean {
  if (!urlPath.startsWith(GRAPHIQL_ASSETS)) return false;
  const name = decodeURIComponent(urlPath.slice(GRAPHIQL_ASSETS.length).split("?")[0] ?? "");
  const type = files[name];
  if (!type) return false;
  res.writeHead(200, { "content-type": type, "cache-control": "public, max-age=86400" });
  createReadStream(path.join(dist, name)).pipe(res);
  return true;
}
