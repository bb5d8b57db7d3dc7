import { createHash } from 'node:crypto';
import type { SqlQuery } from '@prisma/driver-adapter-utils';

/**
 * Prepared statements for the statements the project writes itself (plain reads), by name: node-postgres parses a
 * named statement once per connection, and after five executions PostgreSQL plans it once for all parameters (a
 * generic plan) where it would plan an unnamed statement at every execution. For a page of awards with its
 * relations, planning cost PostgreSQL more than running it (0.64 against 0.29 ms of its CPU a statement).
 *
 * Only statements that recur are named: a text gets its name the second time it is seen among the last
 * `HOT_TEXTS` distinct texts, so a client sending ever new shapes of filter prepares nothing. What a connection has
 * prepared stays with it until it closes; the pools retire connections after `CONNECTION_LIFETIME_SECONDS`.
 * Prisma's own statements stay unnamed.
 */

const HOT_TEXTS = 256;

/** How long a pooled PostgreSQL connection lives, and with it the statements it prepared. */
export const CONNECTION_LIFETIME_SECONDS = 600;

/** Text → its statement's name, or null when the text was seen once. Insertion order is recency. */
const texts = new Map<string, string | null>();

/** A query that may be sent as a named statement (the name rides on the query through the adapters). */
export type NamedQuery = SqlQuery & { statementName?: string };

/** The name to prepare `sql` under, or undefined the first time it is seen (it is then sent unnamed). */
export function preparedName(sql: string): string | undefined {
  const known = texts.get(sql);
  if (known !== undefined) texts.delete(sql);
  const name = known === undefined ? null : (known ?? `sg_${createHash('sha1').update(sql).digest('hex')}`);
  texts.set(sql, name);
  if (texts.size > HOT_TEXTS) texts.delete(texts.keys().next().value!);
  return name ?? undefined;
}

/** adapter-pg's `statementNameGenerator`: the name a query carries, if any. */
export function statementName(query: SqlQuery): string {
  // adapter-pg passes the result as node-postgres's `name`, where undefined means an unnamed statement.
  return (query as NamedQuery).statementName as string;
}
