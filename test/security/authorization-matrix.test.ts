// The authorization matrix, generated from the schema: every Query, Mutation and Subscription field
// has at least one rule below (a new field without one fails the first test), and every rule is
// tried as every role against the demo program and compared with what the rules say
// (../shared/domain/RULES.md, "Actors"). A refused read of another partner's object must answer
// exactly like a read of an id that does not exist (no existence oracle).
//
// Outcomes:
//   ok        the role may use the field (mutations: anything but an authorization refusal, so a
//             RuleViolation, InvalidInput or Conflict counts: the rules, not the role, said no)
//   hidden    a read that answers as if the object did not exist (null, an empty list)
//   auth      a GraphQL authorization error before the resolver runs (scope-auth)
//   forbidden a typed Forbidden result (mutations) or a FORBIDDEN error (subscriptions)
//   notFound  a typed NotFound result, the same as for an unknown id
//
// An object a role may not see (another partner's, a FedRAMP one without clearance, a lead to an
// integration manager) is notFound to its mutations, exactly like an unknown id; one it may see but
// may not act on is forbidden. A refused mutation appends no event.
import type { Client } from "graphql-ws";
import type { GraphQLObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActedOn, Actor, MutationAccess } from "../../src/graphql/access.js";
import { schema } from "../../src/graphql/schema.js";
import { startTestService, type GqlResult, type TestService } from "../support/harness.js";
import { globalId as gid, loadDemoWorld, type DemoWorld } from "../support/world.js";
import { content } from "../support/mutate.js";
import { collect, sleep, wsClient } from "../support/subscriber.js";

const ROLES = ["public", "other", "otherAdmin", "member", "memberFed", "admin", "adminFed", "apiToken", "manager", "managerFed", "staff", "staffFed"] as const;
type Role = (typeof ROLES)[number];
type Outcome = "ok" | "hidden" | "auth" | "forbidden" | "notFound";

// Role groups. "Own" roles belong to the partner the rule is about; "other" roles to another
// partner (Brightbeam). otherAdmin carries FedRAMP clearance: clearance never crosses partners.
// apiToken is the partner's own systems (an API token its admin created): it acts as a member, without
// clearance, and never as an admin (RULES, "Actors": only an admin signs and manages members).
const OWN: Role[] = ["member", "memberFed", "admin", "adminFed", "apiToken"];
const ADMINS: Role[] = ["admin", "adminFed"];
const OTHER: Role[] = ["other", "otherAdmin"];
const PROGRAM_STAFF: Role[] = ["staff", "staffFed"];
const MANAGERS: Role[] = ["manager", "managerFed"];
const ANY_STAFF: Role[] = [...PROGRAM_STAFF, ...MANAGERS];
const CLEARED: Role[] = ["otherAdmin", "memberFed", "adminFed", "managerFed", "staffFed"];
const UNCLEARED: Role[] = ROLES.filter((r) => !CLEARED.includes(r));
const ALL: Role[] = [...ROLES];

/** Every role gets exactly one outcome; `rest` fills the roles not named. */
function rule(spec: Partial<Record<Outcome, readonly Role[]>> & { rest?: Outcome }): Record<Role, Outcome> {
  const out: Partial<Record<Role, Outcome>> = {};
  for (const [outcome, roles] of Object.entries(spec)) {
    if (outcome === "rest") continue;
    for (const r of roles as Role[]) {
      if (out[r] && out[r] !== outcome) throw new Error(`rule gives ${r} both ${out[r]} and ${outcome}`);
      out[r] = outcome as Outcome;
    }
  }
  for (const r of ROLES) {
    out[r] ??= spec.rest;
    if (!out[r]) throw new Error(`rule has no outcome for ${r}`);
  }
  return out as Record<Role, Outcome>;
}

interface Fixtures {
  w: DemoWorld;
  nw: { partner: string; insights: string; scheduler: string; spareApp: string; retireApp: string; commercial: string; fedListing: string; scheduler_listing: string;
    validation: string; fedValidation: string; openFedValidation: string; testCustomer: string; lead: string; inquiry: string; fedInquiry: string; nora: string;
    removable: Record<Role, string>; apiToken: string; invitation: string };
  cobalt: { partner: string; app: string; listing: string; validation: string; member: string };
  staff: { ivy: string };
  policyId: string;
  agreement: { kind: string; version: number; bodySha256: string };
  year: number;
}

interface Case {
  /** Type.field, e.g. Query.apps */
  field: string;
  name: string;
  /** Whose members and admins the "own" roles are. */
  partner?: "northwind" | "cobalt";
  doc: string;
  vars?: (f: Fixtures, role: Role) => Record<string, unknown>;
  /** The same call about an object that does not exist: a hidden/notFound answer must be identical. */
  unknown?: (f: Fixtures, role: Role) => Record<string, unknown>;
  /** Queries: whether the protected thing came back. */
  seen?: (data: any, f: Fixtures) => boolean;
  /** The object a mutation acts on, as it is (its kind is declared on the field, access.ts). */
  object?: ObjectFacts;
  /** Stated for reads; derived from the field's declaration where it has one (expectationOf). */
  expect?: Record<Role, Outcome>;
}

interface ObjectFacts {
  /** On the storefront (a live listing): everyone who may see its marketplace sees it. */
  readonly live?: boolean;
  /** "object": the object is on the FedRAMP marketplace; "choice": the change puts something new there. */
  readonly fedramp?: "object" | "choice";
}

// ---------------------------------------------------------------------------------------------
// Expectations derived from what each field declares
// ---------------------------------------------------------------------------------------------
const PARTNER_PRIVATE = rule({ ok: [...OWN, ...PROGRAM_STAFF], auth: ["public", ...OTHER, ...MANAGERS] });
const PARTNER_WORK = rule({ ok: [...OWN, ...ANY_STAFF], auth: ["public", ...OTHER] });

/** A field's scope-auth declaration (builder.ts AuthScopes), evaluated for an object of the rule's partner. */
function declaredScopes(coordinate: string): Record<string, unknown> | undefined {
  const [typeName, fieldName] = coordinate.split(".") as [string, string];
  const field = (schema.getType(typeName) as GraphQLObjectType).getFields()[fieldName];
  const scopes = (field?.extensions?.pothosOptions as { authScopes?: unknown } | undefined)?.authScopes;
  if (scopes === undefined) return undefined;
  return (typeof scopes === "function" ? scopes({ id: "p", partnerId: "p" }, {}, {}, {}) : scopes) as Record<string, unknown>;
}

/**
 * What scope-auth gives each role for a field's declared scopes: a refused read is an authorization
 * error; a refused mutation a typed Forbidden saying who may make it (builder.ts, unauthorizedError).
 */
function scopeRule(coordinate: string): Record<Role, Outcome> {
  const scopes = Object.keys(declaredScopes(coordinate) ?? {});
  if (scopes.length !== 1) throw new Error(`${coordinate}: expected one declared scope, got ${scopes.join(", ") || "none"}`);
  const refused: Outcome = coordinate.startsWith("Mutation.") ? "forbidden" : "auth";
  switch (scopes[0]) {
    case "programStaff": return rule({ ok: PROGRAM_STAFF, rest: refused });
    case "anyStaff": return rule({ ok: ANY_STAFF, rest: refused });
    case "authenticated": return rule({ auth: ["public"], rest: "ok" });
    case "partnerPrivate": return PARTNER_PRIVATE;
    case "ownPartner": return PARTNER_WORK;
    default: throw new Error(`${coordinate}: no expectation for scope ${scopes[0]}`);
  }
}

const ACTORS: Record<Actor, readonly Role[]> = {
  anyone: ALL, partnerMember: OWN, partnerAdmin: ADMINS, partnerMemberOrProgramStaff: [...OWN, ...PROGRAM_STAFF],
  programStaff: PROGRAM_STAFF, integrationManager: MANAGERS, anyStaff: ANY_STAFF,
};

/**
 * What each role gets from a mutation that declares who may make it (access.ts): the actors who may
 * see the object succeed (the rules may still refuse: that is "ok" here); who sees it but may not act
 * is Forbidden; who may not see it gets NotFound, like an unknown id. A partner's object is never
 * found by another partner's members, and FedRAMP needs clearance to see or to choose.
 */
function accessRule(coordinate: string, object: ObjectFacts = {}): Record<Role, Outcome> {
  const declared = (schema.getMutationType()!.getFields()[coordinate.split(".")[1]!]?.extensions?.access) as MutationAccess | undefined;
  if (!declared) throw new Error(`${coordinate} declares no access`);
  const actors = ACTORS[declared.by];
  const seers: Record<ActedOn, readonly Role[]> = {
    nothing: ALL, partnerWork: [...OWN, ...ANY_STAFF], partnerPrivate: [...OWN, ...PROGRAM_STAFF], listing: object.live ? ALL : [...OWN, ...ANY_STAFF],
  };
  let seen = seers[declared.on];
  if (object.fedramp === "object") seen = seen.filter((r) => CLEARED.includes(r));
  if (declared.by.startsWith("partner")) seen = seen.filter((r) => r !== "public" && !OTHER.includes(r));
  const ok = actors.filter((r) => seen.includes(r) && (object.fedramp !== "choice" || CLEARED.includes(r)));
  return rule({ ok, forbidden: seen.filter((r) => !ok.includes(r)), rest: "notFound" });
}

/** A case's expectation: stated, or derived from the field's scope-auth or access declaration. */
function expectationOf(c: Case): Record<Role, Outcome> {
  if (c.expect) return c.expect;
  return declaredScopes(c.field) ? scopeRule(c.field) : accessRule(c.field, c.object);
}

const NIL = "00000000-0000-0000-0000-0000000000ff";
const edges = (c: { edges: { node: any }[] }) => c.edges.map((e) => e.node);
const ids = (c: { edges: { node: { id: string } }[] }) => edges(c).map((n) => n.id);

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------
const nodeCase = (name: string, type: string, id: (f: Fixtures) => string, partner: "northwind" | "cobalt", expect: Record<Role, Outcome>): Case => ({
  field: "Query.node",
  name,
  partner,
  doc: `query($id: ID!) { node(id: $id) { __typename id } }`,
  vars: (f) => ({ id: gid(type, id(f)) }),
  unknown: () => ({ id: gid(type, NIL) }),
  seen: (d) => d.node !== null,
  expect,
});

/** A field of a partner on the storefront (so everyone reads the partner): the field's declared scope decides. */
const partnerField = (name: string, declaredOn: string, selection: string, seen: (partner: any) => boolean): Case => ({
  field: "Query.partner", name: `a partner's ${name}`, doc: `query($id: ID) { partner(id: $id) { id ${selection} } }`,
  vars: (f) => ({ id: gid("Partner", f.nw.partner) }), seen: (d) => !!d.partner && seen(d.partner), expect: scopeRule(`Partner.${declaredOn}`),
});

const queries: Case[] = [
  { field: "Query.viewer", name: "who am I", doc: `{ viewer { role fedrampCleared } }`, seen: (d) => !!d.viewer.role, expect: rule({ ok: ALL }) },
  { field: "Query.programNow", name: "the program's clock", doc: `{ programNow }`, seen: (d) => !Number.isNaN(Date.parse(d.programNow)), expect: rule({ ok: ALL }) },
  { field: "Query.eventPosition", name: "the event position a read is taken after", doc: `{ eventPosition }`, seen: (d) => /^\d+$/.test(d.eventPosition), expect: rule({ ok: ALL }) },
  { field: "Query.categories", name: "category list", doc: `{ categories { slug } }`, seen: (d) => d.categories.length > 0, expect: rule({ ok: ALL }) },
  { field: "Query.currentAgreements", name: "published agreements", doc: `{ currentAgreements { kind version } }`, seen: (d) => d.currentAgreements.length === 2, expect: rule({ ok: ALL }) },
  { field: "Query.programPolicy", name: "this year's policy", doc: `{ programPolicy { year tiers { key } } }`, seen: (d) => d.programPolicy !== null, expect: rule({ ok: ALL }) },
  { field: "Query.programPolicies", name: "every policy version", doc: `{ programPolicies { year version } }`, seen: (d) => d.programPolicies.length > 0 },
  { field: "Query.staffUsers", name: "staff directory", doc: `{ staffUsers { name email } }`, seen: (d) => d.staffUsers.length > 0 },
  {
    field: "Query.apps", name: "apps of the partner", doc: `{ apps(first: 50) { edges { node { id } } } }`,
    seen: (d, f) => ids(d.apps).includes(gid("App", f.nw.insights)),
    expect: rule({ ok: [...OWN, ...ANY_STAFF], hidden: OTHER, auth: ["public"] }),
  },
  {
    field: "Query.apps", name: "apps filtered by another partner's id", doc: `query($p: ID) { apps(first: 50, partnerId: $p) { edges { node { id } } } }`,
    vars: (f) => ({ p: gid("Partner", f.nw.partner) }), unknown: () => ({ p: gid("Partner", NIL) }),
    seen: (d) => d.apps.edges.length > 0,
    expect: rule({ ok: [...OWN, ...ANY_STAFF], hidden: OTHER, auth: ["public"] }),
  },
  {
    field: "Query.validations", name: "Commercial validations", doc: `{ validations(first: 50) { edges { node { id } } } }`,
    seen: (d, f) => ids(d.validations).includes(gid("AppValidation", f.nw.validation)),
    expect: rule({ ok: [...OWN, ...ANY_STAFF], hidden: OTHER, auth: ["public"] }),
  },
  {
    field: "Query.validations", name: "FedRAMP validations need clearance", doc: `{ validations(first: 50) { edges { node { id } } } }`,
    seen: (d, f) => ids(d.validations).includes(gid("AppValidation", f.nw.fedValidation)),
    expect: rule({ ok: ["memberFed", "adminFed", "managerFed", "staffFed"], auth: ["public"], rest: "hidden" }),
  },
  // Leads are triaged by program staff; integration managers lead App Validation only (visibility.ts).
  {
    field: "Query.leads", name: "leads: the partner and program staff", doc: `{ leads(first: 50) { edges { node { id } } } }`,
    seen: (d, f) => ids(d.leads).includes(f.nw.lead),
    expect: rule({ ok: [...OWN, ...PROGRAM_STAFF], hidden: [...OTHER, ...MANAGERS], auth: ["public"] }),
  },
  {
    field: "Query.events", name: "the partner's lead history: the partner and program staff", doc: `{ events(first: 50, type: "lead.sent") { edges { node { subjectId } } } }`,
    seen: (d, f) => edges(d.events).some((e) => e.subjectId === f.nw.lead),
    expect: rule({ ok: [...OWN, ...PROGRAM_STAFF], hidden: [...OTHER, ...MANAGERS], auth: ["public"] }),
  },
  {
    field: "Query.events", name: "the partner's app history: any staff too", partner: "cobalt", doc: `{ events(first: 50, type: "app.created") { edges { node { subjectId } } } }`,
    seen: (d, f) => edges(d.events).some((e) => e.subjectId === f.cobalt.app),
    expect: rule({ ok: [...OWN, ...ANY_STAFF], hidden: OTHER, auth: ["public"] }),
  },
  {
    field: "Query.events", name: "FedRAMP history needs clearance", doc: `{ events(first: 50, type: "listing.live") { edges { node { marketplace } } } }`,
    seen: (d) => edges(d.events).some((e) => e.marketplace === "FEDRAMP"),
    expect: rule({ ok: ["memberFed", "adminFed", "managerFed", "staffFed"], auth: ["public"], rest: "hidden" }),
  },
  {
    field: "Query.listings", name: "Commercial storefront", doc: `{ listings(first: 50) { edges { node { id } } } }`,
    seen: (d, f) => ids(d.listings).includes(gid("Listing", f.nw.commercial)), expect: rule({ ok: ALL }),
  },
  {
    field: "Query.listings", name: "FedRAMP storefront needs clearance", doc: `{ listings(first: 50, marketplace: FEDRAMP) { edges { node { id } } } }`,
    seen: (d, f) => ids(d.listings).includes(gid("Listing", f.nw.fedListing)), expect: rule({ ok: CLEARED, hidden: UNCLEARED }),
  },
  {
    field: "Query.myListings", name: "listings to manage", doc: `{ myListings(first: 50) { edges { node { id } } } }`,
    seen: (d, f) => ids(d.myListings).includes(gid("Listing", f.nw.commercial)),
    expect: rule({ ok: [...OWN, ...ANY_STAFF], hidden: OTHER, auth: ["public"] }),
  },
  {
    field: "Query.myListings", name: "FedRAMP listings to manage need clearance", doc: `{ myListings(first: 50) { edges { node { id } } } }`,
    seen: (d, f) => ids(d.myListings).includes(gid("Listing", f.nw.fedListing)),
    expect: rule({ ok: ["memberFed", "adminFed", "managerFed", "staffFed"], auth: ["public"], rest: "hidden" }),
  },
  nodeCase("a partner not on the storefront", "Partner", (f) => f.cobalt.partner, "cobalt", rule({ ok: [...OWN, ...ANY_STAFF], hidden: ["public", ...OTHER] })),
  nodeCase("a partner on the storefront", "Partner", (f) => f.nw.partner, "northwind", rule({ ok: ALL })),
  nodeCase("an app not on the storefront", "App", (f) => f.cobalt.app, "cobalt", rule({ ok: [...OWN, ...ANY_STAFF], hidden: ["public", ...OTHER] })),
  nodeCase("a draft listing", "Listing", (f) => f.cobalt.listing, "cobalt", rule({ ok: [...OWN, ...ANY_STAFF], hidden: ["public", ...OTHER] })),
  nodeCase("a live FedRAMP listing", "Listing", (f) => f.nw.fedListing, "northwind", rule({ ok: CLEARED, hidden: UNCLEARED })),
  nodeCase("a Commercial validation", "AppValidation", (f) => f.nw.validation, "northwind", rule({ ok: [...OWN, ...ANY_STAFF], hidden: ["public", ...OTHER] })),
  // A FedRAMP validation is part of the FedRAMP marketplace, like its listing and its events: the
  // partner's and staff's with clearance only (App.validations and Query.validations alike).
  nodeCase("a FedRAMP validation", "AppValidation", (f) => f.nw.fedValidation, "northwind", rule({ ok: ["memberFed", "adminFed", "managerFed", "staffFed"], rest: "hidden" })),
  nodeCase("a member of a partner on the storefront", "PartnerMember", (f) => f.nw.nora, "northwind", rule({ ok: [...OWN, ...PROGRAM_STAFF], hidden: ["public", ...OTHER, ...MANAGERS] })),
  nodeCase("a member of a partner not on the storefront", "PartnerMember", (f) => f.cobalt.member, "cobalt", rule({ ok: [...OWN, ...PROGRAM_STAFF], hidden: ["public", ...OTHER, ...MANAGERS] })),
  nodeCase("a staff user", "StaffUser", (f) => f.staff.ivy, "northwind", rule({ ok: [...OTHER, ...OWN, ...ANY_STAFF], hidden: ["public"] })),
  {
    field: "Query.nodes", name: "several nodes", partner: "cobalt", doc: `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`,
    vars: (f) => ({ ids: [gid("Partner", f.cobalt.partner), gid("App", f.cobalt.app), gid("Listing", f.cobalt.listing)] }),
    unknown: () => ({ ids: [gid("Partner", NIL), gid("App", NIL), gid("Listing", NIL)] }),
    seen: (d) => d.nodes.some((n: unknown) => n !== null),
    expect: rule({ ok: [...OWN, ...ANY_STAFF], hidden: ["public", ...OTHER] }),
  },
  {
    field: "Query.listing", name: "a draft listing's page", partner: "cobalt", doc: `query($id: ID!) { listing(id: $id) { id state } }`,
    vars: (f) => ({ id: gid("Listing", f.cobalt.listing) }), unknown: () => ({ id: gid("Listing", NIL) }),
    seen: (d) => d.listing !== null, expect: rule({ ok: [...OWN, ...ANY_STAFF], hidden: ["public", ...OTHER] }),
  },
  {
    field: "Query.listing", name: "a live FedRAMP listing's page needs clearance", doc: `query($id: ID!) { listing(id: $id) { id state } }`,
    vars: (f) => ({ id: gid("Listing", f.nw.fedListing) }), unknown: () => ({ id: gid("Listing", NIL) }),
    seen: (d) => d.listing !== null, expect: rule({ ok: CLEARED, hidden: UNCLEARED }),
  },
  {
    field: "Query.partner", name: "a partner by id", partner: "cobalt", doc: `query($id: ID) { partner(id: $id) { id name } }`,
    vars: (f) => ({ id: gid("Partner", f.cobalt.partner) }), unknown: () => ({ id: gid("Partner", NIL) }),
    seen: (d) => d.partner !== null, expect: rule({ ok: [...OWN, ...ANY_STAFF], hidden: ["public", ...OTHER] }),
  },
  {
    field: "Query.partner", name: "a partner by slug", partner: "cobalt", doc: `query($slug: String) { partner(slug: $slug) { id name } }`,
    vars: () => ({ slug: "cobalt-estimating" }), unknown: () => ({ slug: "no-such-partner" }),
    seen: (d) => d.partner !== null, expect: rule({ ok: [...OWN, ...ANY_STAFF], hidden: ["public", ...OTHER] }),
  },
  // What a partner (on the storefront, so everyone reads it) holds: its work with the program for
  // any staff, its private records for program staff only (visibility.ts); the fields refuse the rest.
  partnerField("leads", "leads", `leads(first: 50) { edges { node { id } } }`, (p) => p.leads.edges.length > 0),
  partnerField("inquiries", "inquiries", `inquiries(first: 50) { edges { node { id } } }`, (p) => p.inquiries.edges.length > 0),
  partnerField("members", "members", `members(first: 50) { edges { node { id } } }`, (p) => p.members.edges.length > 0),
  partnerField("API tokens", "apiTokens", `apiTokens { id }`, (p) => p.apiTokens.length > 0),
  partnerField("agreement signatures", "signatures", `signatures { signedAt } agreementStanding { inProgram }`, (p) => p.signatures.length > 0),
  partnerField("tier assessments and invitations", "assessments", `assessments { id } premierInvitations { id }`, (p) => Array.isArray(p.assessments)),
  partnerField("tier progress", "tierProgress", `tierProgress { __typename } currentTier { __typename }`, (p) => !!p.tierProgress.__typename),
  partnerField("apps", "apps", `apps(first: 50) { edges { node { id } } }`, (p) => p.apps.edges.length > 0),
  {
    field: "Query.node", name: "an app's monthly usage and delisting risk: the partner and program staff",
    doc: `query($id: ID!) { node(id: $id) { ... on App { usage { month } delistingRisk { status } } } }`,
    vars: (f) => ({ id: gid("App", f.nw.insights) }), seen: (d) => d.node?.usage?.length > 0, expect: scopeRule("App.usage"),
  },
  {
    field: "Query.node", name: "a listing's delisting risk: the partner and program staff",
    doc: `query($id: ID!) { node(id: $id) { ... on Listing { delistingRisk { status } } } }`,
    vars: (f) => ({ id: gid("Listing", f.nw.commercial) }), seen: (d) => !!d.node?.delistingRisk, expect: scopeRule("Listing.delistingRisk"),
  },
  {
    field: "Query.node", name: "an app's test customers and validations: any staff",
    doc: `query($id: ID!) { node(id: $id) { ... on App { testCustomers { usageCount } validations { id } } } }`,
    vars: (f) => ({ id: gid("App", f.nw.insights) }), seen: (d) => d.node?.testCustomers?.length > 0 && d.node.validations.length > 0, expect: scopeRule("App.testCustomers"),
  },
  {
    field: "Query.partners", name: "partner directory", partner: "cobalt", doc: `{ partners(first: 50) { edges { node { id } } } }`,
    seen: (d, f) => ids(d.partners).includes(gid("Partner", f.cobalt.partner)),
    expect: rule({ ok: [...OWN, ...ANY_STAFF], hidden: ["public", ...OTHER] }),
  },
];

// ---------------------------------------------------------------------------------------------
// Subscriptions (subscribe-time refusal over graphql-ws; `after: "0"` replays history, so an
// accepted subscription delivers an event at once)
// ---------------------------------------------------------------------------------------------
const subscriptions: Case[] = [
  {
    field: "Subscription.listingChanges", name: "Commercial storefront changes",
    doc: `subscription { listingChanges(marketplace: COMMERCIAL, after: "0") { position } }`, expect: rule({ ok: ALL }),
  },
  {
    field: "Subscription.listingChanges", name: "FedRAMP storefront changes need clearance",
    doc: `subscription { listingChanges(marketplace: FEDRAMP, after: "0") { position } }`, expect: rule({ ok: CLEARED, forbidden: UNCLEARED }),
  },
  {
    field: "Subscription.partnerEvents", name: "a partner's events", doc: `subscription($p: ID!) { partnerEvents(partnerId: $p, after: "0") { position } }`,
    vars: (f) => ({ p: gid("Partner", f.nw.partner) }), unknown: () => ({ p: gid("Partner", NIL) }),
    expect: rule({ ok: [...OWN, ...ANY_STAFF], forbidden: ["public", ...OTHER] }),
  },
  {
    field: "Subscription.programEvents", name: "every program event", doc: `subscription { programEvents(after: "0") { position } }`,
    expect: rule({ ok: ANY_STAFF, rest: "forbidden" }),
  },
];

// ---------------------------------------------------------------------------------------------
// Mutations, in the order they run (later ones may find earlier ones' changes: that moves an
// allowed call between success and a rule's refusal, never across an authorization outcome)
// ---------------------------------------------------------------------------------------------
const R = `{ __typename ... on Error { message } ... on NotFound { what } ... on RuleViolation { missing toSatisfy } ... on InvalidInput { problems { field message } } }`;
const roleTag = (role: Role) => `${role.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}`;

const mutations: Case[] = [
  {
    field: "Mutation.signUpPartner", name: "anyone may join",
    doc: `mutation($input: SignUpPartnerInput!) { r: signUpPartner(input: $input) ${R} }`,
    vars: (_f, role) => { const tag = roleTag(role); return { input: { name: `Matrix ${tag}`, slug: `matrix-${tag}`, adminName: "Ada", adminEmail: `ada@${tag}.example` } }; },
  },
  {
    field: "Mutation.createApp", name: "an app for the partner",
    doc: `mutation($p: ID!) { r: createApp(partnerId: $p, name: "Matrix App", kind: OTHER, dataFlow: PUSH) ${R} }`,
    vars: (f) => ({ p: gid("Partner", f.nw.partner) }), unknown: () => ({ p: gid("Partner", NIL) }),
  },
  {
    field: "Mutation.updateApp", name: "the partner's app",
    doc: `mutation($a: ID!) { r: updateApp(appId: $a, name: "Northwind Insights") ${R} }`,
    vars: (f) => ({ a: gid("App", f.nw.insights) }), unknown: () => ({ a: gid("App", NIL) }),
  },
  {
    field: "Mutation.registerTestCustomer", name: "a test customer of the partner's app",
    doc: `mutation($a: ID!, $ref: String!) { r: registerTestCustomer(appId: $a, customerRef: $ref, customerName: "Matrix Customer") ${R} }`,
    vars: (f, role) => ({ a: gid("App", f.nw.spareApp), ref: `cust-${roleTag(role)}` }), unknown: (_f, role) => ({ a: gid("App", NIL), ref: `cust-${role}` }),
  },
  {
    field: "Mutation.recordTestCustomerUse", name: "use by the partner's test customer",
    doc: `mutation($c: ID!) { r: recordTestCustomerUse(testCustomerId: $c) ${R} }`,
    vars: (f) => ({ c: f.nw.testCustomer }), unknown: () => ({ c: NIL }),
  },
  {
    field: "Mutation.retireApp", name: "an admin retires the partner's app",
    doc: `mutation($a: ID!) { r: retireApp(appId: $a) ${R} }`,
    vars: (f) => ({ a: gid("App", f.nw.retireApp) }), unknown: () => ({ a: gid("App", NIL) }),
  },
  {
    // R-LIST-6: Insights is live on both marketplaces; the refusal names only the listings the viewer may see.
    field: "Mutation.retireApp", name: "retiring an app live on both marketplaces is refused, naming only what the viewer sees",
    doc: `mutation($a: ID!) { r: retireApp(appId: $a) ${R} }`,
    vars: (f) => ({ a: gid("App", f.nw.insights) }), unknown: () => ({ a: gid("App", NIL) }),
  },
  {
    field: "Mutation.requestValidation", name: "Commercial validation of the partner's app",
    doc: `mutation($a: ID!) { r: requestValidation(appId: $a, marketplace: COMMERCIAL) ${R} }`,
    vars: (f) => ({ a: gid("App", f.nw.scheduler) }), unknown: () => ({ a: gid("App", NIL) }),
  },
  {
    field: "Mutation.requestValidation", name: "FedRAMP validation needs clearance",
    doc: `mutation($a: ID!) { r: requestValidation(appId: $a, marketplace: FEDRAMP) ${R} }`,
    vars: (f) => ({ a: gid("App", f.nw.scheduler) }), unknown: () => ({ a: gid("App", NIL) }), object: { fedramp: "choice" },
  },
  {
    field: "Mutation.assignIntegrationManager", name: "staff assign a Commercial validation", partner: "cobalt",
    doc: `mutation($v: ID!, $m: ID) { r: assignIntegrationManager(validationId: $v, managerId: $m) ${R} }`,
    vars: (f) => ({ v: gid("AppValidation", f.cobalt.validation), m: gid("StaffUser", f.staff.ivy) }),
    unknown: (f) => ({ v: gid("AppValidation", NIL), m: gid("StaffUser", f.staff.ivy) }),
  },
  {
    field: "Mutation.assignIntegrationManager", name: "a FedRAMP validation is missing to the uncleared",
    doc: `mutation($v: ID!, $m: ID) { r: assignIntegrationManager(validationId: $v, managerId: $m) ${R} }`,
    vars: (f) => ({ v: gid("AppValidation", f.nw.openFedValidation), m: gid("StaffUser", f.staff.ivy) }),
    unknown: (f) => ({ v: gid("AppValidation", NIL), m: gid("StaffUser", f.staff.ivy) }),
    object: { fedramp: "object" },
  },
  {
    field: "Mutation.recordValidationCheck", name: "integration managers record checks", partner: "cobalt",
    doc: `mutation($v: ID!) { r: recordValidationCheck(validationId: $v, kind: DATA_TRANSFER, passed: true, notes: "moved 10 rows") ${R} }`,
    vars: (f) => ({ v: gid("AppValidation", f.cobalt.validation) }), unknown: () => ({ v: gid("AppValidation", NIL) }),
  },
  {
    field: "Mutation.recordValidationCheck", name: "a FedRAMP validation's checks: missing to the uncleared",
    doc: `mutation($v: ID!) { r: recordValidationCheck(validationId: $v, kind: DEMONSTRATION, passed: true, notes: "demo") ${R} }`,
    vars: (f) => ({ v: gid("AppValidation", f.nw.openFedValidation) }), unknown: () => ({ v: gid("AppValidation", NIL) }),
    object: { fedramp: "object" },
  },
  {
    field: "Mutation.completeValidation", name: "integration managers complete validations", partner: "cobalt",
    doc: `mutation($v: ID!) { r: completeValidation(validationId: $v, outcome: FAILED, notes: "not yet") ${R} }`,
    vars: (f) => ({ v: gid("AppValidation", f.cobalt.validation) }), unknown: () => ({ v: gid("AppValidation", NIL) }),
  },
  {
    field: "Mutation.completeValidation", name: "completing a FedRAMP validation: missing to the uncleared",
    doc: `mutation($v: ID!) { r: completeValidation(validationId: $v, outcome: FAILED, notes: "not yet") ${R} }`,
    vars: (f) => ({ v: gid("AppValidation", f.nw.openFedValidation) }), unknown: () => ({ v: gid("AppValidation", NIL) }),
    object: { fedramp: "object" },
  },
  {
    field: "Mutation.createListing", name: "a Commercial listing of the partner's app",
    doc: `mutation($a: ID!, $c: ListingContentInput!) { r: createListing(appId: $a, marketplace: COMMERCIAL, content: $c) ${R} }`,
    vars: (f) => ({ a: gid("App", f.nw.spareApp), c: content("Matrix Listing") }), unknown: () => ({ a: gid("App", NIL), c: content("Matrix Listing") }),
  },
  {
    field: "Mutation.createListing", name: "a FedRAMP listing needs clearance",
    doc: `mutation($a: ID!, $c: ListingContentInput!) { r: createListing(appId: $a, marketplace: FEDRAMP, content: $c) ${R} }`,
    vars: (f) => ({ a: gid("App", f.nw.spareApp), c: content("Matrix Gov") }), unknown: () => ({ a: gid("App", NIL), c: content("Matrix Gov") }),
    object: { fedramp: "choice" },
  },
  {
    field: "Mutation.editListing", name: "edit the partner's Commercial listing",
    doc: `mutation($l: ID!, $c: ListingContentInput!) { r: editListing(listingId: $l, content: $c) ${R} }`,
    vars: (f) => ({ l: gid("Listing", f.nw.scheduler_listing), c: content("Northwind Scheduler") }), unknown: () => ({ l: gid("Listing", NIL), c: content("Northwind Scheduler") }),
    object: { live: true },
  },
  {
    // A cleared member of another partner sees the live FedRAMP listing, but another partner's object is not found to its mutations.
    field: "Mutation.editListing", name: "a FedRAMP listing is missing to the uncleared",
    doc: `mutation($l: ID!, $c: ListingContentInput!) { r: editListing(listingId: $l, content: $c) ${R} }`,
    vars: (f) => ({ l: gid("Listing", f.nw.fedListing), c: content("Northwind Insights Gov") }), unknown: () => ({ l: gid("Listing", NIL), c: content("Northwind Insights Gov") }),
    object: { live: true, fedramp: "object" },
  },
  {
    field: "Mutation.submitListing", name: "submit the partner's draft", partner: "cobalt",
    doc: `mutation($l: ID!) { r: submitListing(listingId: $l) ${R} }`,
    vars: (f) => ({ l: gid("Listing", f.cobalt.listing) }), unknown: () => ({ l: gid("Listing", NIL) }),
  },
  {
    field: "Mutation.submitListing", name: "submitting a FedRAMP listing: missing to the uncleared",
    doc: `mutation($l: ID!) { r: submitListing(listingId: $l) ${R} }`,
    vars: (f) => ({ l: gid("Listing", f.nw.fedListing) }), unknown: () => ({ l: gid("Listing", NIL) }), object: { live: true, fedramp: "object" },
  },
  {
    field: "Mutation.approveListing", name: "program staff approve (a draft is missing to others)", partner: "cobalt",
    doc: `mutation($l: ID!) { r: approveListing(listingId: $l) ${R} }`, vars: (f) => ({ l: gid("Listing", f.cobalt.listing) }), unknown: () => ({ l: gid("Listing", NIL) }),
  },
  {
    // The live FedRAMP listing is seen by every cleared viewer: the uncleared get NotFound, the cleared but not program staff Forbidden.
    field: "Mutation.approveListing", name: "approving a FedRAMP listing: missing to the uncleared",
    doc: `mutation($l: ID!) { r: approveListing(listingId: $l) ${R} }`, vars: (f) => ({ l: gid("Listing", f.nw.fedListing) }), unknown: () => ({ l: gid("Listing", NIL) }),
    object: { live: true, fedramp: "object" },
  },
  {
    field: "Mutation.rejectListing", name: "program staff reject (a draft is missing to others)", partner: "cobalt",
    doc: `mutation($l: ID!) { r: rejectListing(listingId: $l, reasons: "screenshots missing") ${R} }`, vars: (f) => ({ l: gid("Listing", f.cobalt.listing) }),
    unknown: () => ({ l: gid("Listing", NIL) }),
  },
  {
    field: "Mutation.rejectListing", name: "rejecting a FedRAMP listing: missing to the uncleared",
    doc: `mutation($l: ID!) { r: rejectListing(listingId: $l, reasons: "screenshots missing") ${R} }`, vars: (f) => ({ l: gid("Listing", f.nw.fedListing) }),
    unknown: () => ({ l: gid("Listing", NIL) }), object: { live: true, fedramp: "object" },
  },
  {
    field: "Mutation.sendInquiry", name: "anyone writes through a live Commercial listing",
    doc: `mutation($l: ID!) { r: sendInquiry(listingId: $l, senderName: "Jo", senderEmail: "jo@example.com", message: "Does it sync cost codes?") ${R} }`,
    vars: (f) => ({ l: gid("Listing", f.nw.commercial) }), object: { live: true },
  },
  {
    field: "Mutation.sendInquiry", name: "a FedRAMP listing is missing to the uncleared",
    doc: `mutation($l: ID!) { r: sendInquiry(listingId: $l, senderName: "Jo", senderEmail: "jo@example.com", message: "Is it FedRAMP authorized?") ${R} }`,
    vars: (f) => ({ l: gid("Listing", f.nw.fedListing) }), unknown: () => ({ l: gid("Listing", NIL) }), object: { live: true, fedramp: "object" },
  },
  {
    // Inquiries are partner-private: program staff see them (Forbidden), integration managers do not (NotFound).
    field: "Mutation.answerInquiry", name: "the partner answers its inquiry",
    doc: `mutation($i: ID!) { r: answerInquiry(inquiryId: $i, response: "Yes, both ways.") ${R} }`,
    vars: (f) => ({ i: f.nw.inquiry }), unknown: () => ({ i: NIL }),
  },
  {
    field: "Mutation.answerInquiry", name: "an inquiry through a FedRAMP listing is missing to the uncleared",
    doc: `mutation($i: ID!) { r: answerInquiry(inquiryId: $i, response: "Yes, authorized.") ${R} }`,
    vars: (f) => ({ i: f.nw.fedInquiry }), unknown: () => ({ i: NIL }), object: { fedramp: "object" },
  },
  {
    field: "Mutation.sendLead", name: "the partner sends a lead",
    doc: `mutation($p: ID!) { r: sendLead(partnerId: $p, company: "Acme", contactName: "Al", contactEmail: "al@acme.example", details: "40 projects") ${R} }`,
    vars: (f) => ({ p: gid("Partner", f.nw.partner) }), unknown: () => ({ p: gid("Partner", NIL) }),
  },
  {
    field: "Mutation.triageLead", name: "program staff triage leads (missing to integration managers)",
    doc: `mutation($l: ID!) { r: triageLead(leadId: $l, status: WON, note: "signed") ${R} }`, vars: (f) => ({ l: f.nw.lead }), unknown: () => ({ l: NIL }),
  },
  {
    field: "Mutation.inviteMember", name: "an admin invites members",
    doc: `mutation($p: ID!, $e: String!) { r: inviteMember(partnerId: $p, name: "New Person", email: $e, role: MEMBER) ${R} }`,
    vars: (f, role) => ({ p: gid("Partner", f.nw.partner), e: `new-${roleTag(role)}@northwind.example` }),
    unknown: (_f, role) => ({ p: gid("Partner", NIL), e: `new-${role}@nowhere.example` }),
  },
  {
    field: "Mutation.removeMember", name: "an admin removes members",
    doc: `mutation($m: ID!) { r: removeMember(memberId: $m) ${R} }`,
    vars: (f, role) => ({ m: gid("PartnerMember", f.nw.removable[role]) }), unknown: () => ({ m: gid("PartnerMember", NIL) }),
  },
  {
    field: "Mutation.signAgreement", name: "an admin signs",
    doc: `mutation($p: ID!, $k: AgreementKind!, $v: Int!, $s: String!) { r: signAgreement(partnerId: $p, kind: $k, version: $v, bodySha256: $s) ${R} }`,
    vars: (f) => ({ p: gid("Partner", f.nw.partner), k: f.agreement.kind, v: f.agreement.version, s: f.agreement.bodySha256 }),
    unknown: (f) => ({ p: gid("Partner", NIL), k: f.agreement.kind, v: f.agreement.version, s: f.agreement.bodySha256 }),
  },
  {
    field: "Mutation.createApiToken", name: "an admin creates the partner's API tokens",
    doc: `mutation($p: ID!) { r: createApiToken(partnerId: $p, name: "CI", expiresInDays: 30) ${R} }`,
    vars: (f) => ({ p: gid("Partner", f.nw.partner) }), unknown: () => ({ p: gid("Partner", NIL) }),
  },
  {
    field: "Mutation.revokeApiToken", name: "an admin revokes the partner's API tokens",
    doc: `mutation($id: ID!) { r: revokeApiToken(apiTokenId: $id) ${R} }`,
    vars: (f) => ({ id: f.nw.apiToken }), unknown: () => ({ id: NIL }),
  },
  {
    field: "Mutation.publishAgreement", name: "program staff publish agreements",
    doc: `mutation { r: publishAgreement(kind: TECHNOLOGY_ADDENDUM, title: "Technology Partner Addendum", body: "v2 text") ${R} }`,
  },
  {
    field: "Mutation.delistListing", name: "the partner or program staff delist a Commercial listing",
    doc: `mutation($l: ID!) { r: delistListing(listingId: $l, reason: "paused") ${R} }`,
    vars: (f) => ({ l: gid("Listing", f.nw.scheduler_listing) }), unknown: () => ({ l: gid("Listing", NIL) }),
    object: { live: true },
  },
  {
    field: "Mutation.delistListing", name: "delisting a FedRAMP listing: missing to the uncleared",
    doc: `mutation($l: ID!) { r: delistListing(listingId: $l, reason: "paused") ${R} }`,
    vars: (f) => ({ l: gid("Listing", f.nw.fedListing) }), unknown: () => ({ l: gid("Listing", NIL) }),
    object: { live: true, fedramp: "object" },
  },
  {
    field: "Mutation.recordUsage", name: "program staff record usage",
    doc: `mutation($rows: [UsageRowInput!]!) { r: recordUsage(rows: $rows) ${R} }`,
    vars: (f) => ({ rows: [{ appId: gid("App", f.nw.insights), month: `${f.year}-01`, activeCustomers: 70, installs: 3, uninstalls: 0, pushCalls: "1000", pullCalls: "900" }] }),
  },
  { field: "Mutation.runLowUsageSweep", name: "program staff run the sweep", doc: `mutation { r: runLowUsageSweep ${R} }` },
  {
    field: "Mutation.runTierAssessment", name: "program staff assess tiers",
    doc: `mutation($y: Int!, $p: ID) { r: runTierAssessment(year: $y, partnerId: $p) ${R} }`, vars: (f) => ({ y: f.year - 1, p: gid("Partner", f.nw.partner) }),
  },
  {
    field: "Mutation.changePartnerTier", name: "program staff change tiers",
    doc: `mutation($p: ID!) { r: changePartnerTier(partnerId: $p, tier: "ELITE") ${R} }`, vars: (f) => ({ p: gid("Partner", f.nw.partner) }),
  },
  {
    field: "Mutation.invitePremier", name: "program staff invite to Premier",
    doc: `mutation($p: ID!) { r: invitePremier(partnerId: $p, grounds: { customerCentricity: "a", strategicAlignment: "b", executiveSponsorship: "c" }) ${R} }`,
    vars: (f) => ({ p: gid("Partner", f.nw.partner) }),
  },
  {
    field: "Mutation.withdrawPremierInvitation", name: "program staff withdraw Premier invitations",
    doc: `mutation($id: ID!) { r: withdrawPremierInvitation(invitationId: $id, reason: "changed") ${R} }`, vars: (f) => ({ id: f.nw.invitation }),
  },
  {
    field: "Mutation.recordLead", name: "program staff record a lead that reached the program outside the API",
    doc: `mutation($p: ID!, $at: DateTime!) { r: recordLead(partnerId: $p, company: "Acme", contactName: "Al", contactEmail: "al@acme.example", details: "by e-mail", receivedAt: $at) ${R} }`,
    vars: (f) => ({ p: gid("Partner", f.nw.partner), at: new Date(Date.now() - 86_400_000).toISOString() }),
  },
  {
    field: "Mutation.recordInquiry", name: "program staff record an inquiry that reached the partner outside the API",
    doc: `mutation($l: ID!, $at: DateTime!) { r: recordInquiry(listingId: $l, senderName: "Jo", senderEmail: "jo@example.com", message: "by phone", receivedAt: $at) ${R} }`,
    vars: (f) => ({ l: gid("Listing", f.nw.commercial), at: new Date(Date.now() - 86_400_000).toISOString() }),
  },
  {
    field: "Mutation.createProgramPolicy", name: "program staff create policies",
    doc: `mutation($y: Int!) { r: createProgramPolicy(input: { year: $y }) ${R} }`, vars: (f) => ({ y: f.year + 1 }),
  },
  {
    field: "Mutation.updateProgramPolicy", name: "program staff change policies",
    doc: `mutation($id: ID!) { r: updateProgramPolicy(policyId: $id, changes: { atRiskNoticeDays: 30 }) ${R} }`, vars: (f) => ({ id: f.policyId }),
  },
];

const RULES: Case[] = [...queries, ...subscriptions, ...mutations];

// ---------------------------------------------------------------------------------------------

let t: TestService;
let w: DemoWorld;
let f: Fixtures;
const tokens = {} as Record<Role, { northwind?: string; cobalt?: string }>;
const clients: Client[] = [];

function tokenFor(role: Role, partner: "northwind" | "cobalt"): string | undefined {
  const entry = tokens[role];
  return partner === "cobalt" ? (entry.cobalt ?? entry.northwind) : entry.northwind;
}

beforeAll(async () => {
  t = await startTestService({
    listen: true,
    env: { EVENT_POLL_MS: "200", RATE_LIMIT_MUTATIONS_PER_MINUTE: "1000000", RATE_LIMIT_INQUIRIES_PER_MINUTE: "1000000" },
  });
  w = await loadDemoWorld(t);
  const prisma = t.service.program.prisma;
  const nw = await prisma.partner.findUniqueOrThrow({ where: { slug: "northwind-analytics" }, include: { apps: true, members: true } });
  const insights = nw.apps.find((a) => a.name === "Northwind Insights")!;
  const scheduler = nw.apps.find((a) => a.name === "Northwind Scheduler")!;
  const listing = (appId: string, marketplace: "COMMERCIAL" | "FEDRAMP") => prisma.listing.findUniqueOrThrow({ where: { appId_marketplace: { appId, marketplace } } });
  const validation = (appId: string, marketplace: "COMMERCIAL" | "FEDRAMP") => prisma.appValidation.findFirstOrThrow({ where: { appId, marketplace } });
  const ivy = await prisma.staffUser.findUniqueOrThrow({ where: { email: "ivy@program.example" } });
  const cobalt = await prisma.partner.findUniqueOrThrow({ where: { slug: "cobalt-estimating" }, include: { apps: true } });
  const brightbeam = await prisma.partner.findUniqueOrThrow({ where: { slug: "brightbeam-labs" }, include: { members: true } });
  const addMember = (partnerId: string, email: string, role: "ADMIN" | "MEMBER" = "MEMBER") =>
    prisma.partnerMember.create({ data: { partnerId, email, name: email.split("@")[0]!, role } });
  const cobaltMember = await addMember(cobalt.id, "crew@cobalt-estimating.example");
  const brightbeamMember = await addMember(brightbeam.id, "dev@brightbeam-labs.example");
  const nora = nw.members.find((m) => m.role === "MEMBER")!;
  const nwAdmin = nw.members.find((m) => m.role === "ADMIN")!;
  const cobaltAdmin = await prisma.partnerMember.findFirstOrThrow({ where: { partnerId: cobalt.id, role: "ADMIN" } });
  const bbAdmin = brightbeam.members.find((m) => m.role === "ADMIN")!;
  // Objects a mutation may use up: one app to retire, one app to list, one member per role to remove.
  const spareApp = await prisma.app.create({ data: { partnerId: nw.id, name: "Matrix Spare", kind: "OTHER", dataFlow: "PUSH" } });
  const retireApp = await prisma.app.create({ data: { partnerId: nw.id, name: "Matrix Retire", kind: "OTHER", dataFlow: "PUSH" } });
  const removable = {} as Record<Role, string>;
  for (const role of ROLES) removable[role] = (await addMember(nw.id, `leaver-${role.toLowerCase()}@northwind-analytics.example`)).id;
  // An open FedRAMP validation, led by Ivy.
  const openFed = await prisma.appValidation.create({
    data: { appId: scheduler.id, marketplace: "FEDRAMP", attempt: 1, status: "IN_PROGRESS", openSlot: "open", requestedById: nwAdmin.id, integrationManagerId: ivy.id, assignedAt: new Date() },
  });
  const tc = await prisma.testCustomer.findFirstOrThrow({ where: { appId: insights.id } });
  const apiToken = await prisma.apiToken.create({ data: { partnerId: nw.id, name: "Matrix", secretHash: "0".repeat(64), createdById: nwAdmin.id } });
  const sam0 = await prisma.staffUser.findUniqueOrThrow({ where: { email: "sam@program.example" } });
  const invitation = await prisma.premierInvitation.create({
    data: { partnerId: nw.id, customerCentricity: "a", strategicAlignment: "b", executiveSponsorship: "c", invitedById: sam0.id, effectiveYear: t.service.program.today().getUTCFullYear() + 1 },
  });
  const lead = await prisma.lead.findFirstOrThrow({ where: { partnerId: nw.id } });
  const inquiry = await prisma.inquiry.findFirstOrThrow({ where: { partnerId: nw.id } });
  const policy = await prisma.programPolicy.findFirstOrThrow({ where: { year: t.service.program.today().getUTCFullYear() }, orderBy: { version: "desc" } });
  const doc = await prisma.agreementDocument.findFirstOrThrow({ where: { kind: "FRAMEWORK_AGREEMENT" }, orderBy: { version: "desc" } });

  f = {
    w,
    nw: {
      partner: nw.id, insights: insights.id, scheduler: scheduler.id, spareApp: spareApp.id, retireApp: retireApp.id,
      commercial: (await listing(insights.id, "COMMERCIAL")).id, fedListing: (await listing(insights.id, "FEDRAMP")).id,
      scheduler_listing: (await listing(scheduler.id, "COMMERCIAL")).id,
      validation: (await validation(insights.id, "COMMERCIAL")).id, fedValidation: (await validation(insights.id, "FEDRAMP")).id, openFedValidation: openFed.id,
      testCustomer: tc.id, lead: lead.id, inquiry: inquiry.id, fedInquiry: "", nora: nora.id, removable, apiToken: apiToken.id, invitation: invitation.id,
    },
    cobalt: {
      partner: cobalt.id, app: cobalt.apps[0]!.id, listing: (await prisma.listing.findFirstOrThrow({ where: { partnerId: cobalt.id } })).id,
      validation: (await prisma.appValidation.findFirstOrThrow({ where: { app: { partnerId: cobalt.id } } })).id, member: cobaltMember.id,
    },
    staff: { ivy: ivy.id },
    policyId: policy.id,
    agreement: { kind: doc.kind, version: doc.version, bodySha256: doc.bodySha256 },
    year: t.service.program.today().getUTCFullYear(),
  };

  const pat = await prisma.staffUser.findUniqueOrThrow({ where: { email: "pat@program.example" } });
  const sam = await prisma.staffUser.findUniqueOrThrow({ where: { email: "sam@program.example" } });
  const partnerToken = (m: { id: string; partnerId: string }, role: "partner-admin" | "partner-member", fedramp = false) =>
    t.token({ sub: m.id, role, partnerId: m.partnerId, ...(fedramp ? { fedramp } : {}) });
  tokens.public = {};
  tokens.other = { northwind: await partnerToken(brightbeamMember, "partner-member") };
  tokens.otherAdmin = { northwind: await partnerToken(bbAdmin, "partner-admin", true) };
  tokens.member = { northwind: await partnerToken(nora, "partner-member"), cobalt: await partnerToken(cobaltMember, "partner-member") };
  tokens.memberFed = { northwind: await partnerToken(nora, "partner-member", true), cobalt: await partnerToken(cobaltMember, "partner-member", true) };
  tokens.admin = { northwind: await partnerToken(nwAdmin, "partner-admin"), cobalt: await partnerToken(cobaltAdmin, "partner-admin") };
  tokens.adminFed = { northwind: await partnerToken(nwAdmin, "partner-admin", true), cobalt: await partnerToken(cobaltAdmin, "partner-admin", true) };
  tokens.manager = { northwind: await t.token({ sub: ivy.id, role: "integration-manager" }) };
  tokens.managerFed = { northwind: await t.token({ sub: ivy.id, role: "integration-manager", fedramp: true }) };
  tokens.staff = { northwind: await t.token({ sub: sam.id, role: "program-staff" }) };
  tokens.staffFed = { northwind: await t.token({ sub: pat.id, role: "program-staff" }) };
  // The partners' own systems: an API token each admin creates, as a client would.
  const apiTokenOf = async (adminToken: string, partnerId: string) => {
    const r = await t.gql(`mutation($p: ID!) { createApiToken(partnerId: $p, name: "Matrix systems") { ... on MutationCreateApiTokenSuccess { data { secret } } } }`,
      { p: gid("Partner", partnerId) }, adminToken);
    return r.data.createApiToken.data.secret as string;
  };
  tokens.apiToken = { northwind: await apiTokenOf(tokens.admin.northwind!, nw.id), cobalt: await apiTokenOf(tokens.admin.cobalt!, cobalt.id) };
  // An inquiry sent through the FedRAMP listing, by a cleared visitor.
  const sent = await t.gql(`mutation($l: ID!) { sendInquiry(listingId: $l, senderName: "Gov Buyer", senderEmail: "buyer@agency.example", message: "Is it FedRAMP authorized?") { __typename } }`,
    { l: gid("Listing", f.nw.fedListing) }, tokens.staffFed.northwind);
  expect(sent.data.sendInquiry.__typename).toBe("MutationSendInquirySuccess");
  f.nw.fedInquiry = (await prisma.inquiry.findFirstOrThrow({ where: { listingId: f.nw.fedListing } })).id;
});

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await t?.close();
});

// scope-auth's refusal: "Not authorized", with the FORBIDDEN code a client can branch on.
const isAuthError = (r: GqlResult) => !!r.errors?.length && r.errors.every((e) => /not authorized/i.test(e.message) && e.extensions?.code === "FORBIDDEN");

/** What a role observed, in the matrix's words. */
function observe(c: Case, r: GqlResult): Outcome | string {
  if (r.status >= 500) return `HTTP ${r.status}`;
  if (isAuthError(r)) return "auth";
  if (r.errors?.length) return `errors: ${JSON.stringify(r.errors)}`;
  if (c.field.startsWith("Mutation.")) {
    const typename: string = r.data.r.__typename;
    if (typename === "Forbidden") return "forbidden";
    if (typename === "NotFound") return "notFound";
    return "ok";
  }
  return c.seen!(r.data, f) ? "ok" : "hidden";
}

/** Subscribe over graphql-ws; accepted means an event arrives (history is replayed from position 0). */
async function observeSubscription(c: Case, role: Role, vars: Record<string, unknown>): Promise<{ outcome: Outcome | string; detail: unknown }> {
  const client = wsClient(t.port!, tokenFor(role, c.partner ?? "northwind"));
  clients.push(client);
  const sub = collect(client, c.doc, vars);
  const first = await Promise.race([
    sub.waitFor(1, 5000).then(() => "event" as const, () => "failed" as const),
    sub.ended.then(() => "ended" as const),
  ]);
  await sub.dispose();
  if (first === "event") return { outcome: "ok", detail: null };
  const errs = sub.errors.flat() as { message?: string; extensions?: { code?: string } }[];
  const detail = errs.map((e) => ({ message: e.message, code: e.extensions?.code }));
  if (errs.length && errs.every((e) => /not authorized/i.test(e.message ?? "") && e.extensions?.code === "FORBIDDEN")) return { outcome: "auth", detail };
  if (errs.length && errs.every((e) => e.extensions?.code === "FORBIDDEN")) return { outcome: "forbidden", detail };
  return { outcome: `no event and ${JSON.stringify(errs)}`, detail };
}

describe("every field has an authorization rule", () => {
  it("Query, Mutation and Subscription fields are all in the rule table (a new field without a rule fails here)", () => {
    const fields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
      .filter((ty): ty is GraphQLObjectType => !!ty)
      .flatMap((ty) => Object.keys(ty.getFields()).map((name) => `${ty.name}.${name}`));
    const ruled = new Set(RULES.map((c) => c.field));
    const missing = fields.filter((name) => !ruled.has(name));
    expect(missing, `new field without an authorization rule: ${missing.join(", ")}`).toEqual([]);
    const stale = [...ruled].filter((name) => !fields.includes(name));
    expect(stale, `rules for fields that no longer exist: ${stale.join(", ")}`).toEqual([]);
  });

  it("every mutation declares who may make it: scope-auth authScopes, or its use case's access (access.ts)", () => {
    const undeclared = Object.values(schema.getMutationType()!.getFields())
      .filter((field) => !declaredScopes(`Mutation.${field.name}`) && !field.extensions?.access)
      .map((field) => field.name);
    expect(undeclared).toEqual([]);
    // Each case's expectation can be worked out (a declaration the matrix cannot read fails here, not in a role's run).
    for (const c of RULES) expect(() => expectationOf(c), `${c.field} (${c.name})`).not.toThrow();
  });

  it("each role's token is read as that role, with or without FedRAMP clearance", async () => {
    const expected: Record<Role, [string, boolean]> = {
      public: ["PUBLIC", false], other: ["PARTNER_MEMBER", false], otherAdmin: ["PARTNER_ADMIN", true], member: ["PARTNER_MEMBER", false],
      memberFed: ["PARTNER_MEMBER", true], admin: ["PARTNER_ADMIN", false], adminFed: ["PARTNER_ADMIN", true], apiToken: ["PARTNER_MEMBER", false], manager: ["INTEGRATION_MANAGER", false],
      managerFed: ["INTEGRATION_MANAGER", true], staff: ["PROGRAM_STAFF", false], staffFed: ["PROGRAM_STAFF", true],
    };
    for (const role of ROLES) {
      const r = await t.gql(`{ viewer { role fedrampCleared } }`, {}, tokenFor(role, "northwind"));
      expect([r.data.viewer.role, r.data.viewer.fedrampCleared], role).toEqual(expected[role]);
    }
  });
});

/** The last event's position: a refused mutation appends none (R-ERR-1, R-EVT-1). */
const lastEvent = async () =>
  (await t.service.program.prisma.event.findFirst({ orderBy: { position: "desc" }, select: { position: true } }))?.position ?? 0n;

/**
 * R-LIST-6: what names or describes the FedRAMP objects (the listing, its content, validations and
 * inquiry): none of it may reach a viewer without clearance, in any answer or refusal.
 */
function fedrampMarkers(): string[] {
  const ids = [f.nw.fedListing, f.nw.fedValidation, f.nw.openFedValidation, f.nw.fedInquiry].filter(Boolean);
  return [...ids, gid("Listing", f.nw.fedListing), gid("AppValidation", f.nw.fedValidation), gid("AppValidation", f.nw.openFedValidation), "Northwind Insights Gov", "FEDRAMP listing", "FedRAMP listing"];
}

/** The markers an answer to an uncleared viewer holds that its own request did not bring. */
function leaks(role: Role, variables: Record<string, unknown>, r: GqlResult): string[] {
  if (CLEARED.includes(role)) return [];
  const asked = JSON.stringify(variables);
  const answer = JSON.stringify({ data: r.data, errors: r.errors });
  return fedrampMarkers().filter((m) => answer.includes(m) && !asked.includes(m));
}

async function runHttpCase(c: Case) {
  const problems: string[] = [];
  const mutation = c.field.startsWith("Mutation.");
  for (const role of ROLES) {
    const token = tokenFor(role, c.partner ?? "northwind");
    const before = mutation ? await lastEvent() : 0n;
    const variables = c.vars?.(f, role) ?? {};
    const r = await t.gql(c.doc, variables, token);
    const leaked = leaks(role, variables, r);
    if (leaked.length) problems.push(`${role}: the answer shows what it may not see (${leaked.join(", ")}): ${JSON.stringify(r.data ?? r.errors)}`);
    const seen = observe(c, r);
    const want = expectationOf(c)[role];
    if (seen !== want) {
      problems.push(`${role}: expected ${want}, got ${seen}${seen === "ok" || seen === "hidden" ? "" : ` ${JSON.stringify(r.data ?? r.errors)}`}`);
      continue;
    }
    if ((want === "hidden" || want === "notFound") && c.unknown) {
      const missing = await t.gql(c.doc, c.unknown(f, role), token);
      const strip = (x: GqlResult) => JSON.stringify({ status: x.status, data: x.data, errors: x.errors });
      if (strip(missing) !== strip(r)) problems.push(`${role}: refused answer differs from an unknown id's: ${strip(r)} vs ${strip(missing)}`);
    }
    if (mutation && want !== "ok" && (await lastEvent()) !== before) problems.push(`${role}: refused (${want}), yet an event was appended`);
  }
  expect(problems, `${c.field} (${c.name})`).toEqual([]);
}

describe("queries as every role", () => {
  for (const c of queries) it(`${c.field}: ${c.name}`, () => runHttpCase(c));
});

describe("subscriptions as every role (graphql-ws, refused at subscribe time)", () => {
  for (const c of subscriptions) {
    it(`${c.field}: ${c.name}`, async () => {
      const problems: string[] = [];
      await Promise.all(ROLES.map(async (role) => {
        const { outcome, detail } = await observeSubscription(c, role, c.vars?.(f, role) ?? {});
        const want = expectationOf(c)[role];
        if (outcome !== want) return problems.push(`${role}: expected ${want}, got ${outcome}`);
        if (want === "forbidden" && c.unknown) {
          const missing = await observeSubscription(c, role, c.unknown(f, role));
          if (JSON.stringify(missing.detail) !== JSON.stringify(detail)) problems.push(`${role}: refusal differs from an unknown id's: ${JSON.stringify(detail)} vs ${JSON.stringify(missing.detail)}`);
        }
        return undefined;
      }));
      expect(problems, `${c.field} (${c.name})`).toEqual([]);
    });
  }
});

describe("mutations as every role", () => {
  for (const c of mutations) it(`${c.field}: ${c.name}`, () => runHttpCase(c));
});

describe("what objects hold about the FedRAMP marketplace follows the root fields' rules", () => {
  it("R-LIST-6: Partner.events and App.events show the FedRAMP listing's events only with clearance", async () => {
    const q = `query($p: ID!, $a: ID!) {
      partner(id: $p) { events(first: 100) { edges { node { marketplace } } } }
      app: node(id: $a) { ... on App { events(first: 100) { edges { node { marketplace } } } } } }`;
    const vars = { p: gid("Partner", f.nw.partner), a: gid("App", f.nw.insights) };
    const marketplaces = async (role: Role) => {
      const r = await t.gql(q, vars, tokenFor(role, "northwind"));
      expect(r.errors, role).toBeUndefined();
      return [...edges(r.data.partner.events), ...edges(r.data.app.events)].map((e) => e.marketplace);
    };
    for (const role of ["member", "admin", "staff"] as const) expect(await marketplaces(role), role).not.toContain("FEDRAMP");
    for (const role of ["memberFed", "adminFed", "staffFed"] as const) expect(await marketplaces(role), role).toContain("FEDRAMP");
  });

  it("R-LIST-6: Partner.inquiries shows those sent through the FedRAMP listing (and so the listing) only with clearance", async () => {
    await t.service.program.prisma.inquiry.create({
      data: { listingId: f.nw.fedListing, partnerId: f.nw.partner, senderName: "Gov Buyer", senderEmail: "buyer@agency.example", message: "Authorized?" },
    });
    const q = `query($p: ID!) { partner(id: $p) { inquiries(first: 100) { edges { node { listing { marketplace } } } } } }`;
    const marketplaces = async (role: Role) => {
      const r = await t.gql(q, { p: gid("Partner", f.nw.partner) }, tokenFor(role, "northwind"));
      expect(r.errors, role).toBeUndefined();
      return edges(r.data.partner.inquiries).map((i) => i.listing.marketplace);
    };
    for (const role of ["member", "admin", "staff"] as const) expect(await marketplaces(role), role).toEqual(expect.not.arrayContaining(["FEDRAMP"]));
    for (const role of ["memberFed", "adminFed", "staffFed"] as const) expect(await marketplaces(role), role).toContain("FEDRAMP");
    expect(await marketplaces("admin")).toContain("COMMERCIAL");
  });
});

describe("an integration manager's history of a partner is App Validation's work only (visibility.ts)", () => {
  const work = ["App", "AppValidation", "Listing"];
  const notFedramp = { OR: [{ marketplace: null }, { marketplace: "COMMERCIAL" as const }] };

  it("Partner.events: no lead, inquiry, member, token, agreement or tier events for integration managers", async () => {
    const q = `query($p: ID!) { partner(id: $p) { events(first: 100) { edges { node { type subjectType } } } } }`;
    for (const role of MANAGERS) {
      const r = await t.gql(q, { p: gid("Partner", f.nw.partner) }, tokenFor(role, "northwind"));
      expect(r.errors, role).toBeUndefined();
      const events = edges(r.data.partner.events);
      expect(events.length, role).toBeGreaterThan(0);
      expect(events.filter((e) => !work.includes(e.subjectType)), role).toEqual([]);
    }
  });

  it("partnerEvents replays App Validation's events to an integration manager, and everything to program staff", async () => {
    const prisma = t.service.program.prisma;
    const doc = `subscription($p: ID!) { partnerEvents(partnerId: $p, after: "0") { type subjectType } }`;
    const replay = async (role: Role, count: number) => {
      const client = wsClient(t.port!, tokenFor(role, "northwind"));
      clients.push(client);
      const sub = collect(client, doc, { p: gid("Partner", f.nw.partner) }, (d) => d.partnerEvents as { type: string; subjectType: string });
      await sub.waitFor(count, 10_000);
      await sleep(300);
      await sub.dispose();
      return sub.received;
    };
    const managers = await prisma.event.count({ where: { partnerId: f.nw.partner, subjectType: { in: work }, ...notFedramp } });
    const manager = await replay("manager", managers);
    expect(manager).toHaveLength(managers);
    expect(manager.filter((e) => !work.includes(e.subjectType))).toEqual([]);
    const everything = await prisma.event.count({ where: { partnerId: f.nw.partner, ...notFedramp } });
    const staff = await replay("staff", everything);
    expect(staff.map((e) => e.type)).toEqual(expect.arrayContaining(["lead.sent", "inquiry.received", "member.invited"]));
  });
});
