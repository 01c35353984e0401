// What the fault tests and the soak share: a database of their own, tokens for the demo's partners,
// a keyed sendLead over real HTTP, and the event-history invariants checked with SQL.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createTokenService } from "../../src/auth/tokens.js";
import { adminUrl } from "./global-setup.js";

export const FAULT_SECRET = "fault-tests-secret-fault-tests-secret-0123";

/** Server settings for load: no rate limit gets in the way of a thousand mutations from a few tokens. */
export const LOAD_ENV = {
  AUTH_SECRET: FAULT_SECRET,
  RATE_LIMIT_MUTATIONS_PER_MINUTE: "1000000",
  RATE_LIMIT_INQUIRIES_PER_MINUTE: "1000000",
} as const;

/** A database of the caller's own on the PostgreSQL of `baseUrl` (created empty; the server migrates it). */
export async function dedicatedDatabase(baseUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl(baseUrl) });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: adminUrl(baseUrl) });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}

export interface Actor {
  readonly name: string;
  readonly token: string;
  /** The partner's global id. */
  readonly partnerGid: string;
  readonly partnerId: string;
}

/** Every demo partner's admin, plus Northwind's member: five callers, each sending its own partner's leads. */
export async function demoActors(dbUrl: string, secret = FAULT_SECRET): Promise<{ partners: Actor[]; staffToken: string }> {
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  try {
    const members = (await db.query<{ id: string; partnerId: string; role: string; slug: string }>(
      `SELECT m.id, m."partnerId", m.role, p.slug FROM "PartnerMember" m JOIN "Partner" p ON p.id = m."partnerId" WHERE m."removedAt" IS NULL ORDER BY p.slug, m.role`,
    )).rows;
    const staff = (await db.query<{ id: string }>(`SELECT id FROM "StaffUser" WHERE email = 'pat@program.example'`)).rows[0]!;
    const tokens = createTokenService(secret);
    const partners: Actor[] = [];
    for (const m of members) {
      const token = await tokens.sign({ sub: m.id, role: m.role === "ADMIN" ? "partner-admin" : "partner-member", partnerId: m.partnerId }, "24h");
      partners.push({ name: `${m.slug}/${m.role.toLowerCase()}`, token, partnerId: m.partnerId, partnerGid: Buffer.from(`Partner:${m.partnerId}`).toString("base64") });
    }
    return { partners, staffToken: await tokens.sign({ sub: staff.id, role: "program-staff" }, "24h") };
  } finally {
    await db.end();
  }
}

export const SEND_LEAD = `mutation SendLead($p: ID!, $c: String!) {
  sendLead(partnerId: $p, company: $c, contactName: "Casey Buyer", contactEmail: "casey@buyer.example", details: "Wants the two-way sync.") {
    __typename
    ... on MutationSendLeadSuccess { data { id company } }
    ... on Error { message }
  }
}`;

/** What one HTTP attempt came to. */
export type Attempt =
  | { kind: "applied"; leadId: string; replayed: boolean }
  | { kind: "already-applied" }
  | { kind: "refused"; status: number; body: string }
  | { kind: "no-response"; error: string };

/** sendLead for company `company`, with an Idempotency-Key. Never throws. */
export async function sendLeadOnce(base: string, actor: Actor, company: string, key: string | undefined, timeoutMs = 30_000): Promise<Attempt> {
  let res: Response;
  try {
    res = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${actor.token}`, ...(key ? { "idempotency-key": key } : {}) },
      body: JSON.stringify({ query: SEND_LEAD, variables: { p: actor.partnerGid, c: company } }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return { kind: "no-response", error: String((err as Error).cause ?? err) };
  }
  let text = "";
  try {
    text = await res.text();
    const body = JSON.parse(text) as { data?: any; errors?: { extensions?: { code?: string } }[] };
    const lead = body.data?.sendLead;
    if (lead?.__typename === "MutationSendLeadSuccess") {
      return { kind: "applied", leadId: lead.data.id, replayed: res.headers.get("idempotent-replayed") === "true" };
    }
    if (body.errors?.[0]?.extensions?.code === "IDEMPOTENCY_KEY_ALREADY_APPLIED") return { kind: "already-applied" };
  } catch (err) {
    if (!text) return { kind: "no-response", error: String(err) };
  }
  return { kind: "refused", status: res.status, body: text.slice(0, 500) };
}

/** Runs `work` over `items` with `concurrency` workers; `stop()` returning true ends it early. */
export async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>, stop: () => boolean = () => false): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length && !stop()) await work(items[next++]!);
  }));
}

export interface InvariantReport {
  /** Leads without exactly one lead.sent event. */
  leadsWithoutOneEvent: number;
  /** lead.sent events whose lead does not exist. */
  eventsWithoutLead: number;
  /** Events of any type whose subject row does not exist. */
  eventsWithoutSubject: { subjectType: string; count: number }[];
  /** Keys recorded for sendLead without the lead their request made (and leads of a keyed request without their key). */
  keysWithoutLead: number;
  leads: number;
  events: number;
}

/**
 * R-EVT-1 checked with SQL: every lead has exactly one lead.sent event, every event's subject
 * exists; and every recorded idempotency key (`<prefix><n>`) has the lead of company `<company><n>`.
 */
const ROWLESS_SUBJECTS = new Set(["UsageBatch"]);

export async function eventInvariants(dbUrl: string, keyed?: { keyPrefix: string; companyPrefix: string }): Promise<InvariantReport> {
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  try {
    const one = async (sql: string, params: unknown[] = []) => Number((await db.query(sql, params)).rows[0].n);
    const leadsWithoutOneEvent = await one(`SELECT count(*) AS n FROM (
      SELECT l.id FROM "Lead" l LEFT JOIN "Event" e ON e."subjectId" = l.id AND e.type = 'lead.sent'
      GROUP BY l.id HAVING count(e.position) <> 1) x`);
    const eventsWithoutLead = await one(`SELECT count(*) AS n FROM "Event" e LEFT JOIN "Lead" l ON l.id = e."subjectId"
      WHERE e.type = 'lead.sent' AND l.id IS NULL`);
    const types = (await db.query<{ subjectType: string }>(`SELECT DISTINCT "subjectType" FROM "Event"`)).rows.map((r) => r.subjectType);
    const tables = new Set((await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).rows.map((r) => r.table_name));
    const eventsWithoutSubject: InvariantReport["eventsWithoutSubject"] = [];
    for (const t of types) {
      // A usage batch is a subject without a row of its own (its usage rows are the record, R-USE-1).
      if (ROWLESS_SUBJECTS.has(t)) continue;
      if (!tables.has(t)) {
        eventsWithoutSubject.push({ subjectType: t, count: -1 });
        continue;
      }
      const n = await one(`SELECT count(*) AS n FROM "Event" e WHERE e."subjectType" = $1 AND NOT EXISTS (SELECT 1 FROM "${t}" s WHERE s.id = e."subjectId")`, [t]);
      if (n) eventsWithoutSubject.push({ subjectType: t, count: n });
    }
    let keysWithoutLead = 0;
    if (keyed) {
      keysWithoutLead = await one(`SELECT count(*) AS n FROM "IdempotencyKey" k
        WHERE k.operation = 'sendLead' AND k.key LIKE $1 || '%'
          AND NOT EXISTS (SELECT 1 FROM "Lead" l WHERE l.company = $2 || substr(k.key, length($1) + 1))`, [keyed.keyPrefix, keyed.companyPrefix]);
      keysWithoutLead += await one(`SELECT count(*) AS n FROM "Lead" l
        WHERE l.company LIKE $2 || '%'
          AND NOT EXISTS (SELECT 1 FROM "IdempotencyKey" k WHERE k.operation = 'sendLead' AND k.key = $1 || substr(l.company, length($2) + 1))`, [keyed.keyPrefix, keyed.companyPrefix]);
    }
    return {
      leadsWithoutOneEvent, eventsWithoutLead, eventsWithoutSubject, keysWithoutLead,
      leads: await one(`SELECT count(*) AS n FROM "Lead"`),
      events: await one(`SELECT count(*) AS n FROM "Event"`),
    };
  } finally {
    await db.end();
  }
}

/** How many leads exist per company with the prefix (company -> count). */
export async function leadsPerCompany(dbUrl: string, companyPrefix: string): Promise<Map<string, number>> {
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  try {
    const rows = (await db.query<{ company: string; n: string }>(`SELECT company, count(*) AS n FROM "Lead" WHERE company LIKE $1 || '%' GROUP BY company`, [companyPrefix])).rows;
    return new Map(rows.map((r) => [r.company, Number(r.n)]));
  } finally {
    await db.end();
  }
}

/** Polls /ready until `want(status, body)` holds; returns the time it took, or throws after `ms`. */
export async function waitForReady(base: string, want: (status: number, body: any) => boolean, ms: number): Promise<{ ms: number; body: any }> {
  const t0 = Date.now();
  let last: unknown;
  while (Date.now() - t0 < ms) {
    try {
      const res = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(3000) });
      const body = await res.json();
      last = { status: res.status, body };
      if (want(res.status, body)) return { ms: Date.now() - t0, body };
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`/ready did not reach the wanted state within ${ms} ms; last: ${JSON.stringify(last)}`);
}

/** One sample from Prometheus's text format: the first line of `name` whose labels include `labels`. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z0-9_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}
