// The subscriptions benchmark's floor: a bare `ws` server that acknowledges graphql-transport-ws
// connections and, when asked, writes one prebuilt `next` frame (the same bytes the project sends for
// the small selection, subscription id "1") to every client. What is left is one write per socket.
import { WebSocketServer } from "ws";

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/graphql", handleProtocols: () => "graphql-transport-ws" });
const ACK = Buffer.from('{"type":"connection_ack"}');
wss.on("connection", (ws) => {
  ws.on("message", (data) => {
    if (data.toString().includes('"connection_init"')) ws.send(ACK, { binary: false });
  });
});
wss.on("listening", () => {
  const address = wss.address();
  process.send!({ port: typeof address === "object" && address ? address.port : 0 });
});
process.on("message", (m: { seq: number; position: number }) => {
  const frame = Buffer.from(`{"id":"1","type":"next","payload":{"data":{"listingChanges":{"position":"${m.position}"}}}}`);
  for (const client of wss.clients) client.send(frame, { binary: false });
  process.send!({ seq: m.seq });
});
process.on("disconnect", () => process.exit(0));
