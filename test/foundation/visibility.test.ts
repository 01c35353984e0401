import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";
import { globalId, loadDemoWorld, type DemoWorld } from "../support/world.js";

let t: TestService;
let w: DemoWorld;
beforeAll(async () => {
  t = await startTestService();
  w = await loadDemoWorld(t);
});
afterAll(() => t?.close());

const partnersQuery = `{ partners(first: 50) { edges { node { name } } } }`;
const names = (r: { data?: any }) => r.data.partners.edges.map((e: any) => e.node.name).sort();

describe("who sees what", () => {
  it("the public sees only live Commercial listings and the partners behind them", async () => {
    const r = await t.gql(`{ listings(first: 50) { edges { node { state marketplace content { name } } } } fed: listings(marketplace: FEDRAMP, first: 50) { edges { node { id } } } }`);
    const nodes = r.data.listings.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.content.name).sort()).toEqual(["Northwind Insights", "Northwind Scheduler"]);
    expect(nodes.every((n: any) => n.marketplace === "COMMERCIAL" && n.state === "LIVE")).toBe(true);
    expect(r.data.fed.edges).toEqual([]);
    expect(names(await t.gql(partnersQuery))).toEqual(["Northwind Analytics"]);
  });

  it("R-LIST-6: FedRAMP listings only with clearance, for staff as for anyone", async () => {
    const q = `{ listings(marketplace: FEDRAMP, first: 10) { edges { node { content { name } } } } }`;
    expect((await t.gql(q, {}, w.staffToken)).data.listings.edges).toEqual([]);
    const cleared = await t.gql(q, {}, w.staffFedrampToken);
    expect(cleared.data.listings.edges.map((e: any) => e.node.content.name)).toEqual(["Northwind Insights Gov"]);
  });

  it("staff see every partner; a partner sees itself (and the public storefront) only", async () => {
    expect(names(await t.gql(partnersQuery, {}, w.staffToken))).toEqual(["Brightbeam Labs", "Cobalt Estimating", "Dormant Docs", "Northwind Analytics"]);
    expect(names(await t.gql(partnersQuery, {}, w.partners.cobalt.adminToken))).toEqual(["Cobalt Estimating", "Northwind Analytics"]);
  });

  it("another partner's private data reads as missing, not forbidden", async () => {
    const q = `query($id: ID!) { node(id: $id) { id } partner(id: $id) { name } }`;
    const cobaltId = globalId("Partner", w.partners.cobalt.id);
    const asNorthwind = await t.gql(q, { id: cobaltId }, w.partners.northwind.adminToken);
    expect(asNorthwind.errors).toBeUndefined();
    expect(asNorthwind.data).toEqual({ node: null, partner: null });
    const unknown = await t.gql(q, { id: globalId("Partner", "00000000-0000-0000-0000-000000000001") }, w.partners.northwind.adminToken);
    expect(unknown.data).toEqual(asNorthwind.data);
    const asOwner = await t.gql(q, { id: cobaltId }, w.partners.cobalt.memberToken ?? w.partners.cobalt.adminToken);
    expect(asOwner.data.partner).toEqual({ name: "Cobalt Estimating" });
  });

  it("a partner's apps, validations and usage are visible to it and to staff, not to other partners", async () => {
    const q = `{ apps(first: 20) { edges { node { name validations { status } usage(months: 3) { activeCustomers } } } } }`;
    const own = await t.gql(q, {}, w.partners.northwind.adminToken);
    expect(own.data.apps.edges.map((e: any) => e.node.name).sort()).toEqual(["Northwind Insights", "Northwind Scheduler"]);
    expect(own.data.apps.edges[0].node.usage).toHaveLength(3);
    const staff = await t.gql(q, {}, w.staffToken);
    expect(staff.data.apps.edges).toHaveLength(4);
    const pub = await t.gql(q);
    expect(pub.errors?.[0]?.message).toMatch(/not authorized/i);
  });

  it("viewer tells each caller who the server thinks they are", async () => {
    const q = `{ viewer { role fedrampCleared partner { name } staffUser { name } } }`;
    expect((await t.gql(q)).data.viewer).toEqual({ role: "PUBLIC", fedrampCleared: false, partner: null, staffUser: null });
    expect((await t.gql(q, {}, w.partners.northwind.memberToken!)).data.viewer).toMatchObject({ role: "PARTNER_MEMBER", partner: { name: "Northwind Analytics" } });
    expect((await t.gql(q, {}, w.staffFedrampToken)).data.viewer).toMatchObject({ role: "PROGRAM_STAFF", fedrampCleared: true, staffUser: { name: "Pat Program" } });
    expect((await t.gql(q, {}, w.managerToken)).data.viewer.role).toBe("INTEGRATION_MANAGER");
  });

  it("a bad, expired or forged token is refused with 401, never treated as public", async () => {
    const expired = await t.token({ sub: w.ids.staffId, role: "program-staff" }, "-1s");
    for (const token of ["not-a-jwt", expired, w.staffToken.slice(0, -3) + "abc"]) {
      const r = await t.gql(`{ viewer { role } }`, {}, token);
      expect(r.status).toBe(401);
      expect(r.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
  });

  it("a removed member's token stops working", async () => {
    const prisma = t.service.program.prisma;
    const member = await prisma.partnerMember.findFirstOrThrow({ where: { partnerId: w.partners.northwind.id, role: "MEMBER" } });
    const token = await t.token({ sub: member.id, role: "partner-member", partnerId: w.partners.northwind.id });
    expect((await t.gql(`{ viewer { role } }`, {}, token)).status).toBe(200);
    await prisma.partnerMember.update({ where: { id: member.id }, data: { removedAt: new Date() } });
    expect((await t.gql(`{ viewer { role } }`, {}, token)).status).toBe(401);
    await prisma.partnerMember.update({ where: { id: member.id }, data: { removedAt: null } });
  });

  it("malformed ids answer not found, not a server error", async () => {
    const r = await t.gql(`{ node(id: "bm90LWEtdXVpZA==") { id } a: node(id: "UGFydG5lcjpub3QtYS11dWlk") { id } }`, {}, w.staffToken);
    expect(r.status).toBe(200);
    expect(r.data).toEqual({ node: null, a: null });
  });
});
