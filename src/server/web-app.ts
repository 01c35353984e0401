// The web frontends (web/: the storefront at /, the partner dashboard at /partner), built by Vite into
// web/dist and served from here as static files: no second server, nothing from a CDN. The server
// imports nothing of the frontend; it only reads the built files.
import { createReadStream, readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** web/dist beside src/ (or dist/ when compiled): both are two folders below the repository. */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "web", "dist");

/** The app's own routes: each answers index.html, and the app picks the page from the path. */
const APP_ROUTE = /^\/(?:partner(?:\/[^/]*)?|listing\/[^/]+)?$/;
const ASSETS = "/assets/";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
};

/** Scripts, styles and connections from this origin only; images may be a listing's screenshots. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

let indexCache: { file: string; mtimeMs: number; body: Buffer } | undefined;

function indexHtml(dir: string): Buffer | undefined {
  const file = path.join(dir, "index.html");
  try {
    const { mtimeMs } = statSync(file);
    // Read again after a rebuild (npm start rebuilds web/dist while a server may run).
    if (indexCache?.file !== file || indexCache.mtimeMs !== mtimeMs) indexCache = { file, mtimeMs, body: readFileSync(file) };
    return indexCache.body;
  } catch {
    return undefined;
  }
}

/**
 * Answers GET and HEAD for the app's routes (index.html, never cached: it names the current assets)
 * and its hashed assets (cached for a year, immutable). False for any other path.
 */
export function serveWebApp(req: IncomingMessage, res: ServerResponse, dir = WEB_DIST): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const pathname = (req.url ?? "/").split("?")[0]!;
  if (APP_ROUTE.test(pathname)) {
    const body = indexHtml(dir);
    if (!body) {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8" }).end("The web app is not built: run npm run build (npm ci does it).\n");
      return true;
    }
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "content-length": body.length,
      "cache-control": "no-cache",
      "content-security-policy": CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "same-origin",
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  }
  if (!pathname.startsWith(ASSETS)) return false;
  let name: string;
  try {
    name = decodeURIComponent(pathname.slice(ASSETS.length));
  } catch {
    name = "";
  }
  const assets = path.join(dir, "assets");
  const file = path.resolve(assets, name);
  const type = TYPES[path.extname(file)];
  // Only a file directly in assets/ with a known type: no "..", no other folder, no NUL.
  let size: number | undefined;
  if (type && !name.includes("\0") && path.dirname(file) === assets) {
    try {
      const s = statSync(file);
      if (s.isFile()) size = s.size;
    } catch {
      // missing: 404 below
    }
  }
  if (size === undefined) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found\n");
    return true;
  }
  res.writeHead(200, {
    "content-type": type!,
    "content-length": size,
    // Vite puts a content hash in every asset's name: a changed file has a new name.
    "cache-control": "public, max-age=31536000, immutable",
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") res.end();
  else createReadStream(file).pipe(res);
  return true;
}
