import type { Loader } from '../types.js';
import { babbageLoader } from './babbage.js';
import { fdpLoader } from './fdp.js';

/** Every loader, most specific first: the first whose detect() accepts a path loads it. */
export const loaders: Loader[] = [babbageLoader, fdpLoader];
