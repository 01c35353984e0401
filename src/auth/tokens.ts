// Bearer tokens: HS256 JWTs carrying who the caller is. The same token works in the HTTP
// Authorization header and in graphql-ws connectionParams.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";

export type TokenRole = "program-staff" | "integration-manager" | "partner-admin" | "partner-member";
export const tokenRoles: readonly TokenRole[] = ["program-staff", "integration-manager", "partner-admin", "partner-member"];

export interface TokenClaims {
  /** The staff user or partner member id. */
  sub: string;
  role: TokenRole;
  /** Set for partner roles. */
  partnerId?: string;
  /** FedRAMP clearance (R-LIST-1, R-LIST-6). */
  fedramp?: boolean;
}

const ISSUER = "partner-program-api";

export class InvalidTokenError extends Error {}

export interface TokenService {
  sign(claims: TokenClaims, ttl?: string): Promise<string>;
  verify(token: string): Promise<TokenClaims>;
}

export function createTokenService(secret: string): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    async sign(claims, ttl = "12h") {
      const { sub, ...rest } = claims;
      return new SignJWT({ ...rest })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(sub)
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(ttl)
        .sign(key);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ["HS256"] });
        const role = payload.role as TokenRole;
        if (typeof payload.sub !== "string" || !tokenRoles.includes(role)) throw new InvalidTokenError("token has no valid role");
        const partnerId = typeof payload.partnerId === "string" ? payload.partnerId : undefined;
        if ((role === "partner-admin" || role === "partner-member") && !partnerId) {
          throw new InvalidTokenError("partner token without partnerId");
        }
        return { sub: payload.sub, role, partnerId, fedramp: payload.fedramp === true };
      } catch (err) {
        if (err instanceof InvalidTokenError) throw err;
        if (err instanceof joseErrors.JWTExpired) throw new InvalidTokenError("token expired");
        throw new InvalidTokenError("token invalid");
      }
    },
  };
}

/** AUTH_SECRET, or (outside production) a secret generated once and kept in the data folder. */
export async function resolveAuthSecret(configured: string | undefined, dataDir: string): Promise<string> {
  if (configured) return configured;
  const file = path.join(dataDir, "auth-secret");
  const existing = await readFile(file, "utf8").catch(() => undefined);
  if (existing && existing.trim().length >= 32) return existing.trim();
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  await writeFile(file, secret + "\n", { mode: 0o600, flag: "wx" }).catch(async () => undefined);
  await chmod(file, 0o600).catch(() => undefined);
  return (await readFile(file, "utf8")).trim();
}
