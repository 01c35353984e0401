-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "PartnerRole" AS ENUM ('ADMIN', 'MEMBER');

-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('INTEGRATION_MANAGER', 'PROGRAM_STAFF');

-- CreateEnum
CREATE TYPE "AgreementKind" AS ENUM ('FRAMEWORK_AGREEMENT', 'TECHNOLOGY_ADDENDUM');

-- CreateEnum
CREATE TYPE "AppKind" AS ENUM ('DATA_CONNECTOR', 'OTHER');

-- CreateEnum
CREATE TYPE "DataFlow" AS ENUM ('PUSH', 'PULL', 'BIDIRECTIONAL');

-- CreateEnum
CREATE TYPE "AppStatus" AS ENUM ('ACTIVE', 'RETIRED');

-- CreateEnum
CREATE TYPE "Marketplace" AS ENUM ('COMMERCIAL', 'FEDRAMP');

-- CreateEnum
CREATE TYPE "ListingState" AS ENUM ('DRAFT', 'IN_REVIEW', 'LIVE', 'AT_RISK', 'DELISTED');

-- CreateEnum
CREATE TYPE "DelistReason" AS ENUM ('LOW_USAGE', 'STAFF_DECISION', 'PARTNER_REQUEST');

-- CreateEnum
CREATE TYPE "RevisionStatus" AS ENUM ('DRAFT', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'SUPERSEDED');

-- CreateEnum
CREATE TYPE "ContactKind" AS ENUM ('CONTACT_FORM', 'LEARN_MORE_LINK');

-- CreateEnum
CREATE TYPE "ValidationStatus" AS ENUM ('REQUESTED', 'IN_PROGRESS', 'PASSED', 'FAILED');

-- CreateEnum
CREATE TYPE "ValidationPurpose" AS ENUM ('INITIAL', 'REAPPLICATION');

-- CreateEnum
CREATE TYPE "ValidationCheckKind" AS ENUM ('DEMONSTRATION', 'DATA_TRANSFER', 'IMPLEMENTATION_UNDERSTANDING', 'CUSTOMER_USAGE');

-- CreateEnum
CREATE TYPE "LeadStatus" AS ENUM ('NEW', 'ACCEPTED', 'WON', 'LOST', 'REJECTED');

-- CreateEnum
CREATE TYPE "InvitationStatus" AS ENUM ('PENDING', 'APPLIED', 'LAPSED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "ActorKind" AS ENUM ('SYSTEM', 'PUBLIC', 'STAFF', 'PARTNER_MEMBER', 'API_TOKEN');

-- CreateTable
CREATE TABLE "Partner" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" VARCHAR(120) NOT NULL,
    "slug" VARCHAR(80) NOT NULL,
    "website" VARCHAR(2048),
    "tierKey" VARCHAR(40) NOT NULL DEFAULT 'FOUNDATION',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Partner_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PartnerMember" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "partnerId" UUID NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "role" "PartnerRole" NOT NULL,
    "invitedById" UUID,
    "joinedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PartnerMember_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StaffUser" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" VARCHAR(254) NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "role" "StaffRole" NOT NULL,
    "fedrampCleared" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StaffUser_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "partnerId" UUID NOT NULL,
    "name" VARCHAR(80) NOT NULL,
    "secretHash" VARCHAR(64) NOT NULL,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3),
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgreementDocument" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" "AgreementKind" NOT NULL,
    "version" INTEGER NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "body" TEXT NOT NULL,
    "bodySha256" VARCHAR(64) NOT NULL,
    "publishedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedById" UUID,

    CONSTRAINT "AgreementDocument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgreementSignature" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "partnerId" UUID NOT NULL,
    "documentId" UUID NOT NULL,
    "signedById" UUID NOT NULL,
    "signedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AgreementSignature_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "App" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "partnerId" UUID NOT NULL,
    "name" VARCHAR(80) NOT NULL,
    "kind" "AppKind" NOT NULL,
    "dataFlow" "DataFlow" NOT NULL,
    "status" "AppStatus" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "launchedAt" TIMESTAMPTZ(3),

    CONSTRAINT "App_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TestCustomer" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "appId" UUID NOT NULL,
    "customerRef" VARCHAR(120) NOT NULL,
    "customerName" VARCHAR(200) NOT NULL,
    "installedAt" TIMESTAMPTZ(3) NOT NULL,
    "firstUsedAt" TIMESTAMPTZ(3),
    "lastUsedAt" TIMESTAMPTZ(3),
    "usageCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TestCustomer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppValidation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "appId" UUID NOT NULL,
    "marketplace" "Marketplace" NOT NULL,
    "attempt" INTEGER NOT NULL,
    "purpose" "ValidationPurpose" NOT NULL DEFAULT 'INITIAL',
    "status" "ValidationStatus" NOT NULL DEFAULT 'REQUESTED',
    "openSlot" VARCHAR(4),
    "requestedById" UUID NOT NULL,
    "requestedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "integrationManagerId" UUID,
    "assignedAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),
    "outcomeNotes" VARCHAR(4000),
    "testCustomerId" UUID,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AppValidation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ValidationCheck" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "validationId" UUID NOT NULL,
    "kind" "ValidationCheckKind" NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "notes" VARCHAR(4000) NOT NULL,
    "recordedById" UUID NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ValidationCheck_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Category" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" VARCHAR(60) NOT NULL,
    "name" VARCHAR(80) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Category_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Listing" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "appId" UUID NOT NULL,
    "partnerId" UUID NOT NULL,
    "marketplace" "Marketplace" NOT NULL,
    "state" "ListingState" NOT NULL DEFAULT 'DRAFT',
    "stateChangedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "liveRevisionId" UUID,
    "delistReason" "DelistReason",
    "delistNote" VARCHAR(2000),
    "atRiskSince" TIMESTAMPTZ(3),
    "atRiskDeadline" TIMESTAMPTZ(3),
    "firstLiveAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Listing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ListingRevision" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "listingId" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "status" "RevisionStatus" NOT NULL DEFAULT 'DRAFT',
    "openSlot" VARCHAR(4),
    "name" VARCHAR(30) NOT NULL,
    "tagline" VARCHAR(40) NOT NULL,
    "summary" VARCHAR(2000) NOT NULL,
    "howItWorks" VARCHAR(500) NOT NULL DEFAULT '',
    "features" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "contactKind" "ContactKind" NOT NULL,
    "contactEmail" VARCHAR(254),
    "learnMoreUrl" VARCHAR(2048),
    "websiteUrl" VARCHAR(2048),
    "screenshots" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "videoUrl" VARCHAR(2048),
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "submittedAt" TIMESTAMPTZ(3),
    "reviewedById" UUID,
    "reviewedAt" TIMESTAMPTZ(3),
    "reviewNotes" VARCHAR(4000),

    CONSTRAINT "ListingRevision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ListingRevisionCategory" (
    "revisionId" UUID NOT NULL,
    "categoryId" UUID NOT NULL,

    CONSTRAINT "ListingRevisionCategory_pkey" PRIMARY KEY ("revisionId","categoryId")
);

-- CreateTable
CREATE TABLE "UsageMonth" (
    "appId" UUID NOT NULL,
    "month" DATE NOT NULL,
    "activeCustomers" INTEGER NOT NULL,
    "installs" INTEGER NOT NULL,
    "uninstalls" INTEGER NOT NULL,
    "pushCalls" BIGINT NOT NULL,
    "pullCalls" BIGINT NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsageMonth_pkey" PRIMARY KEY ("appId","month")
);

-- CreateTable
CREATE TABLE "ProgramPolicy" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "year" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "feePolicy" VARCHAR(500) NOT NULL DEFAULT 'No fee to join the program.',
    "lowUsageMinActiveCustomers" INTEGER NOT NULL DEFAULT 1,
    "lowUsageWindowMonths" INTEGER NOT NULL DEFAULT 12,
    "atRiskNoticeDays" INTEGER NOT NULL DEFAULT 30,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" UUID,
    "lockedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ProgramPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PolicyTier" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "policyId" UUID NOT NULL,
    "key" VARCHAR(40) NOT NULL,
    "name" VARCHAR(80) NOT NULL,
    "rank" INTEGER NOT NULL,
    "invitationOnly" BOOLEAN NOT NULL DEFAULT false,
    "requiresBidirectional" BOOLEAN NOT NULL DEFAULT false,
    "minActiveCustomers" INTEGER NOT NULL DEFAULT 0,
    "minLiveApps" INTEGER NOT NULL DEFAULT 0,
    "minLeadsSent" INTEGER NOT NULL DEFAULT 0,
    "minWinRate" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "minRetention" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "maxResponseHours" DOUBLE PRECISION,

    CONSTRAINT "PolicyTier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PartnerTierYear" (
    "partnerId" UUID NOT NULL,
    "year" INTEGER NOT NULL,
    "tierKey" VARCHAR(40) NOT NULL,
    "assessmentId" UUID,
    "setAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PartnerTierYear_pkey" PRIMARY KEY ("partnerId","year")
);

-- CreateTable
CREATE TABLE "TierAssessment" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "partnerId" UUID NOT NULL,
    "year" INTEGER NOT NULL,
    "policyId" UUID NOT NULL,
    "previousTierKey" VARCHAR(40) NOT NULL,
    "resultTierKey" VARCHAR(40) NOT NULL,
    "periodStart" DATE NOT NULL,
    "periodEnd" DATE NOT NULL,
    "inputs" JSONB NOT NULL,
    "requirements" JSONB NOT NULL,
    "currentSlot" VARCHAR(4),
    "supersedesId" UUID,
    "supersedeReason" VARCHAR(2000),
    "assessedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "assessedById" UUID,

    CONSTRAINT "TierAssessment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PremierInvitation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "partnerId" UUID NOT NULL,
    "customerCentricity" VARCHAR(2000) NOT NULL,
    "strategicAlignment" VARCHAR(2000) NOT NULL,
    "executiveSponsorship" VARCHAR(2000) NOT NULL,
    "invitedById" UUID NOT NULL,
    "invitedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "effectiveYear" INTEGER NOT NULL,
    "status" "InvitationStatus" NOT NULL DEFAULT 'PENDING',

    CONSTRAINT "PremierInvitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Lead" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "partnerId" UUID NOT NULL,
    "company" VARCHAR(200) NOT NULL,
    "contactName" VARCHAR(120) NOT NULL,
    "contactEmail" VARCHAR(254) NOT NULL,
    "details" VARCHAR(4000) NOT NULL,
    "status" "LeadStatus" NOT NULL DEFAULT 'NEW',
    "submittedById" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "triagedById" UUID,
    "statusChangedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "triageNote" VARCHAR(2000),
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Lead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Inquiry" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "listingId" UUID NOT NULL,
    "partnerId" UUID NOT NULL,
    "senderName" VARCHAR(120) NOT NULL,
    "senderEmail" VARCHAR(254) NOT NULL,
    "senderCompany" VARCHAR(200),
    "message" VARCHAR(5000) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "respondedAt" TIMESTAMPTZ(3),
    "respondedById" UUID,
    "response" VARCHAR(5000),
    "responseSeconds" INTEGER,

    CONSTRAINT "Inquiry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "position" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "occurredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "type" VARCHAR(80) NOT NULL,
    "actorKind" "ActorKind" NOT NULL,
    "actorId" UUID,
    "subjectType" VARCHAR(40) NOT NULL,
    "subjectId" UUID NOT NULL,
    "partnerId" UUID,
    "listingId" UUID,
    "marketplace" "Marketplace",
    "publicChange" BOOLEAN NOT NULL DEFAULT false,
    "before" JSONB,
    "after" JSONB,
    "reason" VARCHAR(4000),
    "requestId" VARCHAR(100),

    CONSTRAINT "Event_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "IdempotencyKey" (
    "actorKey" VARCHAR(120) NOT NULL,
    "key" VARCHAR(120) NOT NULL,
    "operation" VARCHAR(80) NOT NULL,
    "response" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdempotencyKey_pkey" PRIMARY KEY ("actorKey","key")
);

-- CreateIndex
CREATE UNIQUE INDEX "Partner_slug_key" ON "Partner"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "PartnerMember_email_key" ON "PartnerMember"("email");

-- CreateIndex
CREATE INDEX "PartnerMember_partnerId_idx" ON "PartnerMember"("partnerId");

-- CreateIndex
CREATE UNIQUE INDEX "StaffUser_email_key" ON "StaffUser"("email");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_secretHash_key" ON "ApiToken"("secretHash");

-- CreateIndex
CREATE INDEX "ApiToken_partnerId_idx" ON "ApiToken"("partnerId");

-- CreateIndex
CREATE UNIQUE INDEX "AgreementDocument_kind_version_key" ON "AgreementDocument"("kind", "version");

-- CreateIndex
CREATE UNIQUE INDEX "AgreementSignature_partnerId_documentId_key" ON "AgreementSignature"("partnerId", "documentId");

-- CreateIndex
CREATE INDEX "App_partnerId_idx" ON "App"("partnerId");

-- CreateIndex
CREATE UNIQUE INDEX "App_partnerId_name_key" ON "App"("partnerId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "TestCustomer_appId_customerRef_key" ON "TestCustomer"("appId", "customerRef");

-- CreateIndex
CREATE INDEX "AppValidation_integrationManagerId_idx" ON "AppValidation"("integrationManagerId");

-- CreateIndex
CREATE UNIQUE INDEX "AppValidation_appId_marketplace_attempt_key" ON "AppValidation"("appId", "marketplace", "attempt");

-- CreateIndex
CREATE UNIQUE INDEX "AppValidation_appId_marketplace_openSlot_key" ON "AppValidation"("appId", "marketplace", "openSlot");

-- CreateIndex
CREATE UNIQUE INDEX "ValidationCheck_validationId_kind_key" ON "ValidationCheck"("validationId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "Category_slug_key" ON "Category"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Category_name_key" ON "Category"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Listing_liveRevisionId_key" ON "Listing"("liveRevisionId");

-- CreateIndex
CREATE INDEX "Listing_marketplace_state_idx" ON "Listing"("marketplace", "state");

-- CreateIndex
CREATE INDEX "Listing_partnerId_idx" ON "Listing"("partnerId");

-- CreateIndex
CREATE UNIQUE INDEX "Listing_appId_marketplace_key" ON "Listing"("appId", "marketplace");

-- CreateIndex
CREATE UNIQUE INDEX "ListingRevision_listingId_number_key" ON "ListingRevision"("listingId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "ListingRevision_listingId_openSlot_key" ON "ListingRevision"("listingId", "openSlot");

-- CreateIndex
CREATE INDEX "ListingRevisionCategory_categoryId_idx" ON "ListingRevisionCategory"("categoryId");

-- CreateIndex
CREATE INDEX "UsageMonth_month_idx" ON "UsageMonth"("month");

-- CreateIndex
CREATE UNIQUE INDEX "ProgramPolicy_year_version_key" ON "ProgramPolicy"("year", "version");

-- CreateIndex
CREATE UNIQUE INDEX "PolicyTier_policyId_key_key" ON "PolicyTier"("policyId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "PolicyTier_policyId_rank_key" ON "PolicyTier"("policyId", "rank");

-- CreateIndex
CREATE UNIQUE INDEX "PartnerTierYear_assessmentId_key" ON "PartnerTierYear"("assessmentId");

-- CreateIndex
CREATE UNIQUE INDEX "TierAssessment_supersedesId_key" ON "TierAssessment"("supersedesId");

-- CreateIndex
CREATE INDEX "TierAssessment_year_idx" ON "TierAssessment"("year");

-- CreateIndex
CREATE UNIQUE INDEX "TierAssessment_partnerId_year_currentSlot_key" ON "TierAssessment"("partnerId", "year", "currentSlot");

-- CreateIndex
CREATE UNIQUE INDEX "PremierInvitation_partnerId_effectiveYear_key" ON "PremierInvitation"("partnerId", "effectiveYear");

-- CreateIndex
CREATE INDEX "Lead_partnerId_createdAt_idx" ON "Lead"("partnerId", "createdAt");

-- CreateIndex
CREATE INDEX "Inquiry_partnerId_createdAt_idx" ON "Inquiry"("partnerId", "createdAt");

-- CreateIndex
CREATE INDEX "Inquiry_listingId_idx" ON "Inquiry"("listingId");

-- CreateIndex
CREATE UNIQUE INDEX "Event_id_key" ON "Event"("id");

-- CreateIndex
CREATE INDEX "Event_partnerId_position_idx" ON "Event"("partnerId", "position");

-- CreateIndex
CREATE INDEX "Event_subjectId_position_idx" ON "Event"("subjectId", "position");

-- CreateIndex
CREATE INDEX "Event_marketplace_publicChange_position_idx" ON "Event"("marketplace", "publicChange", "position");

-- AddForeignKey
ALTER TABLE "PartnerMember" ADD CONSTRAINT "PartnerMember_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgreementSignature" ADD CONSTRAINT "AgreementSignature_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgreementSignature" ADD CONSTRAINT "AgreementSignature_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "AgreementDocument"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgreementSignature" ADD CONSTRAINT "AgreementSignature_signedById_fkey" FOREIGN KEY ("signedById") REFERENCES "PartnerMember"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "App" ADD CONSTRAINT "App_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TestCustomer" ADD CONSTRAINT "TestCustomer_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppValidation" ADD CONSTRAINT "AppValidation_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppValidation" ADD CONSTRAINT "AppValidation_integrationManagerId_fkey" FOREIGN KEY ("integrationManagerId") REFERENCES "StaffUser"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppValidation" ADD CONSTRAINT "AppValidation_testCustomerId_fkey" FOREIGN KEY ("testCustomerId") REFERENCES "TestCustomer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ValidationCheck" ADD CONSTRAINT "ValidationCheck_validationId_fkey" FOREIGN KEY ("validationId") REFERENCES "AppValidation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_liveRevisionId_fkey" FOREIGN KEY ("liveRevisionId") REFERENCES "ListingRevision"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ListingRevision" ADD CONSTRAINT "ListingRevision_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ListingRevisionCategory" ADD CONSTRAINT "ListingRevisionCategory_revisionId_fkey" FOREIGN KEY ("revisionId") REFERENCES "ListingRevision"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ListingRevisionCategory" ADD CONSTRAINT "ListingRevisionCategory_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "Category"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageMonth" ADD CONSTRAINT "UsageMonth_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PolicyTier" ADD CONSTRAINT "PolicyTier_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "ProgramPolicy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartnerTierYear" ADD CONSTRAINT "PartnerTierYear_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartnerTierYear" ADD CONSTRAINT "PartnerTierYear_assessmentId_fkey" FOREIGN KEY ("assessmentId") REFERENCES "TierAssessment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TierAssessment" ADD CONSTRAINT "TierAssessment_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TierAssessment" ADD CONSTRAINT "TierAssessment_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "ProgramPolicy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TierAssessment" ADD CONSTRAINT "TierAssessment_supersedesId_fkey" FOREIGN KEY ("supersedesId") REFERENCES "TierAssessment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PremierInvitation" ADD CONSTRAINT "PremierInvitation_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Lead" ADD CONSTRAINT "Lead_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Inquiry" ADD CONSTRAINT "Inquiry_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Inquiry" ADD CONSTRAINT "Inquiry_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Written by hand: constraints Prisma's schema language cannot express (Prisma leaves them alone).
-- ---------------------------------------------------------------------------------------------

-- Impossible states made impossible.
ALTER TABLE "Partner" ADD CONSTRAINT "Partner_name_not_blank" CHECK (length(btrim("name")) > 0);
ALTER TABLE "Partner" ADD CONSTRAINT "Partner_slug_format" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$');
ALTER TABLE "App" ADD CONSTRAINT "App_name_not_blank" CHECK (length(btrim("name")) > 0);
ALTER TABLE "AgreementDocument" ADD CONSTRAINT "AgreementDocument_version_positive" CHECK ("version" > 0);
ALTER TABLE "TestCustomer" ADD CONSTRAINT "TestCustomer_usage_consistent"
  CHECK ("usageCount" >= 0 AND (("usageCount" = 0) = ("firstUsedAt" IS NULL)));
ALTER TABLE "AppValidation" ADD CONSTRAINT "AppValidation_open_slot"
  CHECK ((("status" IN ('REQUESTED', 'IN_PROGRESS')) AND "openSlot" = 'open')
      OR (("status" IN ('PASSED', 'FAILED')) AND "openSlot" IS NULL AND "completedAt" IS NOT NULL));
ALTER TABLE "AppValidation" ADD CONSTRAINT "AppValidation_manager_when_started"
  CHECK ("status" = 'REQUESTED' OR "integrationManagerId" IS NOT NULL);
ALTER TABLE "AppValidation" ADD CONSTRAINT "AppValidation_attempt_positive" CHECK ("attempt" > 0);
ALTER TABLE "ListingRevision" ADD CONSTRAINT "ListingRevision_open_slot"
  CHECK ((("status" IN ('DRAFT', 'IN_REVIEW')) AND "openSlot" = 'open')
      OR (("status" NOT IN ('DRAFT', 'IN_REVIEW')) AND "openSlot" IS NULL));
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_shown_has_content"
  CHECK ("state" NOT IN ('LIVE', 'AT_RISK') OR "liveRevisionId" IS NOT NULL);
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_at_risk_has_deadline"
  CHECK (("state" = 'AT_RISK') = ("atRiskDeadline" IS NOT NULL));
ALTER TABLE "Listing" ADD CONSTRAINT "Listing_delisted_has_reason"
  CHECK (("state" = 'DELISTED') = ("delistReason" IS NOT NULL));
ALTER TABLE "UsageMonth" ADD CONSTRAINT "UsageMonth_first_of_month" CHECK (extract(day FROM "month") = 1);
ALTER TABLE "UsageMonth" ADD CONSTRAINT "UsageMonth_non_negative"
  CHECK ("activeCustomers" >= 0 AND "installs" >= 0 AND "uninstalls" >= 0 AND "pushCalls" >= 0 AND "pullCalls" >= 0);
ALTER TABLE "ProgramPolicy" ADD CONSTRAINT "ProgramPolicy_sane"
  CHECK ("year" BETWEEN 2000 AND 2200 AND "version" > 0 AND "lowUsageMinActiveCustomers" >= 0
     AND "lowUsageWindowMonths" BETWEEN 1 AND 60 AND "atRiskNoticeDays" BETWEEN 1 AND 365);
ALTER TABLE "PolicyTier" ADD CONSTRAINT "PolicyTier_sane"
  CHECK ("rank" >= 0 AND "minActiveCustomers" >= 0 AND "minLiveApps" >= 0 AND "minLeadsSent" >= 0
     AND "minWinRate" BETWEEN 0 AND 1 AND "minRetention" BETWEEN 0 AND 1
     AND ("maxResponseHours" IS NULL OR "maxResponseHours" > 0));
ALTER TABLE "TierAssessment" ADD CONSTRAINT "TierAssessment_current_slot" CHECK ("currentSlot" IS NULL OR "currentSlot" = 'cur');
ALTER TABLE "Inquiry" ADD CONSTRAINT "Inquiry_response_consistent"
  CHECK (("respondedAt" IS NULL) = ("response" IS NULL) AND ("respondedAt" IS NULL) = ("responseSeconds" IS NULL)
     AND ("responseSeconds" IS NULL OR "responseSeconds" >= 0));

-- R-EVT-1: the event log is append-only.
CREATE FUNCTION "event_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the event log is append-only (R-EVT-1): % refused', TG_OP;
END $$;
CREATE TRIGGER "Event_no_update_delete" BEFORE UPDATE OR DELETE ON "Event"
  FOR EACH ROW EXECUTE FUNCTION "event_is_append_only"();
CREATE TRIGGER "Event_no_truncate" BEFORE TRUNCATE ON "Event"
  FOR EACH STATEMENT EXECUTE FUNCTION "event_is_append_only"();

-- R-EVT-2: positions in commit order. Before any row of an INSERT gets its position, the inserting
-- transaction takes a transaction-scoped advisory lock it keeps until it commits or rolls back,
-- so event appends are serialised: no transaction can commit a smaller position after a larger
-- one is visible, and a subscriber resuming "after position N" can never miss an event.
CREATE FUNCTION "event_append_in_commit_order"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7707070707);
  RETURN NULL;
END $$;
CREATE TRIGGER "Event_commit_order" BEFORE INSERT ON "Event"
  FOR EACH STATEMENT EXECUTE FUNCTION "event_append_in_commit_order"();
