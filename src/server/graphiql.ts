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

export function renderLocalGraphiQL(opts: GraphiQLOptions | undefined): string {
  return renderGraphiQL(opts ?? {}).replace(/https:\/\/unpkg\.com\/@graphql-yoga\/graphiql@[^/]+\/dist\//g, GRAPHIQL_ASSETS);
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
