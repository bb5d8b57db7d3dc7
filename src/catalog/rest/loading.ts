import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { principalOf } from '../../access/middleware.js';
import { can } from '../../access/principal.js';
import { db } from '../../db.js';
import { ingest } from '../../shared/ingest/index.js';
import { DatasetBusyError } from '../../shared/ingest/store.js';
import { IngestError } from '../../shared/ingest/types.js';

const MAX_UPLOAD = 200 * 1024 * 1024;

interface DataPackageHead {
  name?: unknown;
  resources?: { path?: unknown }[];
}

/**
 * OpenSpending's loading API, `POST /api/2/new`, for Fiscal Data Packages uploaded as multipart form data: a
 * `datapackage` part holding datapackage.json and one part per CSV resource, named by the resource's path. The
 * original fetched `csv_file`/`metadata` URLs; this service fetches nothing, so those are refused with a 400.
 */
export function registerLoadingRoutes(app: Hono): void {
  app.post(
    '/api/2/new',
    bodyLimit({ maxSize: MAX_UPLOAD, onError: (c) => c.json({ errors: [`upload larger than ${MAX_UPLOAD} bytes`] }, 413) }),
    async (c) => {
      const principal = principalOf(c);
      if (principal.kind === 'anonymous') return c.json({ errors: ['an API key with write access is required'] }, 401);
      let form: Record<string, string | File | (string | File)[]>;
      try {
        form = await c.req.parseBody({ all: true });
      } catch {
        return c.json({ errors: ['expected multipart/form-data with a "datapackage" file'] }, 400);
      }
      if (typeof form.csv_file === 'string' || typeof form.metadata === 'string') {
        return c.json({ errors: ['csv_file and metadata URLs are not fetched: upload a "datapackage" file and its CSV files'] }, 400);
      }
      const packageFile = form.datapackage;
      if (!(packageFile instanceof File)) return c.json({ errors: ['a "datapackage" file part is required'] }, 400);
      let head: DataPackageHead;
      const packageText = await packageFile.text();
      try {
        head = JSON.parse(packageText) as DataPackageHead;
      } catch {
        return c.json({ errors: ['datapackage is not valid JSON'] }, 400);
      }
      const name = typeof form.name === 'string' && form.name !== '' ? form.name : head.name;
      if (typeof name !== 'string') return c.json({ errors: ['the datapackage has no "name"'] }, 400);

      const existing = await db.dataset.findUnique({ where: { name }, select: { private: true } });
      const allowed = existing ? can(principal, name, 'write') : can(principal, name, 'write') || can(principal, '*', 'write');
      if (!allowed) return c.json({ errors: [`no write permission for dataset "${name}"`] }, 403);
      // An update keeps the dataset's privacy; only a new dataset takes `private` from the request.
      const makePrivate = existing ? existing.private : form.private === 'true';

      const dir = await mkdtemp(join(tmpdir(), 'spendgraph-upload-'));
      try {
        await writeFile(join(dir, 'datapackage.json'), packageText);
        for (const resource of head.resources ?? []) {
          if (typeof resource.path !== 'string') continue;
          const part = form[resource.path];
          if (!(part instanceof File)) {
            return c.json({ errors: [`resource "${resource.path}" was not uploaded (send it as a part named by its path)`] }, 400);
          }
          const target = resolve(dir, resource.path);
          if (!target.startsWith(dir + sep)) return c.json({ errors: [`resource path escapes the package: ${resource.path}`] }, 400);
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, Buffer.from(await part.arrayBuffer()));
        }
        const result = await ingest(db, { path: dir, name, private: makePrivate });
        return c.json({ status: 'ok', dataset: result.name, family: result.family.toLowerCase(), rows: result.rows, private: makePrivate }, existing ? 200 : 201);
      } catch (error) {
        if (error instanceof DatasetBusyError) return c.json({ errors: [error.message] }, 409);
        if (error instanceof IngestError) {
          return c.json({ errors: [error.message.split(`${dir}${sep}`).join('')] }, 400);
        }
        throw error;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
}
