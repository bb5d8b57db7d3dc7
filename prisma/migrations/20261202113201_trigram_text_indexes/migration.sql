-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "location_state_code_trgm_idx" ON "location" USING GIN ("state_code" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "location_country_code_trgm_idx" ON "location" USING GIN ("country_code" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "location_city_name_trgm_idx" ON "location" USING GIN ("city_name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "location_county_name_trgm_idx" ON "location" USING GIN ("county_name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "recipient_name_trgm_idx" ON "recipient" USING GIN ("recipient_name" gin_trgm_ops);
