import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { principalOf } from '../../access/middleware.js';
import { can, isVisible, type Principal } from '../../access/principal.js';
import { bdpModel, resourceUrl, type BudgetDataPackage } from '../../cubes/ingest/bdp.js';
import { loadV2Cube, validateV2Model, type V2Model } from '../../cubes/ingest/v2-model.js';
import { datasetObject, datasetSelect } from '../../cubes/query/v2.js';
import { sendV2 } from '../../cubes/rest/v2.js';
import { FetchRefused, fetchToFile } from '../../shared/fetch-url.js';
import { readCsvHeader } from '../../shared/ingest/csv.js';
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
 * `datapackage` part holding datapackage.json and one part per CSV resource, named by the resource's path; or, as
 * OpenSpending documented it, `csv_file` and `metadata` URLs (a v2 model) or a `budget_data_package` URL, in the query
 * string or a form body, which the server fetches (src/shared/fetch-url.ts) and loads before it answers.
 */
export function registerLoadingRoutes(app: Hono): void {
  app.post(
    '/api/2/new',
    bodyLimit({ maxSize: MAX_UPLOAD, onError: (c) => c.json({ errors: [`upload larger than ${MAX_UPLOAD} bytes`] }, 413) }),
    async (c) => {
      const principal = principalOf(c);
      if (principal.kind === 'anonymous') return c.json({ errors: ['an API key with write access is required'] }, 401);
      let form: Form = {};
      const type = c.req.header('content-type') ?? '';
      if (/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(type)) {
        try {
          form = await c.req.parseBody({ all: true });
        } catch {
          return c.json({ errors: ['the form data could not be read'] }, 400);
        }
      }
      if (form.datapackage instanceof File) return uploadPackage(c, principal, form, form.datapackage);
      const params: Record<string, string | undefined> = { ...c.req.query() };
      for (const [key, value] of Object.entries(form)) if (typeof value === 'string') params[key] = value;
      return loadByUrl(c, principal, params);
    },
  );
}

type Form = Record<string, string | File | (string | File)[]>;

/** A Fiscal Data Package uploaded as multipart form data (Spendgraph's own form of the loading API). */
async function uploadPackage(c: Context, principal: Principal, form: Form, packageFile: File): Promise<Response> {
  if (typeof form.csv_file === 'string' || typeof form.metadata === 'string') {
    return c.json({ errors: ['give either a "datapackage" upload or csv_file and metadata URLs, not both'] }, 400);
  }
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
}

const truthy = (value: string | undefined) => value !== undefined && ['true', '1', 'yes', 'on'].includes(value.toLowerCase());

/** What a URL load will write: each CSV with the v2 model it is read with. */
interface UrlLoad {
  model: V2Model;
  csv: { url: string; file: string }[];
}

/** Fetches `url` into the work directory as `file`; a refusal is the caller's 400. */
async function fetched(url: string, dir: string, file: string): Promise<{ path: string; finalUrl: URL }> {
  const path = join(dir, file);
  return { path, finalUrl: await fetchToFile(url, path) };
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

/** `csv_file` + `metadata`: the model from the metadata URL (an existing v2 dataset keeps its stored model). */
async function v2Load(params: Record<string, string | undefined>, dir: string): Promise<UrlLoad | Response> {
  const metadata = await fetched(params.metadata!, dir, 'metadata.json');
  let model: unknown;
  try {
    model = await readJson(metadata.path);
  } catch {
    throw new LoadRefused('JSON model could not be parsed');
  }
  const problems = validateV2Model(model);
  if (problems.length) throw new LoadRefused('Model is not well formed', problems);
  const csv = await fetched(params.csv_file!, dir, 'data.csv');
  return { model: model as V2Model, csv: [{ url: params.csv_file!, file: csv.path }] };
}

/** `budget_data_package`: the package's resources, mapped from their known column names. */
async function bdpLoad(url: string, dir: string): Promise<UrlLoad> {
  const descriptor = await fetched(url, dir, 'datapackage.json');
  let pkg: BudgetDataPackage;
  try {
    pkg = (await readJson(descriptor.path)) as BudgetDataPackage;
  } catch {
    throw new LoadRefused('the budget data package is not valid JSON');
  }
  const resources = Array.isArray(pkg?.resources) ? pkg.resources : [];
  if (!pkg?.name || resources.length === 0) throw new LoadRefused('the budget data package needs a "name" and at least one resource');
  if (!/^[a-z0-9_-]{1,30}$/.test(String(pkg.name).toLowerCase())) throw new LoadRefused(`the package name "${String(pkg.name)}" must be 1 to 30 letters, digits, "-" or "_"`);
  const csv: UrlLoad['csv'] = [];
  let model: V2Model | null = null;
  for (const [i, resource] of resources.entries()) {
    const resourceAt = resourceUrl(resource, descriptor.finalUrl);
    if (!resourceAt) throw new LoadRefused(`resource ${i} has neither "url" nor "path"`);
    const file = await fetched(resourceAt, dir, `resource-${i}.csv`);
    const header = (await readCsvHeader(file.path)).columns;
    model ??= bdpModel(pkg, resource, header);
    csv.push({ url: resourceAt, file: file.path });
  }
  return { model: model!, csv };
}

/** A load refused before anything is written: upstream's `{errors: "<message>"}` (a string), with details if any. */
class LoadRefused extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/** OpenSpending's loading API as documented: the server fetches the URLs, loads them, and answers the dataset object. */
async function loadByUrl(c: Context, principal: Principal, params: Record<string, string | undefined>): Promise<Response> {
  const bdp = params.budget_data_package;
  if (!bdp) {
    if (!params.metadata) return c.json({ errors: 'metadata is missing' }, 400);
    if (!params.csv_file) return c.json({ errors: 'csv_file is missing' }, 400);
  }
  const dir = await mkdtemp(join(tmpdir(), 'spendgraph-fetch-'));
  try {
    const load = bdp ? await bdpLoad(bdp, dir) : await v2Load(params, dir);
    if (load instanceof Response) return load;
    const name = String(load.model.dataset.name).trim().toLowerCase();
    const existing = await db.dataset.findFirst({ where: { name, retiredAt: null }, select: { private: true, family: true, source: true } });
    const allowed = existing ? can(principal, name, 'write') : can(principal, name, 'write') || can(principal, '*', 'write');
    if (!allowed || (existing && !isVisible(principal, { name, private: existing.private }))) {
      return c.json({ errors: [`no write permission for dataset "${name}"`] }, 403);
    }
    if (existing && existing.family !== 'CUBE') return c.json({ errors: [`dataset "${name}" exists and is not a cube`] }, 409);
    // An update keeps the dataset's privacy and, as upstream did, the model it was first loaded with.
    const stored = (existing?.source as { v2?: V2Model } | null)?.v2;
    const model = stored?.mapping ? { ...stored, dataset: { ...stored.dataset, name } } : load.model;
    const makePrivate = existing ? existing.private : truthy(params.private);
    await loadV2Cube(db, model, load.csv.map((c) => c.file), {
      private: makePrivate,
      csvUrl: load.csv.map((c) => c.url).join(' '),
      loader: bdp ? 'openspending-bdp' : 'openspending-v2',
    });
    const [row] = await db.dataset.findMany({ where: { name, retiredAt: null }, include: datasetSelect });
    return sendV2(c, datasetObject(row!, new URL(c.req.url).origin));
  } catch (error) {
    if (error instanceof LoadRefused) return c.json({ errors: error.message, ...(error.details.length ? { details: error.details } : {}) }, 400);
    if (error instanceof FetchRefused) return c.json({ errors: error.message }, 400);
    if (error instanceof DatasetBusyError) return c.json({ errors: error.message }, 409);
    if (error instanceof IngestError) return c.json({ errors: error.message }, 400);
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
