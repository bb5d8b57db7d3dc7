import { can, type Principal } from '../../access/principal.js';
import { UserError } from '../../errors.js';

/** Throws UNAUTHENTICATED for an anonymous caller, FORBIDDEN when the caller's key lacks write access to `dataset`. */
export function requireWrite(principal: Principal, dataset: string): void {
  if (principal.kind === 'anonymous') {
    throw new UserError('UNAUTHENTICATED', 'an API key is required: send "Authorization: ApiKey <key>" or ?apikey=');
  }
  if (!can(principal, dataset, 'write')) throw new UserError('FORBIDDEN', `this API key has no write access to dataset "${dataset}"`);
}
