// Long-lived API tokens: shown once, stored hashed, revocable, last use recorded; a revoked or
// expired token is refused on HTTP and loses its WebSocket subscriptions.
import { createHash } from "node:crypto";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";
import { globalId as gid, loadDemoWorld, type DemoWorld } from "../support/world.js";
import { mutate, ok } from "../support/mutate.js";
import { collect, sleep, wsClient } from "../support/subscriber.js";

let t: TestService;
let w: DemoWorld;
const clients: Client[] = [];
beforeAll(async () => {
  t = await startTestService({ listen: true, env: { WS_REAUTH_MS: "300", EVENT_POLL_MS: "200" } });
  w = await loadDemoWorld(t);
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await t?.close();
});

const partner = () => gid("Partner", w.partners.northwind.id);
async function create(token: string, name: string) {
  return mutate(t, token, `createApiToken(partnerId: "${partner()}", name: "${name}", expiresInDays: 30)`, "{ secret apiToken { id name expiresAt lastUsedAt revokedAt } }");
}

/** Opens a subscription and resolves with the socket's close code when the server closes it. */
function closedWith(token: string): { closed: Promise<number>; client: Client } {
  let resolve!: (code: number) => void;
  const closed = new Promise<number>((r) => (resolve = r));
  const client = wsClient(t.port!, token);
  clients.push(client);
  client.on("closed", (e) => resolve((e as { code: number }).code));
  collect(client, `subscription($p: ID!) { partnerEvents(partnerId: $p) { type } }`, { p: partner() });
  return { closed, client };
}

describe("partner API tokens", () => {
  it("only a partner admin creates one; the secret is shown once and only its hash is stored", async () => {
    const asMember = await create(w.partners.northwind.memberToken!, "ci");
    expect(asMember.error!.__typename).toBe("Forbidden");
    const asOther = await create(w.partners.cobalt.adminToken, "ci");
    expect(asOther.error!.__typename).toBe("NotFound");
    const created = ok(await create(w.partners.northwind.adminToken, "CI pipeline"));
    expect(created.secret).toMatch(/^ppat_[A-Za-z0-9_-]{40,}$/);
    const row = await t.service.program.prisma.apiToken.findFirstOrThrow({ where: { name: "CI pipeline" } });
    expect(row.secretHash).toBe(createHash("sha256").update(created.secret).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(created.secret);
    const listed = await t.gql(`query($id: ID!) { partner(id: $id) { apiTokens { name lastUsedAt } } }`, { id: partner() }, w.partners.northwind.adminToken);
    expect(listed.data.partner.apiTokens).toEqual([{ name: "CI pipeline", lastUsedAt: null }]);
    expect(JSON.stringify(listed)).not.toContain("ppat_");
  });

  it("works as a member of its partner, records its last use, and its changes are attributed to it", async () => {
    const { secret, apiToken } = ok(await create(w.partners.northwind.adminToken, "CRM sync"));
    const viewer = await t.gql(`{ viewer { role partner { name } } }`, {}, secret);
    expect(viewer.data.viewer).toEqual({ role: "PARTNER_MEMBER", partner: { name: "Northwind Analytics" } });
    const lead = ok(await mutate(t, secret, `sendLead(partnerId: "${partner()}", company: "Via API", contactName: "A", contactEmail: "a@a.example", details: "d")`, "{ id }"));
    const event = await t.service.program.prisma.event.findFirstOrThrow({ where: { subjectId: lead.id, type: "lead.sent" } });
    expect(event.actorKind).toBe("API_TOKEN");
    expect(event.actorId).toBe(apiToken.id);
    const row = await t.service.program.prisma.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(row.lastUsedAt).not.toBeNull();
    // It cannot manage tokens itself: that is an admin's job.
    expect((await create(secret, "escalate")).error!.__typename).toBe("Forbidden");
  });

  it("acts for its partner's systems, never as an admin: it cannot manage tokens or members, or sign; nothing changes", async () => {
    const prisma = t.service.program.prisma;
    const { secret } = ok(await create(w.partners.northwind.adminToken, "systems"));
    const other = ok(await create(w.partners.northwind.adminToken, "another"));
    const nw = await prisma.partner.findUniqueOrThrow({ where: { id: w.partners.northwind.id }, include: { members: { where: { removedAt: null } } } });
    const member = nw.members.find((m) => m.role === "MEMBER")!;
    const doc = await prisma.agreementDocument.findFirstOrThrow({ where: { kind: "FRAMEWORK_AGREEMENT" }, orderBy: { version: "desc" } });
    const last = async () => (await prisma.event.findFirst({ orderBy: { position: "desc" }, select: { position: true } }))!.position;
    const before = await last();
    const refusals = [
      await create(secret, "escalate"),
      await mutate(t, secret, `revokeApiToken(apiTokenId: "${other.apiToken.id}")`, "{ id }"),
      await mutate(t, secret, `inviteMember(partnerId: "${partner()}", name: "Mallory", email: "mallory@northwind.example", role: ADMIN)`, "{ id }"),
      await mutate(t, secret, `removeMember(memberId: "${gid("PartnerMember", member.id)}")`, ""),
      await mutate(t, secret, `signAgreement(partnerId: "${partner()}", kind: FRAMEWORK_AGREEMENT, version: ${doc.version}, bodySha256: "${doc.bodySha256}")`, "{ id }"),
    ];
    for (const r of refusals) {
      expect(r.error, JSON.stringify(r)).toMatchObject({ __typename: "Forbidden" });
      expect(r.error!.message).toMatch(/API token/);
    }
    expect(await last()).toBe(before);
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: other.apiToken.id } })).revokedAt).toBeNull();
    expect(await prisma.partnerMember.findFirst({ where: { email: "mallory@northwind.example" } })).toBeNull();
  });

  it("a revoked token is refused on HTTP and its WebSocket subscriptions are closed at once", async () => {
    const { secret, apiToken } = ok(await create(w.partners.northwind.adminToken, "to revoke"));
    const { closed } = closedWith(secret);
    await sleep(500);
    ok(await mutate(t, w.partners.northwind.adminToken, `revokeApiToken(apiTokenId: "${apiToken.id}")`, "{ revokedAt }"));
    expect(await Promise.race([closed, sleep(5000).then(() => -1)])).toBe(4403);
    const r = await t.gql(`{ viewer { role } }`, {}, secret);
    expect(r.status).toBe(401);
  });

  it("an expired token (API token or JWT) is refused and loses its subscriptions", async () => {
    const { secret, apiToken } = ok(await create(w.partners.northwind.adminToken, "short-lived"));
    const api = closedWith(secret);
    const jwt = await t.token({ ...(await t.service.tokens.verify(w.partners.northwind.adminToken)) }, "2s");
    const short = closedWith(jwt);
    await sleep(500);
    await t.service.program.prisma.apiToken.update({ where: { id: apiToken.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await Promise.race([api.closed, sleep(5000).then(() => -1)])).toBe(4403);
    expect(await Promise.race([short.closed, sleep(6000).then(() => -1)])).toBe(4403);
    expect((await t.gql(`{ viewer { role } }`, {}, secret)).status).toBe(401);
    expect((await t.gql(`{ viewer { role } }`, {}, jwt)).status).toBe(401);
  });
});
