// Bench data for the usage and tier benchmarks, generated in PostgreSQL with generate_series (a
// 10,000-partner program takes seconds): partners with apps, each app with a live commercial
// listing, 13 months of usage (Dec 2025..Dec 2026), 8 leads and 3 contact inquiries in 2026, and the
// policies for 2026 and 2027. About one app in ten has no active customers all year (low usage).
// Each benchmark owns a database of its own, dropped at the end.
import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { openDatabase } from "../src/db/database.js";
import { defaultLadder } from "../src/domain/tiers.js";

export const BASE = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
export const dbUrl = (name: string) => Object.assign(new URL(BASE), { pathname: `/${name}` }).toString();
const adminUrl = () => Object.assign(new URL(BASE), { pathname: "/postgres" }).toString();

async function admin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** A fresh, migrated database of this name. */
export async function createBenchDatabase(name: string): Promise<string> {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
  const db = await openDatabase({ databaseUrl: dbUrl(name), poolSize: 2 });
  await db.migrate();
  await db.close();
  return dbUrl(name);
}

export async function dropBenchDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export interface ProgramSize {
  readonly partners: number;
  readonly appsPerPartner: number;
  /** Write usage for Dec 2025..Dec 2026. */
  readonly usage: boolean;
}

/** Fills the database at `url`; returns how many rows each table got. */
export async function generateProgram(url: string, size: ProgramSize): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = (sql: string, params: unknown[] = []) => c.query(sql, params);
    for (const year of [2026, 2027]) {
      const { rows } = await q(`INSERT INTO "ProgramPolicy" ("id", "year", "version") VALUES (gen_random_uuid(), $1, 1) RETURNING "id"`, [year]);
      for (const t of defaultLadder()) {
        await q(
          `INSERT INTO "PolicyTier" ("id", "policyId", "key", "name", "rank", "invitationOnly", "requiresBidirectional", "minActiveCustomers", "minLiveApps",
             "minLeadsSent", "minWinRate", "minRetention", "maxResponseHours") VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [rows[0].id, t.key, t.name, t.rank, t.invitationOnly, t.requiresBidirectional, t.minActiveCustomers, t.minLiveApps, t.minLeadsSent, t.minWinRate, t.minRetention, t.maxResponseHours],
        );
      }
    }
    await q(
      `INSERT INTO "Partner" ("id", "name", "slug", "tierKey", "createdAt")
       SELECT gen_random_uuid(), 'Bench Partner ' || i, 'bench-' || i, (ARRAY['FOUNDATION', 'SELECT', 'ELITE'])[1 + i % 3], timestamptz '2024-01-01'
       FROM generate_series(1, $1::int) i`,
      [size.partners],
    );
    // One partner in ten launched its first app mid-2026 (its year runs from then).
    await q(
      `INSERT INTO "App" ("id", "partnerId", "name", "kind", "dataFlow", "launchedAt")
       SELECT gen_random_uuid(), p."id", 'App ' || k, 'OTHER', (CASE WHEN k = 1 THEN 'BIDIRECTIONAL' ELSE 'PUSH' END)::"DataFlow",
         CASE WHEN right(p."slug", 1) = '7' THEN timestamptz '2026-06-01' ELSE timestamptz '2024-03-01' END
       FROM "Partner" p, generate_series(1, $1::int) k`,
      [size.appsPerPartner],
    );
    await q(`INSERT INTO "Listing" ("id", "appId", "partnerId", "marketplace", "firstLiveAt") SELECT gen_random_uuid(), a."id", a."partnerId", 'COMMERCIAL', a."launchedAt" FROM "App" a`);
    await q(
      `INSERT INTO "ListingRevision" ("id", "listingId", "number", "status", "name", "tagline", "summary", "contactKind", "learnMoreUrl", "createdById")
       SELECT gen_random_uuid(), l."id", 1, 'APPROVED', 'Bench listing', 'Bench tagline', repeat('s', 200), 'LEARN_MORE_LINK', 'https://example.com', gen_random_uuid()
       FROM "Listing" l`,
    );
    await q(`UPDATE "Listing" l SET "state" = 'LIVE', "liveRevisionId" = r."id" FROM "ListingRevision" r WHERE r."listingId" = l."id"`);
    if (size.usage) {
      await q(
        `INSERT INTO "UsageMonth" ("appId", "month", "activeCustomers", "installs", "uninstalls", "pushCalls", "pullCalls")
         SELECT a."id", m::date, v.n + (extract(month FROM m)::int % 4), (v.n + 4) / 5, v.n / 20, (v.n * 1000)::bigint,
           (CASE WHEN a."dataFlow" = 'BIDIRECTIONAL' AND v.h % 3 <> 0 THEN v.n * 700 ELSE 0 END)::bigint
         FROM "App" a
         CROSS JOIN LATERAL (SELECT abs(hashtext(a."id"::text)) AS h) hh
         CROSS JOIN LATERAL (SELECT hh.h, CASE WHEN hh.h % 10 = 0 THEN -1 ELSE hh.h % 120 END AS n) v0
         CROSS JOIN LATERAL (SELECT v0.h, greatest(v0.n, 0) AS n, v0.n < 0 AS silent) v
         CROSS JOIN generate_series(date '2025-12-01', date '2026-12-01', interval '1 month') m
         WHERE NOT v.silent`,
      );
    }
    await q(
      `INSERT INTO "Lead" ("partnerId", "company", "contactName", "contactEmail", "details", "status", "submittedById", "createdAt", "statusChangedAt")
       SELECT p."id", 'Company', 'Contact', 'contact@example.com', 'Details',
         (ARRAY['NEW', 'ACCEPTED', 'WON', 'LOST', 'WON', 'REJECTED'])[1 + (k + abs(hashtext(p."id"::text))) % 6]::"LeadStatus", gen_random_uuid(),
         timestamptz '2026-01-15' + k * interval '40 days', timestamptz '2026-02-15' + k * interval '40 days'
       FROM "Partner" p, generate_series(0, 7) k`,
    );
    await q(
      `INSERT INTO "Inquiry" ("listingId", "partnerId", "senderName", "senderEmail", "message", "createdAt", "respondedAt", "response", "responseSeconds")
       SELECT l."id", l."partnerId", 'Sender', 'sender@example.com', 'Question', x.t0, x.t0 + x.h * interval '1 hour', 'Answer', x.h * 3600
       FROM (SELECT DISTINCT ON ("partnerId") "id", "partnerId" FROM "Listing" ORDER BY "partnerId", "id") l, generate_series(1, 3) k,
         LATERAL (SELECT timestamptz '2026-03-01' + k * interval '60 days' AS t0, k * 7 + abs(hashtext(l."id"::text)) % 30 AS h) x`,
    );
    // One partner in a hundred is invited to Premier for 2027.
    await q(
      `INSERT INTO "PremierInvitation" ("partnerId", "customerCentricity", "strategicAlignment", "executiveSponsorship", "invitedById", "effectiveYear")
       SELECT "id", 'NPS', 'Platform', 'CEO', gen_random_uuid(), 2027 FROM "Partner" WHERE right("slug", 2) = '42'`,
    );
    await q(`ANALYZE`);
    const counts: Record<string, number> = {};
    for (const table of ["Partner", "App", "Listing", "UsageMonth", "Lead", "Inquiry", "PremierInvitation"]) {
      counts[table] = Number((await q(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0].n);
    }
    return counts;
  } finally {
    await c.end();
  }
}

export interface Measured {
  readonly seconds: number;
  readonly maxRssKb: number;
  /** CPU seconds the process itself used (user + system): the rest of the wall time it waited (on PostgreSQL, or for a core). */
  readonly cpuSeconds: number;
  readonly stdout: string;
  readonly stderr: string;
}

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * Runs one of the program's npm CLIs under /usr/bin/time, as `npm run` does: its compiled entry in
 * dist/ (src/cli/x.ts runs as dist/cli/x.js, rebuilt first if src/ changed). Wall time and peak RSS.
 */
export function runCli(entry: string, args: string[], env: Record<string, string>, nodeArgs: string[] = []): Promise<Measured> {
  execFileSync(process.execPath, [`${root}scripts/build.mjs`, "--if-stale"], { cwd: root, stdio: "inherit" });
  const compiled = entry.replace(/^src\/(.+)\.ts$/, "dist/$1.js");
  return new Promise((resolve, reject) => {
    execFile(
      "/usr/bin/time",
      ["-f", "__TIME__ %e %M %U %S", process.execPath, ...nodeArgs, compiled, ...args],
      { cwd: root, env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const m = /__TIME__ ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
        if (err || !m) return reject(new Error(`${entry} ${args.join(" ")} failed: ${err?.message ?? ""}\n${stderr.slice(-3000)}`));
        resolve({ seconds: Number(m[1]), maxRssKb: Number(m[2]), cpuSeconds: Number(m[3]) + Number(m[4]), stdout, stderr });
      },
    );
  });
}

export const cliEnv = (url: string) => ({ DATABASE_URL: url, PROGRAM_TODAY: "2027-01-20", REDIS_URL: "", NODE_ENV: "development" });
