import type { DatasetFamily } from '../../generated/prisma/enums.js';
import type { Tx } from '../../db.js';
import type { Progress } from './progress.js';

/** Catalog metadata of a dataset being loaded (everything but its rows). */
export interface DatasetMeta {
  name: string;
  family: DatasetFamily;
  title: string;
  description?: string | null;
  publisher?: string | null;
  license?: string | null;
  licenseUrl?: string | null;
  themes?: string[];
  keywords?: string[];
  language?: string | null;
  modified?: Date | null;
  private?: boolean;
  source?: unknown;
  /** Filled in by the framework with the id of the loader that produced the dataset. */
  loader?: string;
}

export interface LoadRequest {
  /** File or directory given on the command line. */
  path: string;
  /** Dataset name chosen by the caller (`--name`); loaders fall back to the source's own name. */
  name?: string;
  private?: boolean;
}

export interface LoadContext {
  progress: Progress;
  /** Adds a line to the load summary: how a file was read (a detected delimiter) or what was skipped. */
  note(text: string): void;
  /**
   * Replaces the dataset called `meta.name` atomically: inside one transaction the old version is deleted, the new
   * catalog row created, and `fill` writes the rows and returns how many it wrote. If `fill` throws, the previous
   * version is left untouched.
   */
  replaceDataset(meta: DatasetMeta, fill: (tx: Tx, datasetId: number) => Promise<number>): Promise<LoadResult>;
}

export interface LoadResult {
  datasetId: number;
  name: string;
  family: DatasetFamily;
  rows: number;
  /** Lines for the load summary (see LoadContext.note). */
  notes?: string[];
}

export interface Loader {
  /** Short id shown to users, e.g. "fdp" or "babbage". */
  id: string;
  family: DatasetFamily;
  description: string;
  /** What detect() looks for, in a few words, for the message when no loader recognises a path. */
  lookedFor: string;
  /**
   * When detect() refused a path that looks almost like this loader's format, what it missed (e.g. a CSV export
   * without the column that identifies it).
   */
  nearMiss?(path: string): Promise<string | undefined>;
  /** Whether this loader understands the file or directory at `path`. Must not read large files whole. */
  detect(path: string): Promise<boolean>;
  load(request: LoadRequest, context: LoadContext): Promise<LoadResult>;
}

/** A problem in the input itself: reported with the file and line, never with a stack trace. */
export class IngestError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(file ? `${file}${line ? `:${line}` : ''}: ${message}` : message);
    this.name = 'IngestError';
  }
}
