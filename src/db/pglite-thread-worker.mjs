// The embedded database's own thread (pglite-client.ts is the other side). PGlite runs PostgreSQL in
// WebAssembly on the thread that calls it; here that is a worker thread, so PostgreSQL's execution
// runs on the machine's other core beside the server's GraphQL and HTTP work, as PostgreSQL's own
// backend processes do in production.
//
// Each message is one whole exchange (pglite-exchanges.mjs), run synchronously in arrival order; the
// reply is the backend's raw bytes, transferred rather than copied. Locking (a transaction against
// other statements) is the main thread's business: the worker keeps the order it was given.
//
// Plain JavaScript: the same file runs from src/ (tests) and dist/ (copied by the build).
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { exchanges } from "./pglite-exchanges.mjs";

const describe = (err) => ({ message: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined });

let db;
try {
  db = await PGlite.create(workerData.options);
} catch (err) {
  parentPort.postMessage({ id: 0, failure: describe(err) });
  process.exit(1);
}
const run = exchanges(db);

parentPort.on("message", async (m) => {
  if (m.op === "close") {
    try {
      await db.close();
      parentPort.postMessage({ id: m.id, bytes: new Uint8Array(0) });
    } catch (err) {
      parentPort.postMessage({ id: m.id, failure: describe(err) });
    }
    return;
  }
  let bytes;
  try {
    bytes = run(m);
  } catch (err) {
    parentPort.postMessage({ id: m.id, failure: describe(err) });
    return;
  }
  parentPort.postMessage({ id: m.id, bytes }, [bytes.buffer]);
});

parentPort.postMessage({ id: 0, ready: true });
