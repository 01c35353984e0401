// A partner admin creates and revokes API tokens for the partner's own systems.
import type { Viewer } from "../auth/viewer.js";
import { hashApiToken, newApiTokenSecret } from "../auth/api-tokens.js";
import { actorOf } from "../events/log.js";
import { found, requirePartnerAdmin, requireVisible } from "./guard.js";
import { canSeePartnerPrivate } from "./visibility.js";
import { checkText, type FieldError } from "../domain/fields.js";
import { rejectFieldErrors } from "./refusals.js";
import type { Program } from "./program.js";

export async function createApiToken(program: Program, viewer: Viewer, input: { partnerId: string; name: string; expiresInDays?: number | null }) {
  const admin = requirePartnerAdmin(viewer, input.partnerId, "partner");
  const problems: FieldError[] = [];
  const name = checkText(problems, "name", input.name, { min: 1, max: 80 }) ?? "";
  const days = input.expiresInDays ?? null;
  if (days !== null && (!Number.isInteger(days) || days < 1 || days > 730)) {
    problems.push({ field: "expiresInDays", message: "must be a whole number of days from 1 to 730" });
  }
  rejectFieldErrors(problems);
  const secret = newApiTokenSecret();
  // Token lifetimes are security, on the wall clock (clock.ts), whatever the program's clock reads.
  const expiresAt = days === null ? null : new Date(Date.now() + days * 86_400_000);
  const token = await program.change(async (tx, record) => {
    const created = await tx.apiToken.create({
      data: { partnerId: input.partnerId, name, secretHash: hashApiToken(secret), createdById: admin.memberId, expiresAt },
    });
    await record({
      type: "api-token.created", actor: actorOf(viewer), subjectId: input.partnerId, partnerId: input.partnerId,
      after: { apiTokenId: created.id, name, expiresAt },
    });
    return created;
  });
  return { token, secret };
}

export async function revokeApiToken(program: Program, viewer: Viewer, input: { apiTokenId: string }) {
  return program.change(async (tx, record) => {
    const token = found(await tx.apiToken.findUnique({ where: { id: input.apiTokenId } }), "API token");
    requireVisible(canSeePartnerPrivate(viewer, token.partnerId), "API token");
    requirePartnerAdmin(viewer, token.partnerId, "API token");
    if (token.revokedAt) return token;
    const revoked = await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
    await record({
      type: "api-token.revoked", actor: actorOf(viewer), subjectId: token.partnerId, partnerId: token.partnerId,
      before: { apiTokenId: token.id, name: token.name }, after: { revokedAt: revoked.revokedAt },
    });
    return revoked;
  });
}
