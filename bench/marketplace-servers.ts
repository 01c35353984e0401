// The reference servers of the marketplace ladder, each run as a process of its own by
// marketplace.bench.ts (tsx bench/marketplace-servers.ts MODE ...), printing "listening PORT":
//   static FILE       node:http answering every request with the bytes of FILE (rung 1, the ceiling)
//   yoga              bare graphql-yoga over a one-field schema, for `{ __typename }` (rung 2)
//   raw DATABASE_URL  the first storefront page of 20 read with raw `pg` in one statement and
//                     serialized by hand into MarketplaceListings' response shape (rung 5)
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createSchema, createYoga } from "graphql-yoga";
import pg from "pg";

const [mode, arg] = process.argv.slice(2);

/** Reads the request body (the load generator sends one) before answering, as a real server must. */
const drained = (req: IncomingMessage) => new Promise<void>((resolve) => req.on("data", () => {}).on("end", resolve));

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`));
}

const b64 = (s: string) => Buffer.from(s).toString("base64");
// formatPrismaCursor({ id }, "id"): the plugin's "GPC:" namespace and core's tagged string chunk.
const cursorOf = (id: string) => b64(`GPC:S:${id}`);
const DAY = 86_400_000;

if (mode === "static") {
  const bytes = await readFile(arg!);
  listen((req, res) => {
    void drained(req).then(() => {
      res.writeHead(200, { "content-type": "application/graphql-response+json; charset=utf-8", "content-length": bytes.length });
      res.end(bytes);
    });
  });
} else if (mode === "yoga") {
  const yoga = createYoga({ schema: createSchema({ typeDefs: "type Query { ok: Boolean }" }), logging: false, landingPage: false, graphiql: false });
  listen(yoga as unknown as (req: IncomingMessage, res: ServerResponse) => void);
} else if (mode === "raw") {
  const pool = new pg.Pool({ connectionString: arg, max: 10 });
  const SQL = `
    SELECT l."id", l."marketplace", l."state", l."firstLiveAt", r."reviewedAt", a."status" AS "appStatus", r."name", r."tagline",
      (SELECT coalesce(json_agg(json_build_object('slug', c."slug", 'name', c."name")), '[]'::json)
         FROM "ListingRevisionCategory" lc JOIN "Category" c ON c."id" = lc."categoryId" WHERE lc."revisionId" = r."id") AS "categories",
      p."id" AS "partnerId", p."slug", p."name" AS "partnerName", p."tierKey", t."name" AS "tierName", a."id" AS "appId", a."dataFlow"
    FROM "Listing" l
      JOIN "ListingRevision" r ON r."id" = l."liveRevisionId"
      JOIN "Partner" p ON p."id" = l."partnerId"
      JOIN "App" a ON a."id" = l."appId"
      LEFT JOIN "PolicyTier" t ON t."key" = p."tierKey"
        AND t."policyId" = (SELECT pp."id" FROM "ProgramPolicy" pp WHERE pp."year" = $1 ORDER BY pp."version" DESC LIMIT 1)
    WHERE l."marketplace" = 'COMMERCIAL' AND l."state" IN ('LIVE', 'AT_RISK')
    ORDER BY lower(r."name"), r."listingId"
    LIMIT 21`;
  listen((req, res) => {
    void drained(req)
      .then(() => pool.query(SQL, [new Date().getUTCFullYear()]))
      .then(({ rows }) => {
        const today = Date.now();
        const edges = rows.slice(0, 20).map((r) => ({
          cursor: cursorOf(r.id),
          node: {
            id: b64(`Listing:${r.id}`), marketplace: r.marketplace, state: r.state,
            installAllowed: (r.state === "LIVE" || r.state === "AT_RISK") && r.appStatus === "ACTIVE",
            recentlyUpdated: today - new Date(r.reviewedAt ?? r.firstLiveAt).getTime() <= 30 * DAY,
            content: { name: r.name, tagline: r.tagline, categories: r.categories },
            partner: { id: b64(`Partner:${r.partnerId}`), slug: r.slug, name: r.partnerName, tier: r.tierKey, tierBadge: { name: r.tierName ?? r.tierKey } },
            app: { id: b64(`App:${r.appId}`), dataFlow: r.dataFlow },
          },
        }));
        const body = JSON.stringify({ data: { listings: { edges, pageInfo: { hasNextPage: rows.length > 20, endCursor: edges.at(-1)?.cursor ?? null } } } });
        res.writeHead(200, { "content-type": "application/graphql-response+json; charset=utf-8", "content-length": Buffer.byteLength(body) });
        res.end(body);
      })
      .catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
  });
} else {
  process.stderr.write("usage: tsx bench/marketplace-servers.ts static FILE | yoga | raw DATABASE_URL\n");
  process.exit(2);
}
