import { UserError } from '../errors.js';

/** What a client may hear about a database error its request caused: by SQLSTATE, or by its class. */
const causes: Record<string, string> = {
  '22003': 'a number is out of range (numeric overflow)',
  '22012': 'division by zero',
  '22021': 'a value holds a byte no text can hold (NUL or invalid UTF-8)',
  '22P02': 'a value does not have the type its field or operation needs',
  '22007': 'a value is not a valid date or time',
  '22008': 'a date or time is out of range',
  '2201E': 'invalid argument for a logarithm',
  '2201F': 'invalid argument for a power function',
  '22023': 'a value is out of the range this operation accepts',
  '22001': 'a value is too long',
  '54001': 'the request is too complex for the database (nested too deeply)',
  '54000': 'the request is too large for the database',
};

/** The SQLSTATE of a driver error, wherever Prisma put it (raw queries: meta.driverAdapterError.cause). */
export function sqlState(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length) {
    const next = queue.shift();
    if (!next || typeof next !== 'object' || seen.has(next)) continue;
    seen.add(next);
    const record = next as Record<string, unknown>;
    for (const key of ['originalCode', 'code']) {
      const code = record[key];
      if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('P')) return code;
    }
    queue.push(record.cause, record.meta, record.driverAdapterError, record.originalError);
  }
  return undefined;
}

/**
 * A database error a request can cause, as the error its caller should get: data exceptions (class 22) and
 * program limits are the request's (400 naming the cause, never the driver's text); a statement cancelled by
 * SPENDGRAPH_STATEMENT_TIMEOUT is a 503. Anything else stays a fault (undefined).
 */
export function databaseUserError(error: unknown): UserError | undefined {
  if (error instanceof UserError) return undefined;
  const state = sqlState(error);
  if (!state) return undefined;
  if (state === '57014') {
    return new UserError('TIMEOUT', 'the request took longer than the database allows (SPENDGRAPH_STATEMENT_TIMEOUT): narrow it and try again');
  }
  const cause = causes[state] ?? (state.startsWith('22') ? 'a value is invalid for the database' : undefined);
  return cause ? new UserError('BAD_USER_INPUT', `the database refused the request: ${cause}`) : undefined;
}
