-- CreateTable
CREATE TABLE "saved_request" (
    "id" SERIAL NOT NULL,
    "checksum" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "saved_request_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "saved_request_checksum_key" ON "saved_request"("checksum");

-- CreateIndex
CREATE INDEX "award_date_signed_idx" ON "award"("date_signed");

-- CreateIndex
CREATE INDEX "award_total_obligation_idx" ON "award"("total_obligation");

-- CreateIndex
CREATE INDEX "transaction_action_date_idx" ON "transaction"("action_date");
