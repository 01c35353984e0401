// The web frontends (storefront at /, partner dashboard at /partner), built into web/dist and served
// by the API's own HTTP server (src/server/web-app.ts). Nothing is loaded from a CDN.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  logLevel: "warn",
  // React 17+'s automatic JSX runtime, compiled by Vite's own transformer (no Babel plugin needed).
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
  },
  server: {
    // `npx vite web` during development: the API on :4000 answers GraphQL and its WebSocket.
    proxy: { "/graphql": { target: "http://localhost:4000", ws: true } },
  },
});
