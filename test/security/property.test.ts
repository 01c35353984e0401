// Property-based attack on every mutation (fast-check): arguments generated from the schema's own
// argument types — hostile strings (huge, unicode, control characters, NUL, lone surrogates), real
// ids of every kind, ids of the wrong kind, malformed ids, random numbers, enum values and garbage
// where variables allow it — sent as every role. Whatever comes back must be a typed error, a
// success, or a GraphQL request error (validation, authorization): never an HTTP 5xx, never
// "Unexpected error." (INTERNAL_SERVER_ERROR). Afterwards the database invariants of R-EVT-1 and
// R-LIST-2 must hold.
import fc from "fast-check";
import {
  getNamedType, GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLScalarType, GraphQLUnionType, isNonNullType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schema } from "../../src/graphql/schema.js";
import { startTestService, type GqlResult, type TestService } from "../support/harness.js";
import { globalId as gid, loadDemoWorld, type DemoWorld } from "../support/world.js";

let t: TestService;
let w: DemoWorld;
const prisma = () => t.service.program.prisma;

const ROLES = ["public", "other", "member", "memberFed", "admin", "adminFed", "manager", "managerFed", "staff", "staffFed"] as const;
type Role = (typeof ROLES)[number];
const tokens = {} as Record<Role, string | undefined>;

/** Ids to draw from: real ones (global and raw) of every type, plus wrong and malformed ones. */
const idPool: string[] = [];
/** Real ids by type, so that an argument often gets an id of the kind it is for. */
const idsOf: Record<string, string[]> = {};
let baselinePosition = 0n;
const fedrampMarkers: string[] = [];
const CLEARED_ROLES: readonly Role[] = ["memberFed", "adminFed", "managerFed", "staffFed"];

beforeAll(async () => {
  t = await startTestService({ env: { RATE_LIMIT_MUTATIONS_PER_MINUTE: "1000000", RATE_LIMIT_INQUIRIES_PER_MINUTE: "1000000" } });
  w = await loadDemoWorld(t);
  const p = prisma();
  const nw = await p.partner.findUniqueOrThrow({ where: { slug: "northwind-analytics" }, include: { members: true } });
  const nora = nw.members.find((m) => m.role === "MEMBER")!;
  const admin = nw.members.find((m) => m.role === "ADMIN")!;
  const ivy = await p.staffUser.findUniqueOrThrow({ where: { email: "ivy@program.example" } });
  const sam = await p.staffUser.findUniqueOrThrow({ where: { email: "sam@program.example" } });
  const pat = await p.staffUser.findUniqueOrThrow({ where: { email: "pat@program.example" } });
  const partnerToken = (m: { id: string; partnerId: string }, role: "partner-admin" | "partner-member", fedramp = false) =>
    t.token({ sub: m.id, role, partnerId: m.partnerId, ...(fedramp ? { fedramp } : {}) });
  Object.assign(tokens, {
    public: undefined,
    other: w.partners.cobalt.adminToken,
    member: await partnerToken(nora, "partner-member"),
    memberFed: await partnerToken(nora, "partner-member", true),
    admin: await partnerToken(admin, "partner-admin"),
    adminFed: await partnerToken(admin, "partner-admin", true),
    manager: await t.token({ sub: ivy.id, role: "integration-manager" }),
    managerFed: await t.token({ sub: ivy.id, role: "integration-manager", fedramp: true }),
    staff: await t.token({ sub: sam.id, role: "program-staff" }),
    staffFed: await t.token({ sub: pat.id, role: "program-staff" }),
  } satisfies Record<Role, string | undefined>);

  const add = (type: string, rows: { id: string }[]) => {
    for (const r of rows) idPool.push(gid(type, r.id), r.id);
    idsOf[type] = rows.flatMap((r) => [gid(type, r.id), r.id]);
  };
  add("Partner", await p.partner.findMany({ select: { id: true } }));
  add("PartnerMember", await p.partnerMember.findMany({ select: { id: true } }));
  add("StaffUser", await p.staffUser.findMany({ select: { id: true } }));
  add("App", await p.app.findMany({ select: { id: true } }));
  add("Listing", await p.listing.findMany({ select: { id: true } }));
  add("AppValidation", await p.appValidation.findMany({ select: { id: true } }));
  add("TestCustomer", await p.testCustomer.findMany({ select: { id: true } }));
  add("Lead", await p.lead.findMany({ select: { id: true } }));
  add("Inquiry", await p.inquiry.findMany({ select: { id: true } }));
  add("ProgramPolicy", await p.programPolicy.findMany({ select: { id: true } }));
  add("ApiToken", await p.apiToken.findMany({ select: { id: true } }));
  add("PremierInvitation", await p.premierInvitation.findMany({ select: { id: true } }));
  const someApp = (await p.app.findFirstOrThrow()).id;
  idPool.push(
    "", " ", "0", "-1", "null", "undefined", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
    gid("Listing", someApp), gid("NoSuchType", someApp), gid("App", "not-a-uuid"), gid("App", "'; DROP TABLE \"App\"; --"),
    Buffer.from("App").toString("base64"), Buffer.from(":").toString("base64"), "%%%", "A".repeat(10_000), "\u0000", "App:\u0000",
  );
  baselinePosition = (await p.event.aggregate({ _max: { position: true } }))._max.position ?? 0n;
  // R-LIST-6: what names the FedRAMP objects, which no answer to a viewer without clearance may hold.
  const fedListings = await p.listing.findMany({ where: { marketplace: "FEDRAMP" }, include: { liveRevision: { select: { name: true } } } });
  const fedValidations = await p.appValidation.findMany({ where: { marketplace: "FEDRAMP" }, select: { id: true } });
  fedrampMarkers.push(
    ...fedListings.flatMap((l) => [l.id, gid("Listing", l.id), ...(l.liveRevision ? [l.liveRevision.name] : [])]),
    ...fedValidations.flatMap((v) => [v.id, gid("AppValidation", v.id)]),
    "FEDRAMP listing", "FedRAMP listing",
  );
});
afterAll(() => t?.close());

// ---------------------------------------------------------------------------------------------
// Arbitraries from the schema's input types
// ---------------------------------------------------------------------------------------------
const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) }, // any code point, lone surrogates included
  { weight: 2, arbitrary: fc.constantFrom("", " ", "\u0000", "a\u0000b", "\t\r\n", "\u202e\u200b", "💥".repeat(20), "null", "<script>alert(1)</script>", "' OR 1=1 --", "${jndi:x}", "../../etc/passwd") },
  { weight: 1, arbitrary: fc.constantFrom("x".repeat(100_000), "é".repeat(40_000), "\u0000".repeat(1000), "🏗️".repeat(5_000)) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(..."\u0000\u0001\u0007\u001b\u007f\u0085\u2028\u2029\ud800\udfff"), maxLength: 30 }) },
);

/** Plausible values, so that generated calls also get past input checks and into the rules. */
const plausible = {
  email: fc.constantFrom("a@example.com", "sales@northwind.example", "x@y.z", "not-an-email", "@@"),
  url: fc.constantFrom("https://example.com", "http://example.com/x", "javascript:alert(1)", "ftp://x", "https://"),
  month: fc.constantFrom("2026-01", "2025-12", "2026-06-01", "1999-13", "2026-00", "9999-12", "2026-1"),
  slug: fc.constantFrom("acme", "acme-labs", "Acme", "a--b", "northwind-analytics"),
  year: fc.constantFrom(2024, 2025, 2026, 2027, 0, -1, 9999, 2 ** 31 - 1),
};

function stringFor(name: string): fc.Arbitrary<string> {
  const n = name.toLowerCase();
  const real = n.includes("email") ? plausible.email : n.includes("url") || n === "website" ? plausible.url : n === "month" ? plausible.month : n === "slug" ? plausible.slug : null;
  return (real ? fc.oneof({ weight: 2, arbitrary: real }, { weight: 1, arbitrary: hostileString }) : fc.oneof(fc.constantFrom("Acme", "analytics", "Looks good.", "SELECT"), hostileString)) as fc.Arbitrary<string>;
}

const int32 = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, 1, -1, 2, 100, 2 ** 31 - 1, -(2 ** 31)));

/** An argument or input field, with the schema's extensions (where an ID says what it is the id of). */
interface Input {
  readonly name: string;
  readonly extensions?: Readonly<Record<string, unknown>> | null;
}

/** The type an ID input names, from the schema: a relay global id's type, or the type of a database id (ids.ts, idOf). */
function idTypeOf(input: Input): string | undefined {
  const ext = (input.extensions ?? {}) as { relayGlobalIDFor?: { typename: string }[] | null; idOf?: string };
  return ext.relayGlobalIDFor?.[0]?.typename ?? ext.idOf;
}

function scalarArb(type: GraphQLScalarType, input: Input): fc.Arbitrary<unknown> {
  const name = input.name;
  switch (type.name) {
    case "String": return stringFor(name);
    case "ID": {
      const own = idsOf[idTypeOf(input) ?? ""] ?? [];
      return fc.oneof(
        { weight: own.length ? 6 : 0, arbitrary: own.length ? fc.constantFrom(...own) : fc.constant("") },
        { weight: 3, arbitrary: fc.constantFrom(...idPool) }, { weight: 1, arbitrary: hostileString }, { weight: 1, arbitrary: fc.uuid() },
      );
    }
    case "Int": return name === "year" ? fc.oneof(plausible.year, int32) : int32;
    case "Float": return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, 0.5, 1, -1, 1e308, -1e-308, 24));
    case "Boolean": return fc.boolean();
    case "DateTime": return fc.oneof(fc.date({ min: new Date("0001-01-01"), max: new Date("9999-12-31"), noInvalidDate: true }).map((d) => d.toISOString()), hostileString, fc.constantFrom("2026-02-30T00:00:00Z", "2026-01-01"));
    case "Date": return fc.oneof(fc.date({ min: new Date("1900-01-01"), max: new Date("2200-12-31"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), hostileString, fc.constantFrom("2026-02-30", "0000-00-00", "2026-13-01"));
    case "BigInt": return fc.oneof(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String), fc.integer(), hostileString, fc.constantFrom("9223372036854775807", "9223372036854775808", "-1", "1e3", 1.5));
    case "JSON": return fc.jsonValue();
    default: return hostileString;
  }
}

function inputArb(type: GraphQLInputType, input: Input, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return nonNullArb(type.ofType, input, depth);
  return fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: nonNullArb(type, input, depth) });
}

function nonNullArb(type: GraphQLInputType, input: Input, depth: number): fc.Arbitrary<unknown> {
  if (type instanceof GraphQLNonNull) return nonNullArb(type.ofType, input, depth);
  if (type instanceof GraphQLList) return fc.array(inputArb(type.ofType, input, depth + 1), { maxLength: depth > 1 ? 1 : 4 });
  if (type instanceof GraphQLEnumType) {
    // Mostly real values; sometimes garbage, which GraphQL must refuse as a variable error.
    return fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...type.getValues().map((v) => v.name)) }, { weight: 1, arbitrary: hostileString });
  }
  if (type instanceof GraphQLInputObjectType) {
    const fields = Object.values(type.getFields());
    const shape = Object.fromEntries(fields.map((f) => [f.name, inputArb(f.type, f, depth + 1)]));
    return fc.record(shape, { requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name) });
  }
  if (type instanceof GraphQLScalarType) return scalarArb(type, input);
  return hostileString;
}

function argsArb(field: GraphQLField<unknown, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const shape = Object.fromEntries(field.args.map((a) => [a.name, inputArb(a.type, a)]));
  return fc.record(shape, { requiredKeys: field.args.filter((a) => isNonNullType(a.type)).map((a) => a.name) }) as fc.Arbitrary<Record<string, unknown>>;
}

function documentFor(field: GraphQLField<unknown, unknown>): string {
  const defs = field.args.map((a: GraphQLArgument) => `$${a.name}: ${a.type.toString()}`).join(", ");
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(", ");
  const returned = getNamedType(field.type);
  const selection = returned instanceof GraphQLUnionType ? `{ __typename ... on Error { message } ... on RuleViolation { missing toSatisfy } ... on NotFound { what } }` : "";
  return `mutation${defs ? `(${defs})` : ""} { r: ${field.name}${args ? `(${args})` : ""} ${selection} }`;
}

// ---------------------------------------------------------------------------------------------
// What may come back
// ---------------------------------------------------------------------------------------------
const TYPED = new Set(["RuleViolation", "NotFound", "Forbidden", "InvalidInput", "Conflict"]);
/** Request errors a client caused: validation of the document or variables, authorization, limits. */
const REQUEST_ERROR_CODES = new Set(["GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "GRAPHQL_PARSE_FAILED", "UNAUTHENTICATED", "RATE_LIMITED", "BODY_TOO_LARGE", "PAGE_SIZE_LIMIT", "PERSISTED_QUERY_NOT_FOUND"]);

function problemWith(field: string, r: GqlResult & { raw?: string }): string | null {
  if (r.status >= 500) return `HTTP ${r.status}: ${JSON.stringify(r.errors)}`;
  for (const e of r.errors ?? []) {
    if (e.message === "Unexpected error." || e.extensions?.code === "INTERNAL_SERVER_ERROR") return `unexpected error: ${JSON.stringify(e)}`;
    const code = e.extensions?.code as string | undefined;
    const authorization = /not authorized/i.test(e.message);
    // graphql-js reports bad variable values without a code on older paths: the message says so.
    const variable = /^Variable "\$\w+"/.test(e.message);
    // An argument that is no global id of the type it is for is BAD_USER_INPUT (global-ids.test.ts), never an error without a code.
    if (!authorization && !variable && !(code && REQUEST_ERROR_CODES.has(code))) return `unclassified error: ${JSON.stringify(e)}`;
  }
  if (!r.errors?.length) {
    const result = r.data?.r;
    if (result === undefined) return `no result: ${JSON.stringify(r)}`;
    if (result !== null && typeof result === "object" && "__typename" in result) {
      const name = String(result.__typename);
      if (!name.endsWith("Success") && !TYPED.has(name)) return `unknown result type ${name}`;
    }
  }
  void field;
  return null;
}

async function call(doc: string, variables: Record<string, unknown>, token: string | undefined): Promise<GqlResult> {
  const res = await t.service.yoga.fetch("http://test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: doc, variables }),
  });
  const text = await res.text();
  try {
    const body = JSON.parse(text) as GqlResult;
    return { status: res.status, data: body.data, errors: body.errors };
  } catch {
    return { status: res.status, errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
}

const mutationFields = Object.values(schema.getMutationType()!.getFields());
/** Every role, the powerful ones more often: they get past the guards into the rules and the database. */
const roleArb = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...ROLES) },
  { weight: 2, arbitrary: fc.constantFrom<Role>("adminFed", "managerFed", "staffFed") },
);

// Pinned cases run first, on the untouched demo world: the generated calls that follow may remove
// the very member whose token these use (a second admin invited, then the first removed).
describe("what the generated input found, pinned", () => {
  it("a NUL character in free text is invalid input, not an unexpected error, and nothing is written", async () => {
    const before = await prisma().event.count();
    const published = await call(`mutation { r: publishAgreement(kind: FRAMEWORK_AGREEMENT, title: "a\\u0000b", body: "text") { __typename ... on InvalidInput { problems { message } } } }`, {}, tokens.staff);
    expect(published.errors).toBeUndefined();
    expect(published.data.r).toEqual({ __typename: "InvalidInput", problems: [{ message: "text must not contain NUL characters (U+0000)" }] });
    const lead = await call(`mutation($p: ID!, $c: String!) { r: sendLead(partnerId: $p, company: $c, contactName: "Al", contactEmail: "al@example.com", details: "x") { __typename } }`,
      { p: gid("Partner", w.partners.northwind.id), c: "Acme\u0000" }, tokens.admin);
    expect(lead.data.r.__typename).toBe("InvalidInput");
    expect(await prisma().event.count()).toBe(before);
  });

  it("a BigInt variable that is not an integer is a bad-input error, not an unexpected error", async () => {
    for (const pushCalls of ["abc", 1.5, "1e3"]) {
      const r = await call(`mutation($rows: [UsageRowInput!]!) { r: recordUsage(rows: $rows) { __typename } }`,
        { rows: [{ appId: "x", month: "2026-01", activeCustomers: 1, installs: 0, uninstalls: 0, pushCalls, pullCalls: "0" }] }, tokens.staff);
      expect(r.status, String(pushCalls)).toBeLessThan(500);
      expect(r.errors?.[0]?.extensions?.code, String(pushCalls)).toBe("BAD_USER_INPUT");
      expect(r.errors?.[0]?.message).toMatch(/BigInt cannot represent/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Database invariants afterwards (SQL)
// ---------------------------------------------------------------------------------------------
const SUBJECT_TABLES: Record<string, string | null> = {
  Partner: "Partner", App: "App", AppValidation: "AppValidation", Listing: "Listing", Lead: "Lead", Inquiry: "Inquiry",
  AgreementDocument: "AgreementDocument", ProgramPolicy: "ProgramPolicy", TierAssessment: "TierAssessment", PremierInvitation: "PremierInvitation",
  // A usage import is a batch of rows, not one record: its id names the batch.
  UsageBatch: null,
};

const rows = <T>(sql: string) => prisma().$queryRawUnsafe<T[]>(sql);

describe("generated input to every mutation as every role", () => {
  it("covers every mutation of the schema", () => {
    expect(mutationFields.length).toBeGreaterThan(25);
  });

  it("every ID argument says what it is the id of (a new one without it would get only foreign ids here)", () => {
    const ids = (inputs: readonly Input[], types: readonly (GraphQLInputType | undefined)[], where: string): string[] =>
      inputs.flatMap((input, i) => {
        const named = getNamedType(types[i]!);
        if (named instanceof GraphQLInputObjectType) return ids(Object.values(named.getFields()), Object.values(named.getFields()).map((f) => f.type), `${where}.${input.name}`);
        return named.name === "ID" && !idTypeOf(input) ? [`${where}(${input.name})`] : [];
      });
    const unnamed = mutationFields.flatMap((f) => ids(f.args, f.args.map((a) => a.type), f.name));
    expect(unnamed).toEqual([]);
    for (const type of new Set(mutationFields.flatMap((f) => f.args.map(idTypeOf)).filter(Boolean))) expect(idsOf[type!], type).toBeDefined();
  });

  for (const field of mutationFields) {
    it(`${field.name}: only typed errors or request errors, never a 5xx or an unexpected error`, async () => {
      const doc = documentFor(field);
      await fc.assert(
        fc.asyncProperty(roleArb, argsArb(field), async (role, args) => {
          const r = await call(doc, args, tokens[role]);
          const problem = problemWith(field.name, r);
          if (problem) throw new Error(`${field.name} as ${role}: ${problem}`);
          // R-LIST-6: no answer or refusal shows an uncleared viewer a FedRAMP object it did not name itself.
          if (!CLEARED_ROLES.includes(role)) {
            const asked = JSON.stringify(args);
            const answer = JSON.stringify({ data: r.data, errors: r.errors });
            const leaked = fedrampMarkers.filter((m) => answer.includes(m) && !asked.includes(m));
            if (leaked.length) throw new Error(`${field.name} as ${role} shows what it may not see (${leaked.join(", ")}): ${answer}`);
          }
        }),
        { numRuns: Number(process.env.PROPERTY_RUNS ?? 20), endOnFailure: true },
      );
    });
  }
});

describe("database invariants after the generated mutations", () => {
  it("R-EVT-1: every event's subject exists", async () => {
    const types = await rows<{ subjectType: string }>(`SELECT DISTINCT "subjectType" FROM "Event"`);
    const unknown = types.map((x) => x.subjectType).filter((s) => !(s in SUBJECT_TABLES));
    expect(unknown, "event subject types this invariant does not know: add them to SUBJECT_TABLES").toEqual([]);
    for (const [subjectType, table] of Object.entries(SUBJECT_TABLES)) {
      if (!table) continue;
      const orphans = await rows<{ position: bigint; type: string }>(
        `SELECT e.position, e.type FROM "Event" e WHERE e."subjectType" = '${subjectType}' AND NOT EXISTS (SELECT 1 FROM "${table}" x WHERE x.id = e."subjectId")`,
      );
      expect(orphans, `${subjectType} events without their ${table}`).toEqual([]);
    }
  });

  it("R-EVT-1: every partner, app, listing and lead has the event that created it", async () => {
    const missing = await rows<{ kind: string; id: string }>(`
      SELECT 'partner' AS kind, p.id::text FROM "Partner" p WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."subjectId" = p.id AND e.type = 'partner.joined')
      UNION ALL SELECT 'app', a.id::text FROM "App" a WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."subjectId" = a.id AND e.type = 'app.created')
      UNION ALL SELECT 'listing', l.id::text FROM "Listing" l WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."subjectId" = l.id AND e.type = 'listing.created')
      UNION ALL SELECT 'lead', l.id::text FROM "Lead" l WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."subjectId" = l.id AND e.type = 'lead.sent')
      UNION ALL SELECT 'inquiry', i.id::text FROM "Inquiry" i WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."subjectId" = i.id AND e.type = 'inquiry.received')
      UNION ALL SELECT 'validation', v.id::text FROM "AppValidation" v WHERE NOT EXISTS (SELECT 1 FROM "Event" e WHERE e."subjectId" = v.id)`);
    expect(missing).toEqual([]);
  });

  it("R-EVT-1: each listing's, lead's and validation's state is the one its latest state event recorded", async () => {
    const drift = await rows<{ kind: string; id: string; state: string; recorded: string | null }>(`
      SELECT 'listing' AS kind, l.id::text, l.state::text AS state,
        (SELECT e.after->>'state' FROM "Event" e WHERE e."subjectId" = l.id AND e.after ? 'state' ORDER BY e.position DESC LIMIT 1) AS recorded
      FROM "Listing" l
      UNION ALL
      SELECT 'lead', d.id::text, d.status::text,
        (SELECT e.after->>'status' FROM "Event" e WHERE e."subjectId" = d.id AND e.after ? 'status' ORDER BY e.position DESC LIMIT 1)
      FROM "Lead" d
      UNION ALL
      SELECT 'validation', v.id::text, v.status::text,
        (SELECT e.after->>'status' FROM "Event" e WHERE e."subjectId" = v.id AND e.after ? 'status' ORDER BY e.position DESC LIMIT 1)
      FROM "AppValidation" v`);
    expect(drift.filter((d) => d.state !== d.recorded)).toEqual([]);
  });

  it("R-EVT-1: retired apps, answered inquiries and removed members each have their event, and only they", async () => {
    const mismatched = await rows<{ kind: string; id: string }>(`
      SELECT 'app' AS kind, a.id::text FROM "App" a
        WHERE (a.status = 'RETIRED') <> EXISTS (SELECT 1 FROM "Event" e WHERE e."subjectId" = a.id AND e.type = 'app.retired')
      UNION ALL SELECT 'inquiry', i.id::text FROM "Inquiry" i
        WHERE (i."respondedAt" IS NOT NULL) <> EXISTS (SELECT 1 FROM "Event" e WHERE e."subjectId" = i.id AND e.type = 'inquiry.answered')
      UNION ALL SELECT 'member', m.id::text FROM "PartnerMember" m
        WHERE (m."removedAt" IS NOT NULL) <> EXISTS (SELECT 1 FROM "Event" e WHERE e.type = 'member.removed' AND e.before->>'memberId' = m.id::text)`);
    expect(mismatched).toEqual([]);
  });

  it("every LIVE or AT_RISK listing shows approved content and its app passed validation for that marketplace", async () => {
    const bad = await rows<{ id: string }>(`
      SELECT l.id::text FROM "Listing" l WHERE l.state IN ('LIVE', 'AT_RISK') AND (
        l."liveRevisionId" IS NULL
        OR NOT EXISTS (SELECT 1 FROM "ListingRevision" r WHERE r.id = l."liveRevisionId" AND r."listingId" = l.id AND r.status = 'APPROVED')
        OR NOT EXISTS (SELECT 1 FROM "AppValidation" v WHERE v."appId" = l."appId" AND v.marketplace = l.marketplace AND v.status = 'PASSED'))`);
    expect(bad).toEqual([]);
  });

  it("R-LIST-2: no listing went live (in the demo data or during the generated mutations) while an active app of its partner had not passed validation", async () => {
    const wentLive = await rows<{ position: bigint; occurredAt: Date; listingId: string; partnerId: string }>(`
      SELECT e.position, e."occurredAt", e."subjectId"::text AS "listingId", e."partnerId"::text AS "partnerId" FROM "Event" e
      WHERE e."subjectType" = 'Listing' AND e.after->>'state' = 'LIVE' AND COALESCE(e.before->>'state', '') NOT IN ('LIVE', 'AT_RISK')`);
    // The check below must have something to check: go-lives of the demo data and of the generated approvals.
    expect(wentLive.length).toBeGreaterThan(0);
    for (const live of wentLive) {
      // Apps of the partner that existed then and were not retired before it.
      const blocking = await rows<{ name: string }>(`
        SELECT a.name FROM "App" a WHERE a."partnerId" = '${live.partnerId}' AND a."createdAt" <= '${live.occurredAt.toISOString()}'
          AND NOT EXISTS (SELECT 1 FROM "Event" r WHERE r."subjectId" = a.id AND r.type = 'app.retired' AND r.position < ${live.position})
          AND NOT EXISTS (SELECT 1 FROM "AppValidation" v WHERE v."appId" = a.id AND v.status = 'PASSED' AND v."completedAt" <= '${live.occurredAt.toISOString()}')`);
      expect(blocking, `listing ${live.listingId} went live at position ${live.position}`).toEqual([]);
    }
  });
});
