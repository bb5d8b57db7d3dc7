-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "DatasetFamily" AS ENUM ('CUBE', 'AWARDS', 'RECORDS');

-- CreateTable
CREATE TABLE "dataset" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "family" "DatasetFamily" NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "publisher" TEXT,
    "license" TEXT,
    "license_url" TEXT,
    "themes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "language" TEXT,
    "modified" TIMESTAMP(3),
    "private" BOOLEAN NOT NULL DEFAULT false,
    "source" JSONB,
    "loader" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "dataset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dimension" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "label" TEXT,
    "description" TEXT,
    "key_attribute" TEXT NOT NULL,
    "label_attribute" TEXT,
    "dimension_type" TEXT,
    "position" INTEGER NOT NULL,

    CONSTRAINT "dimension_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "attribute" (
    "id" SERIAL NOT NULL,
    "dimension_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "label" TEXT,
    "column" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "attribute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "measure" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "label" TEXT,
    "column" TEXT NOT NULL,
    "currency" TEXT,
    "position" INTEGER NOT NULL,

    CONSTRAINT "measure_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "hierarchy" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "label" TEXT,
    "levels" TEXT[],

    CONSTRAINT "hierarchy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fact" (
    "id" BIGSERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "row_number" INTEGER NOT NULL,
    "data" JSONB NOT NULL,

    CONSTRAINT "fact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "record_field" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "label" TEXT,
    "type" TEXT NOT NULL,
    "annotations" JSONB NOT NULL DEFAULT '{}',
    "position" INTEGER NOT NULL,

    CONSTRAINT "record_field_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "record" (
    "id" BIGSERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "record_id" TEXT NOT NULL,
    "fields" JSONB NOT NULL,
    "lat" DOUBLE PRECISION,
    "lon" DOUBLE PRECISION,
    "geometry" JSONB,
    "timestamp" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "record_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "toptier_agency" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "cgac_code" TEXT,
    "fpds_code" TEXT,
    "abbreviation" TEXT,
    "name" TEXT NOT NULL,

    CONSTRAINT "toptier_agency_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subtier_agency" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "subtier_code" TEXT,
    "abbreviation" TEXT,
    "name" TEXT NOT NULL,

    CONSTRAINT "subtier_agency_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agency" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "toptier_agency_id" INTEGER,
    "subtier_agency_id" INTEGER,
    "toptier_flag" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "agency_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "location" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "country_code" TEXT,
    "country_name" TEXT,
    "state_code" TEXT,
    "state_name" TEXT,
    "city_name" TEXT,
    "county_name" TEXT,
    "county_code" TEXT,
    "zip5" TEXT,
    "zip4" TEXT,
    "congressional_code" TEXT,
    "foreign_postal_code" TEXT,
    "foreign_province" TEXT,
    "foreign_city_name" TEXT,
    "address_line1" TEXT,
    "address_line2" TEXT,
    "address_line3" TEXT,
    "place_of_performance_flag" BOOLEAN NOT NULL DEFAULT false,
    "recipient_flag" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "location_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "recipient" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "recipient_name" TEXT,
    "recipient_unique_id" TEXT,
    "parent_recipient_unique_id" TEXT,
    "business_types" TEXT,
    "business_types_description" TEXT,
    "business_categories" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "location_id" INTEGER,

    CONSTRAINT "recipient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "award" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "type" TEXT,
    "type_description" TEXT,
    "category" TEXT,
    "piid" TEXT,
    "fain" TEXT,
    "uri" TEXT,
    "parent_award_id" INTEGER,
    "total_obligation" DECIMAL(20,2),
    "total_outlay" DECIMAL(20,2),
    "potential_total_value_of_award" DECIMAL(20,2),
    "awarding_agency_id" INTEGER,
    "funding_agency_id" INTEGER,
    "recipient_id" INTEGER,
    "place_of_performance_id" INTEGER,
    "date_signed" DATE,
    "description" TEXT,
    "period_of_performance_start_date" DATE,
    "period_of_performance_current_end_date" DATE,
    "last_modified_date" DATE,
    "certified_date" DATE,
    "create_date" TIMESTAMP(3),
    "update_date" TIMESTAMP(3),

    CONSTRAINT "award_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transaction" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "award_id" INTEGER,
    "type" TEXT,
    "type_description" TEXT,
    "action_date" DATE,
    "action_type" TEXT,
    "federal_action_obligation" DECIMAL(20,2),
    "modification_number" TEXT,
    "awarding_agency_id" INTEGER,
    "funding_agency_id" INTEGER,
    "recipient_id" INTEGER,
    "place_of_performance_id" INTEGER,
    "description" TEXT,
    "fiscal_year" INTEGER,
    "contract_data" JSONB,
    "assistance_data" JSONB,
    "create_date" TIMESTAMP(3),
    "update_date" TIMESTAMP(3),

    CONSTRAINT "transaction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "dataset_name_key" ON "dataset"("name");

-- CreateIndex
CREATE INDEX "dataset_family_idx" ON "dataset"("family");

-- CreateIndex
CREATE UNIQUE INDEX "dimension_dataset_id_name_key" ON "dimension"("dataset_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "attribute_dimension_id_name_key" ON "attribute"("dimension_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "measure_dataset_id_name_key" ON "measure"("dataset_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "hierarchy_dataset_id_name_key" ON "hierarchy"("dataset_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "fact_dataset_id_row_number_key" ON "fact"("dataset_id", "row_number");

-- CreateIndex
CREATE UNIQUE INDEX "record_field_dataset_id_name_key" ON "record_field"("dataset_id", "name");

-- CreateIndex
CREATE INDEX "record_dataset_id_lat_lon_idx" ON "record"("dataset_id", "lat", "lon");

-- CreateIndex
CREATE UNIQUE INDEX "record_dataset_id_record_id_key" ON "record"("dataset_id", "record_id");

-- CreateIndex
CREATE INDEX "toptier_agency_dataset_id_idx" ON "toptier_agency"("dataset_id");

-- CreateIndex
CREATE INDEX "subtier_agency_dataset_id_idx" ON "subtier_agency"("dataset_id");

-- CreateIndex
CREATE INDEX "agency_dataset_id_idx" ON "agency"("dataset_id");

-- CreateIndex
CREATE INDEX "location_dataset_id_idx" ON "location"("dataset_id");

-- CreateIndex
CREATE INDEX "recipient_dataset_id_idx" ON "recipient"("dataset_id");

-- CreateIndex
CREATE INDEX "award_dataset_id_idx" ON "award"("dataset_id");

-- CreateIndex
CREATE INDEX "award_awarding_agency_id_idx" ON "award"("awarding_agency_id");

-- CreateIndex
CREATE INDEX "award_recipient_id_idx" ON "award"("recipient_id");

-- CreateIndex
CREATE INDEX "transaction_dataset_id_idx" ON "transaction"("dataset_id");

-- CreateIndex
CREATE INDEX "transaction_award_id_idx" ON "transaction"("award_id");

-- AddForeignKey
ALTER TABLE "dimension" ADD CONSTRAINT "dimension_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attribute" ADD CONSTRAINT "attribute_dimension_id_fkey" FOREIGN KEY ("dimension_id") REFERENCES "dimension"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "measure" ADD CONSTRAINT "measure_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hierarchy" ADD CONSTRAINT "hierarchy_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fact" ADD CONSTRAINT "fact_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "record_field" ADD CONSTRAINT "record_field_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "record" ADD CONSTRAINT "record_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "toptier_agency" ADD CONSTRAINT "toptier_agency_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subtier_agency" ADD CONSTRAINT "subtier_agency_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agency" ADD CONSTRAINT "agency_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agency" ADD CONSTRAINT "agency_toptier_agency_id_fkey" FOREIGN KEY ("toptier_agency_id") REFERENCES "toptier_agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agency" ADD CONSTRAINT "agency_subtier_agency_id_fkey" FOREIGN KEY ("subtier_agency_id") REFERENCES "subtier_agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "location" ADD CONSTRAINT "location_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recipient" ADD CONSTRAINT "recipient_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recipient" ADD CONSTRAINT "recipient_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "location"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "award" ADD CONSTRAINT "award_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "award" ADD CONSTRAINT "award_parent_award_id_fkey" FOREIGN KEY ("parent_award_id") REFERENCES "award"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "award" ADD CONSTRAINT "award_awarding_agency_id_fkey" FOREIGN KEY ("awarding_agency_id") REFERENCES "agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "award" ADD CONSTRAINT "award_funding_agency_id_fkey" FOREIGN KEY ("funding_agency_id") REFERENCES "agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "award" ADD CONSTRAINT "award_recipient_id_fkey" FOREIGN KEY ("recipient_id") REFERENCES "recipient"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "award" ADD CONSTRAINT "award_place_of_performance_id_fkey" FOREIGN KEY ("place_of_performance_id") REFERENCES "location"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transaction" ADD CONSTRAINT "transaction_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transaction" ADD CONSTRAINT "transaction_award_id_fkey" FOREIGN KEY ("award_id") REFERENCES "award"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transaction" ADD CONSTRAINT "transaction_awarding_agency_id_fkey" FOREIGN KEY ("awarding_agency_id") REFERENCES "agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transaction" ADD CONSTRAINT "transaction_funding_agency_id_fkey" FOREIGN KEY ("funding_agency_id") REFERENCES "agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transaction" ADD CONSTRAINT "transaction_recipient_id_fkey" FOREIGN KEY ("recipient_id") REFERENCES "recipient"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transaction" ADD CONSTRAINT "transaction_place_of_performance_id_fkey" FOREIGN KEY ("place_of_performance_id") REFERENCES "location"("id") ON DELETE SET NULL ON UPDATE CASCADE;
