import type { Loader } from '../types.js';

/** Every loader, most specific first: the first whose detect() accepts a path loads it. */
export const loaders: Loader[] = [];
