import { badInput } from '../errors.js';
import type { builder } from '../builder.js';

type ArgBuilder = Parameters<Parameters<typeof builder.queryFields>[0]>[0]['arg'];

/** `page` (1-based) and `pageSize` arguments; check them with `pageWindow`. */
export function pageArgs(t: { arg: ArgBuilder }, defaultSize: number, maxSize: number) {
  return {
    page: t.arg.int({ required: true, defaultValue: 1, description: 'Page number, starting at 1.' }),
    pageSize: t.arg.int({
      required: true,
      defaultValue: defaultSize,
      description: `Rows per page, 1 to ${maxSize}.`,
    }),
  };
}

/** Validates page arguments (a clear error rather than a silent clamp) and turns them into skip/take. */
export function pageWindow(page: number, pageSize: number, maxSize: number) {
  if (!Number.isInteger(page) || page < 1) throw badInput(`page must be 1 or more, got ${page}`, ['page']);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxSize) {
    throw badInput(`pageSize must be between 1 and ${maxSize}, got ${pageSize}`, ['pageSize']);
  }
  return { page, pageSize, skip: (page - 1) * pageSize, take: pageSize };
}
