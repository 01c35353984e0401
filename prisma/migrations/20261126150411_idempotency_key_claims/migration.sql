-- Keys were never written before this migration; any row would lack a fingerprint and an expiry.
DELETE FROM "IdempotencyKey";

-- AlterTable
ALTER TABLE "IdempotencyKey" ADD COLUMN     "expiresAt" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN     "fingerprint" CHAR(64) NOT NULL,
ALTER COLUMN "response" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "IdempotencyKey_expiresAt_idx" ON "IdempotencyKey"("expiresAt");
