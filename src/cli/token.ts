// npm run token -- --role program-staff|integration-manager [--email E] [--fedramp] [--ttl 12h]
// npm run token -- --partner <id|slug> [--admin] [--email E] [--fedramp] [--ttl 12h]
// Prints a bearer token for an existing staff user or partner member.
import { createTokenService, resolveAuthSecret, type TokenClaims } from "../auth/tokens.js";
import { openAdminClient } from "./admin-client.js";
import { fatal, parseArgs } from "./common.js";

const usage = "usage: npm run token -- --role program-staff|integration-manager [--email E] [--fedramp]\n" +
  "       npm run token -- --partner <id|slug> [--admin] [--email E] [--fedramp]";
const { flags } = parseArgs(process.argv.slice(2));
const rawId = (globalId: string) => Buffer.from(globalId, "base64").toString("utf8").split(":").slice(1).join(":");

interface Staff { id: string; role: string; email: string; fedrampCleared: boolean }
interface Member { id: string; role: "ADMIN" | "MEMBER"; email: string }
interface PartnerLookup { partner: null | { id: string; name: string; members: { edges: { node: Member }[] } } }

async function claimsFor(client: Awaited<ReturnType<typeof openAdminClient>>): Promise<TokenClaims> {
  const fedramp = flags.fedramp === true;
  const email = typeof flags.email === "string" ? flags.email : undefined;
  if (typeof flags.partner === "string") {
    const ref = flags.partner;
    const byId = /^[A-Za-z0-9+/=]{20,}$/.test(ref) && rawId(ref) !== "";
    const data = await client.graphql<PartnerLookup>(
      `query($id: ID, $slug: String) { partner(id: $id, slug: $slug) { id name members(first: 100) { edges { node { id role email } } } } }`,
      byId ? { id: ref } : { slug: ref },
    );
    if (!data.partner) throw new Error(`no partner with id or slug "${ref}"`);
    const members = data.partner.members.edges.map((e) => e.node);
    const wantAdmin = flags.admin === true;
    const member = members.find((m) => (email ? m.email === email : wantAdmin ? m.role === "ADMIN" : m.role === "MEMBER"))
      ?? (!wantAdmin && !email ? members[0] : undefined);
    if (!member) throw new Error(`partner "${data.partner.name}" has no ${email ?? (wantAdmin ? "admin" : "member")}`);
    return {
      sub: rawId(member.id),
      role: wantAdmin && member.role === "ADMIN" ? "partner-admin" : "partner-member",
      partnerId: rawId(data.partner.id),
      fedramp,
    };
  }
  if (flags.role === "program-staff" || flags.role === "staff" || flags.role === "integration-manager") {
    const role = flags.role === "integration-manager" ? "INTEGRATION_MANAGER" : "PROGRAM_STAFF";
    const { staffUsers } = await client.graphql<{ staffUsers: Staff[] }>(`{ staffUsers { id role email fedrampCleared } }`);
    const candidates = staffUsers.filter((s) => s.role === role && (!email || s.email === email));
    const staff = candidates.find((s) => s.fedrampCleared === fedramp) ?? candidates[0];
    if (!staff) throw new Error(`no ${role} staff user${email ? ` with email ${email}` : ""} (run npm run seed?)`);
    return { sub: rawId(staff.id), role: role === "PROGRAM_STAFF" ? "program-staff" : "integration-manager", fedramp: fedramp || staff.fedrampCleared };
  }
  throw new Error(usage);
}

const client = await openAdminClient();
try {
  const claims = await claimsFor(client);
  const tokens = createTokenService(await resolveAuthSecret(client.config.authSecret, client.config.dataDir));
  console.log(await tokens.sign(claims, typeof flags.ttl === "string" ? flags.ttl : "12h"));
} catch (err) {
  await client.close();
  fatal(err);
}
await client.close();
