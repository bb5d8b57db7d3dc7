import { existsSync } from 'node:fs';
import type { Db } from '../../db.js';
import { loaders } from './loaders.js';
import { silentProgress, type Progress } from './progress.js';
import { replaceDatasetWith } from './store.js';
import { IngestError, type LoadRequest, type LoadResult, type Loader } from './types.js';

export async function detectLoader(path: string): Promise<Loader> {
  if (!existsSync(path)) throw new IngestError('no such file or directory', path);
  for (const loader of loaders) {
    if (await loader.detect(path)) return loader;
  }
  const misses = await Promise.all(loaders.map((loader) => loader.nearMiss?.(path)));
  const miss = misses.find((m) => m !== undefined);
  const lookedFor = loaders.map((loader) => loader.lookedFor).join('; ');
  throw new IngestError(`no loader recognises this source${miss ? `: ${miss}` : ''}\nlooked for: ${lookedFor}`, path);
}

export async function ingest(
  db: Db,
  request: LoadRequest,
  progress: Progress = silentProgress,
): Promise<LoadResult> {
  if (request.name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(request.name)) {
    throw new IngestError(
      `invalid dataset name "${request.name}": use letters, digits, '.', '_' and '-' (at most 128, starting with a letter or digit)`,
    );
  }
  const loader = await detectLoader(request.path);
  const replace = replaceDatasetWith(db);
  const notes: string[] = [];
  const result = await loader.load(request, {
    progress,
    note: (text) => notes.push(text),
    replaceDataset: async (meta, fill) => {
      // A reload keeps the dataset's privacy unless the request says otherwise.
      const existing = await db.dataset.findUnique({ where: { name: meta.name }, select: { private: true } });
      const isPrivate = request.private ?? existing?.private ?? meta.private ?? false;
      return replace({ ...meta, loader: loader.id, private: isPrivate }, fill);
    },
  });
  return notes.length > 0 ? { ...result, notes } : result;
}
