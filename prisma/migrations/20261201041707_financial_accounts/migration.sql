-- CreateTable
CREATE TABLE "submission_attributes" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "broker_submission_id" INTEGER,
    "usaspending_update" DATE,
    "cgac_code" TEXT,
    "submitting_agency" TEXT,
    "submitter_name" TEXT,
    "submission_modification" BOOLEAN,
    "version_number" INTEGER,
    "reporting_period_start" DATE,
    "reporting_period_end" DATE,
    "last_modified_date" DATE,
    "certified_date" DATE,
    "create_date" TIMESTAMP(3),
    "update_date" TIMESTAMP(3),

    CONSTRAINT "submission_attributes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "federal_account" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "agency_identifier" TEXT,
    "main_account_code" TEXT,
    "account_title" TEXT,

    CONSTRAINT "federal_account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "treasury_appropriation_account" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "federal_account_id" INTEGER,
    "data_source" TEXT,
    "tas_rendering_label" TEXT,
    "allocation_transfer_agency_id" TEXT,
    "agency_id" TEXT,
    "beginning_period_of_availability" TEXT,
    "ending_period_of_availability" TEXT,
    "availability_type_code" TEXT,
    "main_account_code" TEXT,
    "sub_account_code" TEXT,
    "account_title" TEXT,
    "reporting_agency_id" TEXT,
    "reporting_agency_name" TEXT,
    "budget_bureau_code" TEXT,
    "budget_bureau_name" TEXT,
    "fr_entity_code" TEXT,
    "fr_entity_description" TEXT,
    "budget_function_code" TEXT,
    "budget_function_title" TEXT,
    "budget_subfunction_code" TEXT,
    "budget_subfunction_title" TEXT,
    "drv_appropriation_availability_period_start_date" DATE,
    "drv_appropriation_availability_period_end_date" DATE,
    "drv_appropriation_account_expired_status" TEXT,
    "create_date" TIMESTAMP(3),
    "update_date" TIMESTAMP(3),

    CONSTRAINT "treasury_appropriation_account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "appropriation_account_balances" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "treasury_account_id" INTEGER,
    "submission_id" INTEGER,
    "data_source" TEXT,
    "budget_authority_unobligated_balance_brought_forward_fyb" DECIMAL(21,2),
    "adjustments_to_unobligated_balance_brought_forward_cpe" DECIMAL(21,2),
    "budget_authority_appropriated_amount_cpe" DECIMAL(21,2),
    "borrowing_authority_amount_total_cpe" DECIMAL(21,2),
    "contract_authority_amount_total_cpe" DECIMAL(21,2),
    "spending_authority_from_offsetting_collections_amount_cpe" DECIMAL(21,2),
    "other_budgetary_resources_amount_cpe" DECIMAL(21,2),
    "budget_authority_available_amount_total_cpe" DECIMAL(21,2),
    "gross_outlay_amount_by_tas_cpe" DECIMAL(21,2),
    "deobligations_recoveries_refunds_by_tas_cpe" DECIMAL(21,2),
    "unobligated_balance_cpe" DECIMAL(21,2),
    "status_of_budgetary_resources_total_cpe" DECIMAL(21,2),
    "obligations_incurred_total_by_tas_cpe" DECIMAL(21,2),
    "drv_appropriation_availability_period_start_date" DATE,
    "drv_appropriation_availability_period_end_date" DATE,
    "drv_appropriation_account_expired_status" TEXT,
    "tas_rendering_label" TEXT,
    "drv_obligations_unpaid_amount" DECIMAL(21,2),
    "drv_other_obligated_amount" DECIMAL(21,2),
    "reporting_period_start" DATE,
    "reporting_period_end" DATE,
    "last_modified_date" DATE,
    "certified_date" DATE,
    "create_date" TIMESTAMP(3),
    "update_date" TIMESTAMP(3),
    "final_of_fy" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "appropriation_account_balances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ref_program_activity" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "program_activity_code" TEXT,
    "program_activity_name" TEXT,
    "budget_year" TEXT,
    "responsible_agency_id" TEXT,
    "allocation_transfer_agency_id" TEXT,
    "main_account_code" TEXT,
    "valid_begin_date" TIMESTAMP(3),
    "valid_end_date" TIMESTAMP(3),
    "valid_code_indicator" TEXT,
    "create_date" TIMESTAMP(3),
    "update_date" TIMESTAMP(3),

    CONSTRAINT "ref_program_activity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "object_class" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "object_class" TEXT,
    "max_object_class_name" TEXT,
    "direct_or_reimbursable" TEXT,
    "label" TEXT,
    "valid_begin_date" TIMESTAMP(3),
    "valid_end_date" TIMESTAMP(3),
    "valid_code_indicator" TEXT,
    "create_date" TIMESTAMP(3),
    "update_date" TIMESTAMP(3),

    CONSTRAINT "object_class_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "financial_accounts_by_program_activity_object_class" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "program_activity_id" INTEGER,
    "object_class_id" INTEGER,
    "treasury_account_id" INTEGER,
    "submission_id" INTEGER,
    "data_source" TEXT,
    "program_activity_name" TEXT,
    "by_direct_reimbursable_funding_source" TEXT,
    "ussgl480100_undelivered_orders_obligations_unpaid_fyb" DECIMAL(21,2),
    "ussgl480100_undelivered_orders_obligations_unpaid_cpe" DECIMAL(21,2),
    "ussgl483100_undelivered_orders_oblig_transferred_unpaid_cpe" DECIMAL(21,2),
    "ussgl488100_upward_adjust_pri_undeliv_order_oblig_unpaid_cpe" DECIMAL(21,2),
    "ussgl490100_delivered_orders_obligations_unpaid_fyb" DECIMAL(21,2),
    "ussgl490100_delivered_orders_obligations_unpaid_cpe" DECIMAL(21,2),
    "ussgl493100_delivered_orders_oblig_transferred_unpaid_cpe" DECIMAL(21,2),
    "ussgl498100_upward_adjust_pri_deliv_orders_oblig_unpaid_cpe" DECIMAL(21,2),
    "ussgl480200_undelivered_orders_oblig_prepaid_advanced_fyb" DECIMAL(21,2),
    "ussgl480200_undelivered_orders_oblig_prepaid_advanced_cpe" DECIMAL(21,2),
    "ussgl483200_undeliv_orders_oblig_transferred_prepaid_adv_cpe" DECIMAL(21,2),
    "ussgl488200_up_adjust_pri_undeliv_order_oblig_ppaid_adv_cpe" DECIMAL(21,2),
    "ussgl490200_delivered_orders_obligations_paid_cpe" DECIMAL(21,2),
    "ussgl490800_authority_outlayed_not_yet_disbursed_fyb" DECIMAL(21,2),
    "ussgl490800_authority_outlayed_not_yet_disbursed_cpe" DECIMAL(21,2),
    "ussgl498200_upward_adjust_pri_deliv_orders_oblig_paid_cpe" DECIMAL(21,2),
    "obligations_undelivered_orders_unpaid_total_fyb" DECIMAL(21,2),
    "obligations_undelivered_orders_unpaid_total_cpe" DECIMAL(21,2),
    "obligations_delivered_orders_unpaid_total_fyb" DECIMAL(21,2),
    "obligations_delivered_orders_unpaid_total_cpe" DECIMAL(21,2),
    "gross_outlays_undelivered_orders_prepaid_total_fyb" DECIMAL(21,2),
    "gross_outlays_undelivered_orders_prepaid_total_cpe" DECIMAL(21,2),
    "gross_outlays_delivered_orders_paid_total_fyb" DECIMAL(21,2),
    "gross_outlays_delivered_orders_paid_total_cpe" DECIMAL(21,2),
    "gross_outlay_amount_by_program_object_class_fyb" DECIMAL(21,2),
    "gross_outlay_amount_by_program_object_class_cpe" DECIMAL(21,2),
    "obligations_incurred_by_program_object_class_cpe" DECIMAL(21,2),
    "ussgl487100_down_adj_pri_unpaid_undel_orders_oblig_recov_cpe" DECIMAL(21,2),
    "ussgl497100_down_adj_pri_unpaid_deliv_orders_oblig_recov_cpe" DECIMAL(21,2),
    "ussgl487200_down_adj_pri_ppaid_undel_orders_oblig_refund_cpe" DECIMAL(21,2),
    "ussgl497200_down_adj_pri_paid_deliv_orders_oblig_refund_cpe" DECIMAL(21,2),
    "deobligations_recoveries_refund_pri_program_object_class_cpe" DECIMAL(21,2),
    "drv_obligations_incurred_by_program_object_class" DECIMAL(21,2),
    "drv_obligations_undelivered_orders_unpaid" DECIMAL(21,2),
    "reporting_period_start" DATE,
    "reporting_period_end" DATE,
    "last_modified_date" DATE,
    "certified_date" DATE,
    "create_date" TIMESTAMP(3),
    "update_date" TIMESTAMP(3),

    CONSTRAINT "financial_accounts_by_program_activity_object_class_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "financial_accounts_by_awards" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "award_id" INTEGER,
    "program_activity_id" INTEGER,
    "object_class_id" INTEGER,
    "treasury_account_id" INTEGER,
    "submission_id" INTEGER,
    "data_source" TEXT,
    "program_activity_name" TEXT,
    "by_direct_reimbursable_funding_source" TEXT,
    "piid" TEXT,
    "parent_award_id" TEXT,
    "fain" TEXT,
    "uri" TEXT,
    "award_type" TEXT,
    "ussgl480100_undelivered_orders_obligations_unpaid_fyb" DECIMAL(21,2),
    "ussgl480100_undelivered_orders_obligations_unpaid_cpe" DECIMAL(21,2),
    "ussgl483100_undelivered_orders_oblig_transferred_unpaid_cpe" DECIMAL(21,2),
    "ussgl488100_upward_adjust_pri_undeliv_order_oblig_unpaid_cpe" DECIMAL(21,2),
    "ussgl490100_delivered_orders_obligations_unpaid_fyb" DECIMAL(21,2),
    "ussgl490100_delivered_orders_obligations_unpaid_cpe" DECIMAL(21,2),
    "ussgl493100_delivered_orders_oblig_transferred_unpaid_cpe" DECIMAL(21,2),
    "ussgl498100_upward_adjust_pri_deliv_orders_oblig_unpaid_cpe" DECIMAL(21,2),
    "ussgl480200_undelivered_orders_oblig_prepaid_advanced_fyb" DECIMAL(21,2),
    "ussgl480200_undelivered_orders_oblig_prepaid_advanced_cpe" DECIMAL(21,2),
    "ussgl483200_undeliv_orders_oblig_transferred_prepaid_adv_cpe" DECIMAL(21,2),
    "ussgl488200_up_adjust_pri_undeliv_order_oblig_ppaid_adv_cpe" DECIMAL(21,2),
    "ussgl490200_delivered_orders_obligations_paid_cpe" DECIMAL(21,2),
    "ussgl490800_authority_outlayed_not_yet_disbursed_fyb" DECIMAL(21,2),
    "ussgl490800_authority_outlayed_not_yet_disbursed_cpe" DECIMAL(21,2),
    "ussgl498200_upward_adjust_pri_deliv_orders_oblig_paid_cpe" DECIMAL(21,2),
    "ussgl487100_down_adj_pri_unpaid_undel_orders_oblig_recov_cpe" DECIMAL(21,2),
    "ussgl497100_down_adj_pri_unpaid_deliv_orders_oblig_recov_cpe" DECIMAL(21,2),
    "ussgl487200_down_adj_pri_ppaid_undel_orders_oblig_refund_cpe" DECIMAL(21,2),
    "ussgl497200_down_adj_pri_paid_deliv_orders_oblig_refund_cpe" DECIMAL(21,2),
    "obligations_undelivered_orders_unpaid_total_fyb" DECIMAL(21,2),
    "obligations_undelivered_orders_unpaid_total_cpe" DECIMAL(21,2),
    "obligations_delivered_orders_unpaid_total_fyb" DECIMAL(21,2),
    "obligations_delivered_orders_unpaid_total_cpe" DECIMAL(21,2),
    "gross_outlays_undelivered_orders_prepaid_total_fyb" DECIMAL(21,2),
    "gross_outlays_undelivered_orders_prepaid_total_cpe" DECIMAL(21,2),
    "gross_outlays_delivered_orders_paid_total_fyb" DECIMAL(21,2),
    "gross_outlays_delivered_orders_paid_total_cpe" DECIMAL(21,2),
    "gross_outlay_amount_by_award_fyb" DECIMAL(21,2),
    "gross_outlay_amount_by_award_cpe" DECIMAL(21,2),
    "obligations_incurred_total_by_award_cpe" DECIMAL(21,2),
    "deobligations_recoveries_refunds_of_prior_year_by_award_cpe" DECIMAL(21,2),
    "drv_obligations_incurred_total_by_award" DECIMAL(21,2),
    "transaction_obligated_amount" DECIMAL(21,2),
    "drv_award_id_field_type" TEXT,
    "reporting_period_start" DATE,
    "reporting_period_end" DATE,
    "last_modified_date" DATE,
    "certified_date" DATE,
    "create_date" TIMESTAMP(3),
    "update_date" TIMESTAMP(3),

    CONSTRAINT "financial_accounts_by_awards_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "submission_attributes_dataset_id_idx" ON "submission_attributes"("dataset_id");

-- CreateIndex
CREATE INDEX "federal_account_dataset_id_idx" ON "federal_account"("dataset_id");

-- CreateIndex
CREATE INDEX "treasury_appropriation_account_dataset_id_idx" ON "treasury_appropriation_account"("dataset_id");

-- CreateIndex
CREATE INDEX "appropriation_account_balances_dataset_id_idx" ON "appropriation_account_balances"("dataset_id");

-- CreateIndex
CREATE INDEX "appropriation_account_balances_treasury_account_id_idx" ON "appropriation_account_balances"("treasury_account_id");

-- CreateIndex
CREATE INDEX "ref_program_activity_dataset_id_idx" ON "ref_program_activity"("dataset_id");

-- CreateIndex
CREATE INDEX "object_class_dataset_id_idx" ON "object_class"("dataset_id");

-- CreateIndex
CREATE INDEX "financial_accounts_by_program_activity_object_class_dataset_idx" ON "financial_accounts_by_program_activity_object_class"("dataset_id");

-- CreateIndex
CREATE INDEX "financial_accounts_by_program_activity_object_class_treasur_idx" ON "financial_accounts_by_program_activity_object_class"("treasury_account_id");

-- CreateIndex
CREATE INDEX "financial_accounts_by_awards_dataset_id_idx" ON "financial_accounts_by_awards"("dataset_id");

-- CreateIndex
CREATE INDEX "financial_accounts_by_awards_award_id_idx" ON "financial_accounts_by_awards"("award_id");

-- CreateIndex
CREATE INDEX "financial_accounts_by_awards_treasury_account_id_idx" ON "financial_accounts_by_awards"("treasury_account_id");

-- AddForeignKey
ALTER TABLE "submission_attributes" ADD CONSTRAINT "submission_attributes_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "federal_account" ADD CONSTRAINT "federal_account_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "treasury_appropriation_account" ADD CONSTRAINT "treasury_appropriation_account_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "treasury_appropriation_account" ADD CONSTRAINT "treasury_appropriation_account_federal_account_id_fkey" FOREIGN KEY ("federal_account_id") REFERENCES "federal_account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appropriation_account_balances" ADD CONSTRAINT "appropriation_account_balances_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appropriation_account_balances" ADD CONSTRAINT "appropriation_account_balances_treasury_account_id_fkey" FOREIGN KEY ("treasury_account_id") REFERENCES "treasury_appropriation_account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appropriation_account_balances" ADD CONSTRAINT "appropriation_account_balances_submission_id_fkey" FOREIGN KEY ("submission_id") REFERENCES "submission_attributes"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ref_program_activity" ADD CONSTRAINT "ref_program_activity_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "object_class" ADD CONSTRAINT "object_class_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "financial_accounts_by_program_activity_object_class" ADD CONSTRAINT "financial_accounts_by_program_activity_object_class_datase_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "financial_accounts_by_program_activity_object_class" ADD CONSTRAINT "financial_accounts_by_program_activity_object_class_progra_fkey" FOREIGN KEY ("program_activity_id") REFERENCES "ref_program_activity"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "financial_accounts_by_program_activity_object_class" ADD CONSTRAINT "financial_accounts_by_program_activity_object_class_object_fkey" FOREIGN KEY ("object_class_id") REFERENCES "object_class"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "financial_accounts_by_program_activity_object_class" ADD CONSTRAINT "financial_accounts_by_program_activity_object_class_treasu_fkey" FOREIGN KEY ("treasury_account_id") REFERENCES "treasury_appropriation_account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "financial_accounts_by_program_activity_object_class" ADD CONSTRAINT "financial_accounts_by_program_activity_object_class_submis_fkey" FOREIGN KEY ("submission_id") REFERENCES "submission_attributes"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "financial_accounts_by_awards" ADD CONSTRAINT "financial_accounts_by_awards_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "financial_accounts_by_awards" ADD CONSTRAINT "financial_accounts_by_awards_award_id_fkey" FOREIGN KEY ("award_id") REFERENCES "award"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "financial_accounts_by_awards" ADD CONSTRAINT "financial_accounts_by_awards_program_activity_id_fkey" FOREIGN KEY ("program_activity_id") REFERENCES "ref_program_activity"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "financial_accounts_by_awards" ADD CONSTRAINT "financial_accounts_by_awards_object_class_id_fkey" FOREIGN KEY ("object_class_id") REFERENCES "object_class"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "financial_accounts_by_awards" ADD CONSTRAINT "financial_accounts_by_awards_treasury_account_id_fkey" FOREIGN KEY ("treasury_account_id") REFERENCES "treasury_appropriation_account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "financial_accounts_by_awards" ADD CONSTRAINT "financial_accounts_by_awards_submission_id_fkey" FOREIGN KEY ("submission_id") REFERENCES "submission_attributes"("id") ON DELETE SET NULL ON UPDATE CASCADE;
