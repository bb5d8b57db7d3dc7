import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { app } from '../helpers.js';
import { folder, work } from '../ingest/fixtures.js';
import { samplePath } from './fixture.js';

afterAll(() => rmSync(work, { recursive: true, force: true }));

const DATASET = 'geo-shape-ods-csv';

async function search(params: Record<string, string>) {
  const response = await app.request(`/api/records/1.0/search?${new URLSearchParams({ dataset: DATASET, ...params })}`);
  return { status: response.status, body: (await response.json()) as any };
}

describe('ODS CSV exports with a geo_shape column', () => {
  // The first 12 rows of the bundled GeoNames ODS CSV export (CC BY 4.0), with a "Geo Shape" column added as ODS
  // exports write it (GeoJSON text): a square of 0.02° around each town; the fourth row has no shape.
  const lines = readFileSync(samplePath('geonames-pl-ods-export.csv'), 'utf8').split(/\r?\n/).slice(0, 13);
  const rows = lines.slice(1).map((line, i) => {
    const [lat, lon] = line.split(';').at(-1)!.split(',').map(Number) as [number, number];
    const d = 0.01;
    const shape = { type: 'Polygon', coordinates: [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]] };
    return { line, lat, lon, shape: i === 3 ? null : shape };
  });
  const csv = [`${lines[0]};Geo Shape`, ...rows.map((r) => `${r.line};${r.shape ? `"${JSON.stringify(r.shape).replace(/"/g, '""')}"` : ''}`)].join('\n');

  it('types the GeoJSON column geo_shape, returns it as geometry and filters it with #geometry and #polygon', async () => {
    const dir = folder({ 'shapes.csv': `${csv}\n` });
    await ingest(db, { path: join(dir, 'shapes.csv'), name: DATASET });
    const all = await search({ rows: '100' });
    expect(all.status).toBe(200);
    expect(all.body.nhits).toBe(rows.length);
    const fields = await app.request(`/api/datasets/1.0/${DATASET}/`);
    const meta = (await fields.json()) as { fields: { name: string; type: string }[] };
    expect(meta.fields.find((f) => f.name === 'geo_shape')?.type).toBe('geo_shape');
    const withShape = all.body.records.find((r: any) => r.fields.name === lines[1]!.split(';')[1]);
    expect(withShape.fields.geo_shape).toEqual(rows[0]!.shape);
    expect(withShape.geometry).toEqual(rows[0]!.shape);
    const without = all.body.records.find((r: any) => r.fields.name === lines[4]!.split(';')[1]);
    expect(without.geometry).toEqual({ type: 'Point', coordinates: [rows[3]!.lon, rows[3]!.lat] });
    const polygons = await search({ q: '#geometry(geo_shape, "polygon")', rows: '0' });
    expect(polygons.body.nhits).toBe(rows.filter((r) => r.shape).length);
    // A triangle around the first town only.
    const { lat, lon } = rows[0]!;
    const triangle = `(${lat - 0.05},${lon - 0.05}),(${lat - 0.05},${lon + 0.05}),(${lat + 0.05},${lon})`;
    const inside = rows.filter((r) => Math.abs(r.lat - lat) < 0.05 && Math.abs(r.lon - lon) < 0.05).length;
    expect((await search({ q: `#polygon(geo_shape, "${triangle}")`, rows: '0' })).body.nhits).toBe(inside);
  });
});
