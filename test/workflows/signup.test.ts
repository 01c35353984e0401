// R-PART-1 / R-ERR-1: a successful sign-up always returns its admin's token, whatever else the caller
// selected, and a retry with the same Idempotency-Key returns that first answer, not a conflict.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../support/harness.js";

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(() => t?.close());

const SIGN_UP = `mutation($input: SignUpPartnerInput!) { signUpPartner(input: $input) {
  __typename ... on MutationSignUpPartnerSuccess { data { adminToken partner { name agreementStanding { inProgram } } } } ... on Error { message } } }`;

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await t.service.yoga.fetch("http://test/graphql", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: res.status, replayed: res.headers.get("idempotent-replayed"), body: (await res.json()) as any };
}

describe("R-PART-1: sign-up keeps its token", () => {
  it("R-PART-1: a public sign-up that also selects a private field of the partner still answers the admin's token; a retry with its key gets the same answer", async () => {
    const input = { name: "Keepsake Apps", adminName: "Kim", adminEmail: "kim@keepsake.example" };
    const key = crypto.randomUUID();
    const first = await post({ query: SIGN_UP, variables: { input } }, { "idempotency-key": key });
    expect(first.status).toBe(200);
    const data = first.body.data.signUpPartner;
    expect(data.__typename).toBe("MutationSignUpPartnerSuccess");
    expect(data.data.adminToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    // The private field is refused to the public caller: only `partner` is nulled, and the error says where.
    expect(data.data.partner).toBeNull();
    expect(first.body.errors).toEqual([expect.objectContaining({ path: ["signUpPartner", "data", "partner", "agreementStanding"], extensions: expect.objectContaining({ code: "FORBIDDEN" }) })]);

    const retry = await post({ query: SIGN_UP, variables: { input } }, { "idempotency-key": key });
    expect(retry.replayed).toBe("true");
    expect(retry.body.data).toEqual(first.body.data);
    expect(await t.service.program.prisma.partner.count({ where: { slug: "keepsake-apps" } })).toBe(1);

    // The token acts as the new admin, who reads what the public could not.
    const asAdmin = await t.gql(`{ viewer { role partner { name agreementStanding { inProgram } } } }`, {}, data.data.adminToken);
    expect(asAdmin.data.viewer).toEqual({ role: "PARTNER_ADMIN", partner: { name: "Keepsake Apps", agreementStanding: { inProgram: false } } });
  });
});
