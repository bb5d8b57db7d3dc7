import { GraphQLError } from 'graphql';

export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'TOO_MANY_REQUESTS' | 'TIMEOUT';

const statusOf: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  TOO_MANY_REQUESTS: 429,
  TIMEOUT: 503,
};

/**
 * An error whose message is safe and useful to show to the caller. GraphQL reports it with `extensions.code`
 * (and `path` naming the offending input where known); REST routes turn it into the matching status.
 */
export class UserError extends GraphQLError {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.code = code;
    this.status = statusOf[code];
  }
}

/** Bad arguments: `inputPath` names the offending node, e.g. ["filter", "and", 2, "field"]. */
export function badInput(message: string, inputPath?: (string | number)[]): UserError {
  return new UserError('BAD_USER_INPUT', message, inputPath ? { inputPath } : {});
}

export function notFound(message: string): UserError {
  return new UserError('NOT_FOUND', message);
}
