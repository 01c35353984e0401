-- AlterTable
ALTER TABLE "TierAssessment" ADD COLUMN     "explanation" TEXT NOT NULL DEFAULT '';
