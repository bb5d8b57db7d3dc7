-- AlterTable
ALTER TABLE "attribute" ADD COLUMN     "key_parts" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "label_for" TEXT;
