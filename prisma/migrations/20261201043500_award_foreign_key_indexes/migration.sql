-- CreateIndex
CREATE INDEX "agency_toptier_agency_id_idx" ON "agency"("toptier_agency_id");

-- CreateIndex
CREATE INDEX "agency_subtier_agency_id_idx" ON "agency"("subtier_agency_id");

-- CreateIndex
CREATE INDEX "award_funding_agency_id_idx" ON "award"("funding_agency_id");

-- CreateIndex
CREATE INDEX "award_place_of_performance_id_idx" ON "award"("place_of_performance_id");

-- CreateIndex
CREATE INDEX "award_parent_award_id_idx" ON "award"("parent_award_id");

-- CreateIndex
CREATE INDEX "award_latest_transaction_id_idx" ON "award"("latest_transaction_id");

-- CreateIndex
CREATE INDEX "recipient_location_id_idx" ON "recipient"("location_id");

-- CreateIndex
CREATE INDEX "transaction_awarding_agency_id_idx" ON "transaction"("awarding_agency_id");

-- CreateIndex
CREATE INDEX "transaction_funding_agency_id_idx" ON "transaction"("funding_agency_id");

-- CreateIndex
CREATE INDEX "transaction_recipient_id_idx" ON "transaction"("recipient_id");

-- CreateIndex
CREATE INDEX "transaction_place_of_performance_id_idx" ON "transaction"("place_of_performance_id");
