-- AlterTable
ALTER TABLE "dataset" ADD COLUMN     "retired_at" TIMESTAMP(3);
