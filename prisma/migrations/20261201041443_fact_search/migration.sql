-- AlterTable
ALTER TABLE "fact" ADD COLUMN     "search" tsvector;

-- CreateIndex
CREATE INDEX "fact_search_idx" ON "fact" USING GIN ("search");

-- Facts loaded before this migration: the same text as the loader writes (src/cubes/ingest/cube-writer.ts).
UPDATE "fact" SET "search" = to_tsvector('english', coalesce((SELECT string_agg(e.value, ' ') FROM jsonb_each_text("fact"."data") AS e), ''));
