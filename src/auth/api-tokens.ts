// Long-lived API tokens for a partner's own systems: `ppat_` + 32 random bytes, shown once; only
// the sha-256 is stored, so a database leak reveals no usable token.
import { createHash, randomBytes } from "node:crypto";

export const API_TOKEN_PREFIX = "ppat_";

export const hashApiToken = (secret: string) => createHash("sha256").update(secret, "utf8").digest("hex");

export function newApiTokenSecret(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
}
