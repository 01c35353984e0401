// The built web app as the server serves it (src/server/web-app.ts): index.html for the app's routes,
// hashed assets cached as immutable, nothing outside web/dist/assets whatever the path says, and the
// server's other routes unchanged.
import { readdirSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveWebApp, WEB_DIST } from "../../src/server/web-app.js";
import { startTestService, type TestService } from "../support/harness.js";

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ listen: true });
});
afterAll(() => t?.close());

/** A raw request: the path is sent exactly as written (fetch would normalize ".."). */
function get(port: number, rawPath: string, method = "GET"): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: rawPath, method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the web app's files", () => {
  it("answers index.html for /, /partner and /listing/<id>, never cached, scripts from this origin only", async () => {
    for (const p of ["/", "/partner", "/listing/TGlzdGluZzox", "/?q=x"]) {
      const r = await get(t.port!, p);
      expect(r.status, p).toBe(200);
      expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(r.headers["cache-control"]).toBe("no-cache");
      expect(r.headers["content-security-policy"]).toContain("script-src 'self'");
      expect(r.body).toContain('<div id="root"></div>');
      expect(r.body).not.toMatch(/(src|href)="https?:/);
    }
    const head = await get(t.port!, "/partner", "HEAD");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });

  it("serves each hashed asset with its type, cached for a year as immutable", async () => {
    const assets = readdirSync(path.join(WEB_DIST, "assets"));
    const js = assets.find((f) => f.endsWith(".js"))!;
    const css = assets.find((f) => f.endsWith(".css"))!;
    const r = await get(t.port!, `/assets/${js}`);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(r.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await get(t.port!, `/assets/${css}`)).headers["content-type"]).toBe("text/css; charset=utf-8");
  });

  it("serves nothing outside web/dist/assets, whatever the path says", async () => {
    for (const p of [
      "/assets/../index.html",
      "/assets/../../package.json",
      "/assets/../../../package.json",
      "/assets/..%2f..%2f..%2fpackage.json",
      "/assets/%2e%2e/%2e%2e/package.json",
      "/assets/..%5c..%5cpackage.json",
      "/assets/missing.js",
      "/assets/x.js%00.png",
      "/assets/%E0%A4%A",
      "/assets/",
    ]) {
      const r = await get(t.port!, p);
      expect(r.status, p).toBe(404);
      expect(r.body, p).not.toContain('"name"');
    }
    // Other paths are not the web app's: Yoga answers them as before.
    expect((await get(t.port!, "/package.json")).status).toBe(404);
    expect((await get(t.port!, "/partner/x/y")).status).toBe(404);
  });

  it("keeps /health, /ready, /metrics, GraphiQL and GraphQL where they were", async () => {
    expect((await get(t.port!, "/health")).status).toBe(200);
    // Ready once its event bus has connected (Redis, with REDIS_URL: a moment after the start).
    await expect.poll(async () => (await get(t.port!, "/ready")).status, { timeout: 30_000, interval: 100 }).toBe(200);
    expect((await get(t.port!, "/metrics")).body).toContain('route="web"');
    const graphiql = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: t.port, path: "/graphql", headers: { accept: "text/html" } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", reject);
      req.end();
    });
    expect(graphiql).toBe(200);
    const res = await fetch(`http://127.0.0.1:${t.port}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ viewer { role } }" }) });
    expect(((await res.json()) as { data: { viewer: { role: string } } }).data.viewer.role).toBeTruthy();
  });

  it("says how to build the app when web/dist is missing", async () => {
    const server: Server = createServer((req, res) => {
      if (!serveWebApp(req, res, "/nonexistent/web/dist")) res.writeHead(418).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const r = await get(port, "/");
    expect(r.status).toBe(503);
    expect(r.body).toContain("npm run build");
    expect((await get(port, "/graphql")).status).toBe(418);
    await new Promise((resolve) => server.close(resolve));
  });
});
