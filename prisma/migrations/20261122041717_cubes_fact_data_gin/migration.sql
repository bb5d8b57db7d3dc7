-- CreateIndex
CREATE INDEX "fact_data_path_idx" ON "fact" USING GIN ("data" jsonb_path_ops);
