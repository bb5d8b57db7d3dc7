import type { Context } from 'hono';
import { UserError } from '../errors.js';
import { databaseUserError } from './database-errors.js';

/**
 * Mechanics shared by the REST dialects (babbage and OpenSpending v2 in src/cubes/rest, OpenDataSoft in
 * src/records/rest, USAspending in src/awards/rest): content types, JSONP and error envelopes. What differs between
 * dialects (parameter names, error bodies, messages) stays in each dialect's routes and is passed in.
 */

export const contentTypes = {
  json: 'application/json; charset=utf-8',
  javascript: 'application/javascript; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
} as const;

const callbackName = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

/** A JSONP callback must be a function name, plain or dotted (`cb`, `app.show`): nothing that runs code of its own. */
export function isCallbackName(name: string): boolean {
  return callbackName.test(name);
}

/**
 * JSONP lets any page read the answer with the visitor's credentials: it is served only for plain reads. Dialects
 * whose routes also take POST check this; babbage's routes are GET-only.
 */
export function jsonpAllowed(c: Context): boolean {
  return c.req.method === 'GET';
}

/** How a dialect writes its JSONP call around the JSON text. */
export type JsonpStyle = (callback: string, json: string) => string;

/** `callback({...});`, as OpenDataSoft writes it (babbage guards the call, see src/cubes/rest). */
export const jsonpStatement: JsonpStyle = (callback, json) => `${callback}(${json});`;

/** The JSONP answer: `json` (already serialised, so a dialect may indent it) wrapped by `style`. */
export function writeJsonp(c: Context, callback: string, json: string, style: JsonpStyle, status = 200): Response {
  return c.body(style(callback, json), status as 200, { 'content-type': contentTypes.javascript });
}

/** How a dialect reports errors: the body for an error the caller can act on, and the body of a fault. */
export interface ErrorEnvelope {
  /** Named in the server log next to faults. */
  dialect: string;
  user: (error: UserError) => unknown;
  internal: unknown;
}

export type Respond = (body: unknown, status: number) => Response;

/**
 * A thrown error as the dialect's error body: a UserError with its status, anything else logged and answered 500
 * without details. `respond` writes the body (plain JSON by default; babbage wraps errors in JSONP too).
 */
export function errorResponse(c: Context, envelope: ErrorEnvelope, error: unknown, respond?: Respond): Response {
  const write = respond ?? ((body, status) => c.json(body, status as 400));
  if (error instanceof UserError) return write(envelope.user(error), error.status);
  const refused = databaseUserError(error);
  if (refused) return write(envelope.user(refused), refused.status);
  console.error(`${envelope.dialect} REST error`, error);
  return write(envelope.internal, 500);
}

/** Runs a route's work, answering whatever it throws with the dialect's error envelope. */
export async function withErrorEnvelope(c: Context, envelope: ErrorEnvelope, work: () => Promise<Response>, respond?: Respond): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    return errorResponse(c, envelope, error, respond);
  }
}

/**
 * The error body of a request refused before its route ran (src/shared/edge.ts), in the shape of the dialect its
 * path belongs to.
 */
export function edgeErrorBody(path: string, status: number, message: string): unknown {
  if (path.startsWith('/graphql')) return { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] };
  if (path.startsWith('/api/3/')) return { status: 'error', message, context: {} };
  if (path.startsWith('/api/2/') || path === '/api/mytax') return { errors: [message] };
  // OpenSpending v2's REST resources at the root (`/datasets.json`, `/{dataset}/…`).
  if (path !== '/' && !/^\/(api|graphql|healthz|explore)(\/|$)/.test(path)) return { errors: [message] };
  if (/^\/api\/(records|datasets|push)\//.test(path)) return { errorcode: status, error: message };
  if (/^\/api\/v[12]\//.test(path)) return { message };
  return { message, code: 'BAD_REQUEST' };
}
