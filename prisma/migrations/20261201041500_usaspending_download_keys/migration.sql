-- AlterTable
ALTER TABLE "award" ADD COLUMN     "generated_unique_award_id" TEXT;

-- AlterTable
ALTER TABLE "transaction" ADD COLUMN     "recipient_name" TEXT;
