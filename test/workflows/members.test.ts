// Partner members: the admin invites and removes them; a removed member's token stops working;
// the last admin cannot be removed (someone must be able to sign agreements).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";
import { globalId as gid, loadDemoWorld, type DemoWorld } from "../support/world.js";
import { expectRefusal, mutate, ok } from "../support/mutate.js";

let t: TestService;
let w: DemoWorld;
beforeAll(async () => {
  t = await startTestService();
  w = await loadDemoWorld(t);
});
afterAll(() => t?.close());

describe("partner members", () => {
  it("R-PART-2: the admin invites a member, who can act for the partner until removed", async () => {
    const nw = w.partners.northwind;
    const p = gid("Partner", nw.id);
    const invited = ok(await mutate(t, nw.adminToken, `inviteMember(partnerId: "${p}", name: "Max Member", email: "max@northwind.example", role: MEMBER)`, "{ id role email }"));
    expect(invited).toMatchObject({ role: "MEMBER", email: "max@northwind.example" });
    expect((await mutate(t, nw.memberToken!, `inviteMember(partnerId: "${p}", name: "X", email: "x@northwind.example", role: ADMIN)`, "{ id }")).error!.__typename).toBe("Forbidden");
    expect((await mutate(t, nw.adminToken, `inviteMember(partnerId: "${p}", name: "Dup", email: "max@northwind.example", role: MEMBER)`, "{ id }")).error!.__typename).toBe("Conflict");
    const memberId = Buffer.from(invited.id, "base64").toString().split(":")[1]!;
    const token = await t.token({ sub: memberId, role: "partner-member", partnerId: nw.id });
    expect((await t.gql(`{ viewer { role } }`, {}, token)).data.viewer.role).toBe("PARTNER_MEMBER");
    const removed = await t.gql(`mutation { removeMember(memberId: "${invited.id}") { __typename } }`, {}, nw.adminToken);
    expect(removed.data.removeMember.__typename).toBe("MutationRemoveMemberSuccess");
    expect((await t.gql(`{ viewer { role } }`, {}, token)).status).toBe(401);
    const events = await t.service.program.prisma.event.findMany({ where: { partnerId: nw.id, type: { in: ["member.invited", "member.removed"] } }, orderBy: { position: "asc" } });
    expect(events.map((e) => e.type).slice(-2)).toEqual(["member.invited", "member.removed"]);
  });

  it("R-PART-2: the last admin of a partner cannot be removed", async () => {
    const cobalt = w.partners.cobalt;
    const admin = await t.service.program.prisma.partnerMember.findFirstOrThrow({ where: { partnerId: cobalt.id, role: "ADMIN" } });
    const r = await mutate(t, cobalt.adminToken, `removeMember(memberId: "${gid("PartnerMember", admin.id)}")`, "");
    expectRefusal(r, "R-PART-2");
  });
});
