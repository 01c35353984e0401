// Partners, members and agreements (R-PART-1..5).
import { createHash } from "node:crypto";
import type { Viewer } from "../auth/viewer.js";
import { checkEmail, checkHttpUrl, checkText, URL_MAX, type FieldError } from "../domain/fields.js";
import { canSignAgreement, entryTierKey, slugify, type AgreementKind } from "../domain/partners.js";
import { actorOf } from "../events/log.js";
import { Conflict, rejectFieldErrors, RuleViolation } from "./refusals.js";
import { publishedAgreements, signatureFacts } from "./facts.js";
import { decide, found, requirePartnerAdmin, requireStaff, requireVisible } from "./guard.js";
import { canSeePartnerPrivate } from "./visibility.js";
import type { Program } from "./program.js";

export interface SignUpInput {
  name: string;
  slug?: string | null;
  website?: string | null;
  adminName: string;
  adminEmail: string;
}

/** A new partner with its first admin, at the policy's entry tier (R-PART-1). */
export async function signUpPartner(program: Program, viewer: Viewer, input: SignUpInput) {
  const problems: FieldError[] = [];
  const name = checkText(problems, "name", input.name, { min: 1, max: 120 }) ?? "";
  const slug = input.slug?.trim() ? input.slug.trim() : slugify(name);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) || slug.length > 80) {
    problems.push({ field: "slug", message: "must be lowercase letters, digits and single dashes, at most 80 characters" });
  }
  const website = checkHttpUrl(problems, "website", input.website, URL_MAX);
  const adminName = checkText(problems, "adminName", input.adminName, { min: 1, max: 120 }) ?? "";
  const adminEmail = (checkEmail(problems, "adminEmail", input.adminEmail, true) ?? "").toLowerCase();
  rejectFieldErrors(problems);
  return program.change(async (tx, record) => {
    if (await tx.partner.findUnique({ where: { slug } })) throw new Conflict(`the slug "${slug}" is taken; choose another`);
    if (await tx.partnerMember.findUnique({ where: { email: adminEmail } })) {
      throw new Conflict(`${adminEmail} already belongs to a partner`);
    }
    const policy = await tx.programPolicy.findFirst({
      where: { year: { lte: program.today().getUTCFullYear() } },
      orderBy: [{ year: "desc" }, { version: "desc" }],
      include: { tiers: { select: { key: true, rank: true } } },
    });
    const tierKey = entryTierKey(policy?.tiers.length ? policy.tiers : undefined);
    const now = program.now();
    const partner = await tx.partner.create({ data: { name, slug, website, tierKey, createdAt: now } });
    const admin = await tx.partnerMember.create({ data: { partnerId: partner.id, email: adminEmail, name: adminName, role: "ADMIN", joinedAt: now } });
    // R-PART-1 / R-TIER-2: the entry tier, held from the year it joined until an assessment sets another.
    await tx.partnerTierYear.create({ data: { partnerId: partner.id, year: now.getUTCFullYear(), tierKey, source: "ENTRY", setAt: now } });
    await record({
      type: "partner.joined", actor: actorOf(viewer), subjectId: partner.id, partnerId: partner.id,
      after: { name, slug, tier: tierKey, admin: adminEmail },
    });
    return { partner, admin };
  });
}

export async function inviteMember(program: Program, viewer: Viewer, input: { partnerId: string; name: string; email: string; role: "ADMIN" | "MEMBER" }) {
  const admin = requirePartnerAdmin(viewer, input.partnerId, "partner");
  const problems: FieldError[] = [];
  const name = checkText(problems, "name", input.name, { min: 1, max: 120 }) ?? "";
  const email = (checkEmail(problems, "email", input.email, true) ?? "").toLowerCase();
  rejectFieldErrors(problems);
  return program.change(async (tx, record) => {
    if (await tx.partnerMember.findUnique({ where: { email } })) throw new Conflict(`${email} already belongs to a partner`);
    const member = await tx.partnerMember.create({ data: { partnerId: input.partnerId, email, name, role: input.role, invitedById: admin.memberId, joinedAt: program.now() } });
    await record({
      type: "member.invited", actor: actorOf(viewer), subjectId: input.partnerId, partnerId: input.partnerId,
      after: { memberId: member.id, email, role: input.role },
    });
    return member;
  });
}

export async function removeMember(program: Program, viewer: Viewer, input: { memberId: string }) {
  return program.change(async (tx, record) => {
    const member = found(await tx.partnerMember.findFirst({ where: { id: input.memberId, removedAt: null } }), "member");
    requireVisible(canSeePartnerPrivate(viewer, member.partnerId), "member");
    requirePartnerAdmin(viewer, member.partnerId, "member");
    if (member.role === "ADMIN") {
      const admins = await tx.partnerMember.count({ where: { partnerId: member.partnerId, role: "ADMIN", removedAt: null } });
      if (admins <= 1) {
        throw new RuleViolation({
          rule: "R-PART-2",
          message: "A partner keeps at least one admin: only an admin signs agreements and manages members.",
          missing: ["another active admin"],
          toSatisfy: "Invite another admin first, then remove this one.",
        });
      }
    }
    const removedAt = program.now();
    const updated = await tx.partnerMember.updateMany({ where: { id: member.id, removedAt: null }, data: { removedAt } });
    if (updated.count !== 1) throw new Conflict("the member was removed by someone else");
    await record({
      type: "member.removed", actor: actorOf(viewer), subjectId: member.partnerId, partnerId: member.partnerId,
      before: { memberId: member.id, email: member.email, role: member.role },
    });
    return { ...member, removedAt };
  });
}

export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** Staff publish a new version of a standard agreement; partners on the older one must re-sign (R-PART-5). */
export async function publishAgreement(program: Program, viewer: Viewer, input: { kind: AgreementKind; title: string; body: string }) {
  requireStaff(viewer);
  const problems: FieldError[] = [];
  const title = checkText(problems, "title", input.title, { min: 1, max: 200 }) ?? "";
  const body = checkText(problems, "body", input.body, { min: 1, max: 200_000 }) ?? "";
  rejectFieldErrors(problems);
  return program.change(async (tx, record) => {
    const latest = await tx.agreementDocument.findFirst({ where: { kind: input.kind }, orderBy: { version: "desc" } });
    const version = (latest?.version ?? 0) + 1;
    const doc = await tx.agreementDocument.create({
      data: { kind: input.kind, version, title, body, bodySha256: sha256(body), publishedById: viewer.kind === "staff" && !viewer.system ? viewer.staffId : null, publishedAt: program.now() },
    });
    await record({
      type: "agreement.published", actor: actorOf(viewer), subjectId: doc.id,
      before: latest ? { version: latest.version } : null, after: { kind: doc.kind, version, bodySha256: doc.bodySha256 },
    });
    return doc;
  });
}

/** A partner admin signs the current version as published; redlines are refused (R-PART-3). */
export async function signAgreement(
  program: Program,
  viewer: Viewer,
  input: { partnerId: string; kind: AgreementKind; version: number; bodySha256: string; proposedChanges?: string | null },
) {
  const admin = requirePartnerAdmin(viewer, input.partnerId, "partner");
  return program.change(async (tx, record) => {
    const [published, signatures] = await Promise.all([publishedAgreements(tx), signatureFacts(tx, input.partnerId)]);
    const outcome = decide(
      canSignAgreement(
        { kind: input.kind, version: input.version, bodySha256: input.bodySha256, proposedChanges: input.proposedChanges, signer: { memberId: admin.memberId, role: admin.role } },
        published,
        signatures,
      ),
    );
    const doc = await tx.agreementDocument.findUniqueOrThrow({ where: { kind_version: { kind: input.kind, version: outcome.document.version } } });
    if (outcome.alreadySigned) {
      return tx.agreementSignature.findUniqueOrThrow({ where: { partnerId_documentId: { partnerId: input.partnerId, documentId: doc.id } }, include: { document: true } });
    }
    const signature = await tx.agreementSignature.create({
      data: { partnerId: input.partnerId, documentId: doc.id, signedById: admin.memberId, signedAt: program.now() },
      include: { document: true },
    });
    await record({
      type: "agreement.signed", actor: actorOf(viewer), subjectId: input.partnerId, partnerId: input.partnerId,
      after: { kind: doc.kind, version: doc.version, bodySha256: doc.bodySha256 },
    });
    return signature;
  });
}
