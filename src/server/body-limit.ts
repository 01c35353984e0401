// Request bodies over MAX_BODY_BYTES are refused by their declared length, before GraphQL reads
// any of it (413); a POST body without a length (chunked) is refused too (411): its size could
// only be known by reading it.
//
// Every client gets the answer. Node's fetch (undici) writes the whole body before it reads a
// response: closing the connection at once would give it EPIPE instead of the 413. So the refused
// body is read and thrown away, up to a bound, before the answer is sent and the connection closed.
// A client that asks first (`Expect: 100-continue`, as curl does for large bodies) is answered at
// once and never sends the body.
import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** The most of a refused body read (and discarded) before the connection is closed anyway. */
export const discardBound = (max: number) => Math.max(4 * max, 16 * 1_048_576);
/** The longest a refused body is waited for. */
const DISCARD_MS = 10_000;

function refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string, code: string, bodyComing: boolean) {
  const answer = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  const send = () => {
    clearTimeout(timer);
    if (res.headersSent) return;
    res.writeHead(status, { "content-type": "application/json", connection: "close" });
    res.end(answer);
  };
  const timer = setTimeout(send, bodyComing ? DISCARD_MS : 0);
  if (!bodyComing) return;
  const bound = discardBound(Number(req.headers["content-length"]) || 0);
  let seen = 0;
  req.on("data", (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > bound) send();
  });
  req.once("end", send);
  req.once("error", send);
  req.resume();
}

/** True when the request was refused (the answer is on its way); false to go on. */
export function bodyTooLarge(req: IncomingMessage, res: ServerResponse, max: number, bodyComing = true): boolean {
  const declared = req.headers["content-length"];
  if (declared !== undefined) {
    if (Number(declared) <= max) return false;
    refuse(req, res, 413, `Request body larger than ${max} bytes`, "BODY_TOO_LARGE", bodyComing);
    return true;
  }
  if (req.method === "POST" && req.headers["transfer-encoding"]) {
    refuse(req, res, 411, "A Content-Length header is required", "LENGTH_REQUIRED", bodyComing);
    return true;
  }
  return false;
}

/** `Expect: 100-continue`: refuse before the body is sent; otherwise let it come and go on as usual. */
export function answerBeforeContinue(server: Server, max: number): void {
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    if (bodyTooLarge(req, res, max, false)) return;
    res.writeContinue();
    server.emit("request", req, res);
  });
}
