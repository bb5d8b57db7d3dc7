import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './schema.js';

export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
