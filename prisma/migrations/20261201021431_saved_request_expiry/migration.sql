-- AlterTable
ALTER TABLE "saved_request" ADD COLUMN     "last_used_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "saved_request_last_used_at_idx" ON "saved_request"("last_used_at");
