-- CreateEnum
CREATE TYPE "TierSource" AS ENUM ('ENTRY', 'ASSESSMENT', 'INVITATION', 'RECORDED');

-- DropIndex
DROP INDEX "PremierInvitation_partnerId_effectiveYear_key";

-- AlterTable
ALTER TABLE "Inquiry" ADD COLUMN     "recordedById" UUID;

-- AlterTable
ALTER TABLE "Lead" ADD COLUMN     "recordedById" UUID,
ALTER COLUMN "submittedById" DROP NOT NULL;

-- AlterTable
ALTER TABLE "PartnerTierYear" ADD COLUMN     "source" "TierSource" NOT NULL DEFAULT 'ASSESSMENT';

-- AlterTable
ALTER TABLE "PremierInvitation" ADD COLUMN     "withdrawReason" VARCHAR(2000),
ADD COLUMN     "withdrawnAt" TIMESTAMPTZ(3),
ADD COLUMN     "withdrawnById" UUID;

-- CreateIndex
CREATE INDEX "PremierInvitation_partnerId_effectiveYear_idx" ON "PremierInvitation"("partnerId", "effectiveYear");

-- Hand-written (Prisma cannot express these).
-- R-TIER-5: at most one invitation per partner and year that is not withdrawn; withdrawn ones stay as history.
CREATE UNIQUE INDEX "PremierInvitation_partnerId_effectiveYear_open_key" ON "PremierInvitation"("partnerId", "effectiveYear") WHERE "status" <> 'WITHDRAWN';

-- A lead is sent by a member through the API or recorded by staff with its real date (R-TIME-1), never neither.
ALTER TABLE "Lead" ADD CONSTRAINT "Lead_sent_or_recorded" CHECK (("submittedById" IS NULL) <> ("recordedById" IS NULL));

-- R-TIER-2 history: the tier years assessments wrote came from an assessment, or from an invitation it applied.
UPDATE "PartnerTierYear" y SET "source" = 'INVITATION'
  WHERE EXISTS (SELECT 1 FROM "PremierInvitation" i WHERE i."partnerId" = y."partnerId" AND i."effectiveYear" = y."year" AND i."status" = 'APPLIED');
-- Every partner holds a tier from the year it joined: its entry tier, or the tier recorded before this history existed.
INSERT INTO "PartnerTierYear" ("partnerId", "year", "tierKey", "source", "setAt")
  SELECT p."id", extract(year FROM p."createdAt" AT TIME ZONE 'UTC')::int, p."tierKey",
    (CASE WHEN p."tierKey" = 'FOUNDATION' THEN 'ENTRY' ELSE 'RECORDED' END)::"TierSource", p."createdAt"
  FROM "Partner" p
  WHERE NOT EXISTS (SELECT 1 FROM "PartnerTierYear" y WHERE y."partnerId" = p."id" AND y."year" <= extract(year FROM p."createdAt" AT TIME ZONE 'UTC')::int);
