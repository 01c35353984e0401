// The subscriptions benchmark's clients, in a process of their own (forked by subscriptions.bench.ts)
// so that the server's CPU and the clients' are measured apart. Raw graphql-transport-ws over `ws`,
// one subscription (id "1") per connection, or SSE over node:http (one response per subscription);
// a message is only scanned for its position, not parsed.
import { Agent, request } from "node:http";
import WebSocket from "ws";

export interface Spec { token?: string; query: string; sse?: boolean }
export type Command =
  | { cmd: "connect"; url: string; specs: Spec[] }
  | { cmd: "await"; position: number; timeoutMs: number }
  | { cmd: "owed"; count: number }
  | { cmd: "stats"; expected: [number, number][] }
  | { cmd: "reset" }
  | { cmd: "close"; count?: number };

interface Conn { close(): Promise<void>; positions: number[]; times: number[]; max: number; errors: number }

const conns: Conn[] = [];
const now = () => performance.timeOrigin + performance.now();
const POSITION = /"position":"(\d+)"/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One message (a WebSocket frame, an SSE message) arrived: its position noted. */
function received(conn: Conn, text: string): boolean {
  const m = POSITION.exec(text);
  if (!m) return false;
  const p = Number(m[1]);
  conn.positions.push(p);
  conn.times.push(now());
  if (p > conn.max) conn.max = p;
  if (text.includes('"errors"')) conn.errors++;
  return true;
}

const agent = new Agent({ keepAlive: false, maxSockets: Infinity });

/** An SSE subscription: resolves once the response has started (its first ping). */
function openSse(url: string, spec: Spec): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query: spec.query });
    const u = new URL(url.replace(/^ws/, "http"));
    const req = request({
      host: u.hostname, port: u.port, path: u.pathname, method: "POST", agent,
      headers: { "content-type": "application/json", accept: "text/event-stream", "content-length": Buffer.byteLength(body), ...(spec.token ? { authorization: `Bearer ${spec.token}` } : {}) },
    });
    const conn: Conn = {
      positions: [], times: [], max: 0, errors: 0,
      close: () => new Promise<void>((done) => {
        req.once("close", () => done());
        req.destroy();
      }),
    };
    req.once("error", reject);
    req.once("response", (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE answered ${res.statusCode}`));
      res.setEncoding("utf8");
      let buffer = "";
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          received(conn, buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      });
      res.on("error", () => {});
      resolve(conn);
    });
    req.end(body);
  });
}

function open(url: string, spec: Spec): Promise<Conn> {
  if (spec.sse) return openSse(url, spec);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, "graphql-transport-ws");
    const conn: Conn = {
      positions: [], times: [], max: 0, errors: 0,
      close: () => new Promise<void>((done) => {
        if (ws.readyState === WebSocket.CLOSED) return done();
        ws.once("close", () => done());
        ws.close();
      }),
    };
    ws.once("error", reject);
    ws.on("open", () => ws.send(JSON.stringify({ type: "connection_init", payload: spec.token ? { authorization: `Bearer ${spec.token}` } : {} })));
    ws.on("message", (data) => {
      const text = data.toString();
      if (received(conn, text)) return;
      if (text.includes('"connection_ack"')) {
        ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: spec.query } }));
        resolve(conn);
      } else if (text.includes('"error"')) conn.errors++;
    });
  });
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);

async function handle(c: Command): Promise<unknown> {
  switch (c.cmd) {
    case "connect": {
      const opened: Conn[] = [];
      for (let i = 0; i < c.specs.length; i += 100) {
        opened.push(...(await Promise.all(c.specs.slice(i, i + 100).map((s) => open(c.url, s)))));
      }
      conns.push(...opened);
      return { connections: conns.length };
    }
    case "await": {
      const deadline = Date.now() + c.timeoutMs;
      while (Date.now() < deadline && conns.some((x) => x.max < c.position)) await sleep(2);
      return { missing: conns.filter((x) => x.max < c.position).length };
    }
    case "owed":
      return { owed: conns.reduce((n, x) => n + Math.max(0, c.count - x.positions.length), 0), received: conns.reduce((n, x) => n + x.positions.length, 0) };
    case "stats": {
      const sentAt = new Map(c.expected);
      let lost = 0;
      let dupes = 0;
      let disorder = 0;
      let errors = 0;
      let received = 0;
      let lastAt = 0;
      const lat: number[] = [];
      for (const x of conns) {
        errors += x.errors;
        const seen = new Set<number>();
        for (let i = 0; i < x.positions.length; i++) {
          const p = x.positions[i]!;
          if (!sentAt.has(p)) continue;
          received++;
          if (seen.has(p)) dupes++;
          seen.add(p);
          if (i > 0 && p <= x.positions[i - 1]!) disorder++;
          lat.push(x.times[i]! - sentAt.get(p)!);
          if (x.times[i]! > lastAt) lastAt = x.times[i]!;
        }
        for (const p of sentAt.keys()) if (!seen.has(p)) lost++;
      }
      lat.sort((a, b) => a - b);
      return { received, lost, dupes, disorder, errors, p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat[lat.length - 1] ?? NaN, lastAt };
    }
    case "reset":
      for (const x of conns) {
        x.positions = [];
        x.times = [];
      }
      return {};
    case "close": {
      const closing = conns.splice(0, c.count ?? conns.length);
      await Promise.all(closing.map((x) => x.close()));
      return { connections: conns.length };
    }
  }
}

process.on("message", (m: { seq: number; command: Command }) => {
  handle(m.command).then(
    (result) => process.send!({ seq: m.seq, result }),
    (err: unknown) => process.send!({ seq: m.seq, error: String(err) }),
  );
});
process.on("disconnect", () => process.exit(0));
