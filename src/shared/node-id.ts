/**
 * Global object ids: `base64url("<Type>:<key>")`. Opaque to clients, unique across types, and stable as long as
 * the row's key is (a dataset reload gives its rows new keys, as it gives them new content).
 */
import { badInput } from '../errors.js';

export function encodeNodeId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${String(id)}`, 'utf8').toString('base64url');
}

export function decodeNodeId(globalId: string): { typename: string; id: string } {
  const text = /^[A-Za-z0-9_-]{1,400}={0,2}$/.test(globalId) ? Buffer.from(globalId, 'base64url').toString('utf8') : '';
  const colon = text.indexOf(':');
  const typename = colon > 0 ? text.slice(0, colon) : '';
  if (!/^[A-Z][A-Za-z]*$/.test(typename) || colon === text.length - 1) {
    throw badInput(`"${globalId.slice(0, 60)}" is not a global id (take ids from the \`id\` field of an object)`, ['id']);
  }
  return { typename, id: text.slice(colon + 1) };
}
