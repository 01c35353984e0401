// Demo data plus tokens for each kind of viewer, for tests that read or act on it.
import type { TestService } from "./harness.js";
import { seedDemoData } from "../../src/seed/demo.js";

export interface DemoWorld {
  partners: Record<"brightbeam" | "cobalt" | "northwind" | "dormant", { id: string; adminToken: string; memberToken: string | null }>;
  staffToken: string;
  staffFedrampToken: string;
  managerToken: string;
  ids: { staffId: string; managerId: string };
}

export async function loadDemoWorld(t: TestService): Promise<DemoWorld> {
  await seedDemoData(t.service.program);
  const prisma = t.service.program.prisma;
  const bySlug = async (slug: string) => {
    const p = await prisma.partner.findUniqueOrThrow({ where: { slug }, include: { members: { orderBy: { joinedAt: "asc" } } } });
    const admin = p.members.find((m) => m.role === "ADMIN")!;
    const member = p.members.find((m) => m.role === "MEMBER");
    return {
      id: p.id,
      adminToken: await t.token({ sub: admin.id, role: "partner-admin", partnerId: p.id }),
      memberToken: member ? await t.token({ sub: member.id, role: "partner-member", partnerId: p.id }) : null,
    };
  };
  const pat = await prisma.staffUser.findUniqueOrThrow({ where: { email: "pat@program.example" } });
  const sam = await prisma.staffUser.findUniqueOrThrow({ where: { email: "sam@program.example" } });
  const ivy = await prisma.staffUser.findUniqueOrThrow({ where: { email: "ivy@program.example" } });
  return {
    partners: {
      brightbeam: await bySlug("brightbeam-labs"),
      cobalt: await bySlug("cobalt-estimating"),
      northwind: await bySlug("northwind-analytics"),
      dormant: await bySlug("dormant-docs"),
    },
    staffToken: await t.token({ sub: sam.id, role: "program-staff" }),
    staffFedrampToken: await t.token({ sub: pat.id, role: "program-staff" }),
    managerToken: await t.token({ sub: ivy.id, role: "integration-manager" }),
    ids: { staffId: sam.id, managerId: ivy.id },
  };
}

export const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");

let signedUp = 0;

/** A new partner signed up through the API (R-PART-1), nothing signed yet: its global id, its admin's token and what sign-up answered. */
export async function signedUpPartner(t: TestService, name?: string): Promise<{ id: string; adminToken: string; partner: { id: string; name: string; slug: string; tier: string } }> {
  const n = ++signedUp;
  const r = await t.gql(`mutation($name: String!, $email: String!) { signUpPartner(input: { name: $name, adminName: "Ada Admin", adminEmail: $email }) {
    ... on MutationSignUpPartnerSuccess { data { adminToken partner { id name slug tier } } } } }`, { name: name ?? `Fixture Partner ${n}`, email: `admin-${n}-${Date.now()}@fixture.example` });
  const d = r.data?.signUpPartner?.data as { adminToken: string; partner: { id: string; name: string; slug: string; tier: string } } | undefined;
  if (!d) throw new Error(`sign-up: ${JSON.stringify(r)}`);
  return { id: d.partner.id, adminToken: d.adminToken, partner: d.partner };
}

/**
 * A new partner through the API: signed up, the current agreements signed as published (in the
 * program, R-PART-2). Its global id and its admin's token; for tests that change a partner's state
 * and must not share one with other tests.
 */
export async function partnerInProgram(t: TestService, name?: string): Promise<{ id: string; adminToken: string }> {
  const { id, adminToken } = await signedUpPartner(t, name);
  const docs = (await t.gql(`{ currentAgreements { kind version bodySha256 } }`)).data.currentAgreements as { kind: string; version: number; bodySha256: string }[];
  for (const doc of docs) {
    const s = await t.gql(`mutation($p: ID!, $v: Int!, $h: String!) { signAgreement(partnerId: $p, kind: ${doc.kind}, version: $v, bodySha256: $h) { __typename } }`, { p: id, v: doc.version, h: doc.bodySha256 }, adminToken);
    if (s.data?.signAgreement?.__typename !== "MutationSignAgreementSuccess") throw new Error(`signing ${doc.kind}: ${JSON.stringify(s)}`);
  }
  return { id, adminToken };
}
