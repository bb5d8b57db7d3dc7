-- AlterTable
ALTER TABLE "award" ADD COLUMN     "data_source" TEXT,
ADD COLUMN     "latest_submission_id" INTEGER,
ADD COLUMN     "latest_transaction_id" INTEGER;

-- AlterTable
ALTER TABLE "transaction" ADD COLUMN     "certified_date" DATE,
ADD COLUMN     "data_source" TEXT,
ADD COLUMN     "drv_award_transaction_usaspend" TEXT,
ADD COLUMN     "drv_current_total_award_value_amount_adjustment" DECIMAL(20,2),
ADD COLUMN     "drv_potential_total_award_value_amount_adjustment" DECIMAL(20,2),
ADD COLUMN     "last_modified_date" DATE,
ADD COLUMN     "period_of_performance_current_end_date" DATE,
ADD COLUMN     "period_of_performance_start_date" DATE,
ADD COLUMN     "submission_id" INTEGER,
ADD COLUMN     "usaspending_unique_transaction_id" TEXT;

-- AddForeignKey
ALTER TABLE "award" ADD CONSTRAINT "award_latest_transaction_id_fkey" FOREIGN KEY ("latest_transaction_id") REFERENCES "transaction"("id") ON DELETE SET NULL ON UPDATE CASCADE;
