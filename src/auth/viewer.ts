// Who is asking, resolved once per request (or per WebSocket connection) before GraphQL runs.
import type { Db } from "../db/database.js";
import { API_TOKEN_PREFIX, hashApiToken } from "./api-tokens.js";
import { InvalidTokenError, type TokenService } from "./tokens.js";

export type Viewer =
  | { readonly kind: "public"; readonly fedrampCleared: false }
  | {
      readonly kind: "partner";
      readonly memberId: string;
      readonly partnerId: string;
      readonly role: "ADMIN" | "MEMBER";
      readonly fedrampCleared: boolean;
      /** Set when the caller is one of the partner's own systems using a long-lived API token. */
      readonly apiTokenId?: string;
    }
  | {
      readonly kind: "staff";
      readonly staffId: string;
      readonly role: "PROGRAM_STAFF" | "INTEGRATION_MANAGER";
      readonly fedrampCleared: boolean;
      /** The program's own command-line tools (admin socket, in-process CLIs); events record SYSTEM. */
      readonly system?: true;
    };

/** The viewer of the program's own tools: staff powers, recorded as SYSTEM in the event log. */
export const systemViewer: Viewer = Object.freeze({
  kind: "staff",
  staffId: "00000000-0000-0000-0000-000000000000",
  role: "PROGRAM_STAFF",
  fedrampCleared: true,
  system: true,
});

export const publicViewer: Viewer = Object.freeze({ kind: "public", fedrampCleared: false });

export class UnauthenticatedError extends Error {}

/** Bearer token -> viewer. No token: public. A bad, expired or orphaned token is refused, never downgraded. */
export async function resolveViewer(
  authorization: string | null | undefined,
  tokens: TokenService,
  db: Db,
): Promise<Viewer> {
  if (!authorization) return publicViewer;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) throw new UnauthenticatedError("Authorization must be 'Bearer <token>'");
  if (match[1].startsWith(API_TOKEN_PREFIX)) return resolveApiToken(match[1], db);
  let claims;
  try {
    claims = await tokens.verify(match[1]);
  } catch (err) {
    throw new UnauthenticatedError(err instanceof InvalidTokenError ? err.message : "token invalid");
  }
  if (!/^[0-9a-f-]{36}$/i.test(claims.sub)) throw new UnauthenticatedError("token subject unknown");
  if (claims.role === "program-staff" || claims.role === "integration-manager") {
    const staff = await db.staffUser.findUnique({ where: { id: claims.sub } });
    const role = claims.role === "program-staff" ? "PROGRAM_STAFF" : "INTEGRATION_MANAGER";
    if (!staff || staff.role !== role) throw new UnauthenticatedError("token subject unknown");
    return { kind: "staff", staffId: staff.id, role, fedrampCleared: staff.fedrampCleared || claims.fedramp === true };
  }
  const member = await db.partnerMember.findUnique({ where: { id: claims.sub } });
  const role = claims.role === "partner-admin" ? "ADMIN" : "MEMBER";
  if (!member || member.removedAt || member.partnerId !== claims.partnerId) {
    throw new UnauthenticatedError("token subject unknown or removed");
  }
  // A member demoted since the token was issued acts with the role the database says now.
  return {
    kind: "partner",
    memberId: member.id,
    partnerId: member.partnerId,
    role: role === "ADMIN" && member.role === "ADMIN" ? "ADMIN" : "MEMBER",
    fedrampCleared: claims.fedramp === true,
  };
}

/** A partner's long-lived API token: it acts as a member of that partner, recorded as API_TOKEN. */
async function resolveApiToken(secret: string, db: Db): Promise<Viewer> {
  const token = await db.apiToken.findUnique({ where: { secretHash: hashApiToken(secret) } });
  const now = new Date();
  if (!token || token.revokedAt) throw new UnauthenticatedError("API token unknown or revoked");
  if (token.expiresAt && token.expiresAt <= now) throw new UnauthenticatedError("API token expired");
  // Last use is recorded at most once a minute per token, not on every request.
  await db.apiToken.updateMany({
    where: { id: token.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - 60_000) } }] },
    data: { lastUsedAt: now },
  });
  return { kind: "partner", memberId: token.createdById, partnerId: token.partnerId, role: "MEMBER", fedrampCleared: false, apiTokenId: token.id };
}
