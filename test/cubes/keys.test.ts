import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { compositeKey } from '../../src/cubes/ingest/cube-writer.js';
import { graphql } from '../gql/index.js';
import { app, execute } from '../helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

const root = new URL('../../', import.meta.url).pathname;
const madridDir = join(root, 'test/cubes/fixtures/madrid-keys');
const moldovaDir = join(root, 'samples/cubes/md-sample');
const madrid = 'cubes-keys-madrid';
const moldova = 'cubes-keys-moldova';
const work = mkdtempSync(join(tmpdir(), 'spendgraph-cube-keys-'));

interface FdpPackage {
  resources: { path: string }[];
  model: { dimensions: Record<string, { attributes: Record<string, { source: string }>; primaryKey: string | string[] }> };
}

function csvRows(dir: string): Row[] {
  const dp = JSON.parse(readFileSync(join(dir, 'datapackage.json'), 'utf8')) as FdpPackage;
  return parse(readFileSync(join(dir, dp.resources[0]!.path)), { columns: true, bom: true }) as Row[];
}

const madridRows = csvRows(madridDir);

/** Sum of Importe in cents over the rows that pass `keep`, computed from the CSV text. */
function cents(keep: (row: Row) => boolean): number {
  return madridRows.filter(keep).reduce((sum, row) => sum + Math.round(Number(row.Importe) * 100), 0);
}

async function rest(path: string): Promise<{ status: number; body: Row }> {
  const response = await app.request(path);
  return { status: response.status, body: (await response.json()) as Row };
}

async function ok(path: string): Promise<Row> {
  const { status, body } = await rest(path);
  expect(status, `${path}: ${JSON.stringify(body)}`).toBe(200);
  return body;
}

const toCents = (value: unknown) => Math.round(Number(value) * 100);

beforeAll(async () => {
  await ingest(db, { path: madridDir, name: madrid });
  await ingest(db, { path: moldovaDir, name: moldova });
}, 300_000);

afterAll(async () => {
  await db.dataset.deleteMany({ where: { name: { in: [madrid, moldova] } } });
  rmSync(work, { recursive: true, force: true });
});

const CubeKeys = graphql(`
  query CubeKeys($name: String!, $dimension: String!, $cut: String, $aggregates: [String!]) {
    cube(name: $name) {
      dimensions { name keyAttribute labelAttribute hierarchy cardinality }
      hierarchies { name levels }
      members(dimension: $dimension, first: 1000) { totalCount nodes { key label attributes } }
      aggregate(cut: $cut, aggregates: $aggregates) { summary }
    }
  }
`);

const CubeDrill = graphql(`
  query CubeDrill($name: String!, $drilldown: [String!], $cut: String) {
    cube(name: $name) {
      aggregate(drilldown: $drilldown, cut: $cut, aggregates: ["_count", "amount.sum"], first: 100) {
        totalCount
        attributes
        nodes { key values }
      }
    }
  }
`);

describe('a two-attribute key (Madrid-shaped package)', () => {
  const pairs = [...new Set(madridRows.map((row) => `${row.Centro}/${row.Seccion}`))];

  it('has one member per (centro, sección) pair: model cardinality, members and drilldown agree', async () => {
    const model = (await ok(`/api/3/cubes/${madrid}/model`)).model as Row;
    const administrative = model.dimensions.administrative as Row;
    expect(administrative.key_attribute).toBe('key');
    expect(administrative.label_attribute).toBe('seccion_label');
    expect(administrative.cardinality).toBe(pairs.length);
    expect(administrative.attributes.key).toMatchObject({
      ref: 'administrative.key',
      type: 'string',
      key_parts: ['administrative.centro', 'administrative.seccion'],
    });
    expect(administrative.attributes.centro).not.toHaveProperty('key_parts');
    expect(pairs.length).toBe(6);

    const members = await ok(`/api/3/cubes/${madrid}/members/administrative?pagesize=100`);
    expect(members.total_member_count).toBe(pairs.length);
    expect(members.data.map((m: Row) => m['administrative.key']).sort()).toEqual([...pairs].sort());
    for (const member of members.data as Row[]) {
      expect(member['administrative.key']).toBe(`${member['administrative.centro']}/${member['administrative.seccion']}`);
    }

    const drilled = await ok(`/api/3/cubes/${madrid}/aggregate?drilldown=administrative&pagesize=100`);
    expect(drilled.total_cell_count).toBe(pairs.length);
    for (const cell of drilled.cells as Row[]) {
      const [centro, seccion] = String(cell['administrative.key']).split('/');
      expect(toCents(cell['amount.sum'])).toBe(cents((row) => row.Centro === centro && row.Seccion === seccion));
    }
  });

  it('cuts on the joined key select one organisation, through /api/3, /api/2 and GraphQL', async () => {
    const expected = cents((row) => row.Centro === '2' && row.Seccion === '25');
    const count = madridRows.filter((row) => row.Centro === '2' && row.Seccion === '25').length;
    expect(count).toBe(2);

    const v3 = await ok(`/api/3/cubes/${madrid}/aggregate?cut=administrative:2/25`);
    expect(v3.summary._count).toBe(count);
    expect(toCents(v3.summary['amount.sum'])).toBe(expected);
    const quoted = await ok(`/api/3/cubes/${madrid}/aggregate?cut=${encodeURIComponent('administrative:"2/25";"4/30"')}`);
    expect(toCents(quoted.summary['amount.sum'])).toBe(
      expected + cents((row) => row.Centro === '4' && row.Seccion === '30'),
    );

    const v2 = await ok(`/api/2/aggregate?dataset=${madrid}&cut=administrative:2/25&drilldown=administrative`);
    expect(v2.drilldown).toHaveLength(1);
    expect(v2.drilldown[0].administrative).toMatchObject({ name: '2/25', label: 'Agencia Tributaria Madrid', centro: 2, seccion: 25 });
    expect(toCents(v2.summary.amount)).toBe(expected);

    const gql = await execute(CubeKeys, {
      name: madrid,
      dimension: 'administrative',
      cut: 'administrative:2/25',
      aggregates: ['_count', 'amount.sum'],
    });
    expect(gql.errors).toBeUndefined();
    const cube = gql.data!.cube!;
    expect((cube.aggregate.summary as Row)._count).toBe(count);
    expect(toCents((cube.aggregate.summary as Row)['amount.sum'])).toBe(expected);
    expect(cube.members.totalCount).toBe(pairs.length);
    expect(cube.members.nodes.map((m) => m.key).sort()).toEqual([...pairs].sort());
    expect(cube.members.nodes.find((m) => m.key === '1/27')?.label).toBe('Hacienda y Personal');
    expect(cube.dimensions.find((d) => d.name === 'administrative')).toMatchObject({
      keyAttribute: 'key',
      labelAttribute: 'seccion_label',
      cardinality: pairs.length,
      hierarchy: 'administrative_hierarchy',
    });
  });

  it('no longer reads a bare sección as the key: babbage refuses the integer, /api/2 finds no such member', async () => {
    const v3 = await rest(`/api/3/cubes/${madrid}/aggregate?cut=administrative:25`);
    expect(v3.status).toBe(400);
    expect(v3.body.message).toBe("Invalid value 25 parsed as type 'integer' for cut administrative of type 'string'");
    const v2 = await ok(`/api/2/aggregate?dataset=${madrid}&cut=administrative:25`);
    expect(v2.summary.num_entries).toBe(0);
    // The sección alone still cuts as its own attribute: all four organisations that have a sección 25.
    const seccion = await ok(`/api/3/cubes/${madrid}/aggregate?cut=administrative.seccion:25&drilldown=administrative.centro`);
    expect(seccion.total_cell_count).toBe(4);
    expect(toCents(seccion.summary['amount.sum'])).toBe(cents((row) => row.Seccion === '25'));
  });

  it('turns parent chains into hierarchies that drill level by level', async () => {
    const model = (await ok(`/api/3/cubes/${madrid}/model`)).model as Row;
    expect(model.hierarchies).toEqual({
      administrative_hierarchy: {
        ref: 'administrative_hierarchy',
        label: 'administrative',
        levels: ['administrative.centro', 'administrative.seccion'],
      },
      economic_hierarchy: { ref: 'economic_hierarchy', label: 'economic', levels: ['economic.capitulo', 'economic.economico'] },
    });

    const top = await ok(`/api/3/cubes/${madrid}/aggregate?drilldown=administrative_hierarchy&pagesize=100`);
    expect(top.attributes).toEqual(['administrative.centro', 'administrative.centro_label']);
    const centros = [...new Set(madridRows.map((row) => row.Centro))];
    expect(top.total_cell_count).toBe(centros.length);
    for (const cell of top.cells as Row[]) {
      expect(toCents(cell['amount.sum'])).toBe(cents((row) => row.Centro === String(cell['administrative.centro'])));
    }

    const below = await ok(`/api/3/cubes/${madrid}/aggregate?drilldown=administrative_hierarchy&cut=administrative.centro:4&pagesize=100`);
    expect(below.attributes).toEqual([
      'administrative.centro',
      'administrative.centro_label',
      'administrative.seccion',
      'administrative.seccion_label',
    ]);
    expect((below.cells as Row[]).map((c) => [c['administrative.seccion'], toCents(c['amount.sum'])])).toEqual([
      [25, cents((row) => row.Centro === '4' && row.Seccion === '25')],
      [30, cents((row) => row.Centro === '4' && row.Seccion === '30')],
    ]);

    // A cut on the whole composite key fixes every level: the deepest level comes back.
    const whole = await ok(`/api/3/cubes/${madrid}/aggregate?drilldown=administrative_hierarchy&cut=administrative:4/30`);
    expect(whole.attributes).toHaveLength(4);
    expect(whole.total_cell_count).toBe(1);

    const capitulos = await execute(CubeDrill, { name: madrid, drilldown: ['economic_hierarchy'] });
    expect(capitulos.errors).toBeUndefined();
    const chapters = [...new Set(madridRows.map((row) => row.Capitulo))];
    expect(capitulos.data!.cube!.aggregate.attributes).toEqual(['economic.capitulo', 'economic.capitulo_label']);
    expect(capitulos.data!.cube!.aggregate.totalCount).toBe(chapters.length);

    const economicos = await execute(CubeDrill, { name: madrid, drilldown: ['economic_hierarchy'], cut: 'economic.capitulo:1' });
    expect(economicos.errors).toBeUndefined();
    const nodes = economicos.data!.cube!.aggregate.nodes;
    expect(nodes.map((n) => (n.key as Row)['economic.economico'])).toEqual([12000, 13000]);
    expect(nodes.map((n) => toCents((n.values as Row)['amount.sum']))).toEqual([
      cents((row) => row.Capitulo === '1' && row.Economico === '12000'),
      cents((row) => row.Capitulo === '1' && row.Economico === '13000'),
    ]);
  });

  it('refuses a parent that names nothing, naming the package file and the attribute', async () => {
    const dir = join(work, 'bad-parent');
    cpSync(madridDir, dir, { recursive: true });
    const dp = JSON.parse(readFileSync(join(dir, 'datapackage.json'), 'utf8')) as Row;
    dp.model.dimensions.administrative.attributes.seccion.parent = 'centre';
    writeFileSync(join(dir, 'datapackage.json'), JSON.stringify(dp));
    await expect(ingest(db, { path: dir, name: 'cubes-keys-bad-parent' })).rejects.toThrow(
      `${join(dir, 'datapackage.json')}: dimension "administrative" attribute "seccion": parent "centre" is neither an attribute of "administrative" nor a dimension`,
    );
    expect(await db.dataset.count({ where: { name: 'cubes-keys-bad-parent' } })).toBe(0);

    dp.model.dimensions.administrative.attributes.seccion.parent = 'centro';
    dp.model.dimensions.administrative.primaryKey = ['centro', 'section'];
    writeFileSync(join(dir, 'datapackage.json'), JSON.stringify(dp));
    await expect(ingest(db, { path: dir, name: 'cubes-keys-bad-parent' })).rejects.toThrow(
      `${join(dir, 'datapackage.json')}: dimension "administrative": primaryKey must name its attributes, got ["centro","section"]`,
    );
  });

  it('puts a dimension named by a parent above the attribute, and refuses parent cycles', async () => {
    const dir = join(work, 'dimension-parent');
    cpSync(madridDir, dir, { recursive: true });
    const dp = JSON.parse(readFileSync(join(dir, 'datapackage.json'), 'utf8')) as Row;
    const economic = dp.model.dimensions.economic;
    dp.model.dimensions.chapter = {
      attributes: { capitulo: economic.attributes.capitulo, capitulo_label: economic.attributes.capitulo_label },
      primaryKey: 'capitulo',
    };
    delete economic.attributes.capitulo;
    delete economic.attributes.capitulo_label;
    economic.attributes.economico.parent = 'chapter';
    writeFileSync(join(dir, 'datapackage.json'), JSON.stringify(dp));
    await ingest(db, { path: dir, name: 'cubes-keys-chapter' });
    try {
      const model = (await ok('/api/3/cubes/cubes-keys-chapter/model')).model as Row;
      expect(model.hierarchies.economic_hierarchy.levels).toEqual(['chapter', 'economic.economico']);
      const top = await ok('/api/3/cubes/cubes-keys-chapter/aggregate?drilldown=economic_hierarchy');
      expect(top.attributes).toEqual(['chapter.capitulo', 'chapter.capitulo_label']);
      const below = await ok('/api/3/cubes/cubes-keys-chapter/aggregate?drilldown=economic_hierarchy&cut=chapter:2');
      expect(below.attributes).toEqual(['chapter.capitulo', 'chapter.capitulo_label', 'economic.economico', 'economic.economico_label']);
      expect(below.cells.map((c: Row) => [c['economic.economico'], toCents(c['amount.sum'])])).toEqual([
        [22000, cents((row) => row.Capitulo === '2')],
      ]);
    } finally {
      await db.dataset.deleteMany({ where: { name: 'cubes-keys-chapter' } });
    }

    const cyclic = JSON.parse(readFileSync(join(madridDir, 'datapackage.json'), 'utf8')) as Row;
    cyclic.model.dimensions.administrative.attributes.centro.parent = 'seccion';
    writeFileSync(join(dir, 'datapackage.json'), JSON.stringify(cyclic));
    await expect(ingest(db, { path: dir, name: 'cubes-keys-cycle' })).rejects.toThrow(
      `${join(dir, 'datapackage.json')}: dimension "administrative": the parent attributes form a cycle (centro, seccion)`,
    );
  });

  it('escapes the separator inside a key part', () => {
    expect(compositeKey(['A/B', 'C\\D', 3])).toBe('A\\/B/C\\\\D/3');
    expect(compositeKey(['Central', null, '010'])).toBe('Central//010');
    expect(compositeKey([null, undefined])).toBeNull();
  });
});

describe('the bundled Moldova sample', () => {
  const dp = JSON.parse(readFileSync(join(moldovaDir, 'datapackage.json'), 'utf8')) as FdpPackage;
  const rows = csvRows(moldovaDir);
  const dimensionRef = (raw: string) => raw.replace(/[^A-Za-z0-9_]+/g, '_');

  /** Distinct primaryKey tuples of a dimension, read straight from the CSV. */
  function tuples(raw: string): Set<string> {
    const dimension = dp.model.dimensions[raw]!;
    const sources = [dimension.primaryKey].flat().map((key) => dimension.attributes[key]!.source);
    return new Set(rows.map((row) => JSON.stringify(sources.map((source) => row[source]))));
  }

  it('counts one member per key tuple in every dimension: cardinality == members == distinct CSV tuples', async () => {
    const model = (await ok(`/api/3/cubes/${moldova}/model`)).model as Row;
    const expected = Object.keys(dp.model.dimensions).map((raw) => [dimensionRef(raw), tuples(raw).size]);
    // The administrative key has six parts; its last part alone has far fewer values, which is what was counted before.
    expect(Object.fromEntries(expected)).toMatchObject({ administrative_classification: 118, other: 10 });
    for (const [name, size] of expected as [string, number][]) {
      expect(model.dimensions[name].cardinality, name).toBe(size);
      const members = await ok(`/api/3/cubes/${moldova}/members/${name}?pagesize=0`);
      expect(members.total_member_count, name).toBe(size);
      const gql = await execute(CubeKeys, { name: moldova, dimension: name });
      expect(gql.errors).toBeUndefined();
      expect(gql.data!.cube!.members.totalCount, name).toBe(size);
      expect(gql.data!.cube!.dimensions.find((d) => d.name === name)!.cardinality, name).toBe(size);
    }
  });

  it('cuts one administrative member by its joined key and counts its CSV rows', async () => {
    const members = await ok(`/api/3/cubes/${moldova}/members/administrative_classification?pagesize=1000`);
    const sources = ['admin1', 'admin2!', 'admin3 (code)', 'admin4 (code)', 'admin5 (code)', 'admin6 (code)'];
    for (const member of (members.data as Row[]).slice(0, 5)) {
      const key = member['administrative_classification.key'] as string;
      const parts = key.split('/');
      expect(parts).toHaveLength(6);
      const count = rows.filter((row) => sources.every((source, i) => row[source] === parts[i])).length;
      const cut = encodeURIComponent(`administrative_classification:${JSON.stringify(key)}`);
      const body = await ok(`/api/3/cubes/${moldova}/aggregate?cut=${cut}&aggregates=_count`);
      expect(body.summary._count, key).toBe(count);
      expect(count).toBeGreaterThan(0);
    }
  });

  it('drills the administrative parent chain one level at a time', async () => {
    const model = (await ok(`/api/3/cubes/${moldova}/model`)).model as Row;
    expect(model.hierarchies.administrative_classification_hierarchy.levels).toEqual([
      'administrative_classification.admin1',
      'administrative_classification.admin2_code',
      'administrative_classification.admin3_code',
      'administrative_classification.admin4_code',
      'administrative_classification.admin5_code',
      'administrative_classification.admin6_code',
    ]);
    expect(model.hierarchies.functional_classification_hierarchy.levels).toEqual([
      'functional_classification.func1_code',
      'functional_classification.func2_code',
    ]);
    const top = await ok(`/api/3/cubes/${moldova}/aggregate?drilldown=administrative_classification_hierarchy&aggregates=_count`);
    expect(top.total_cell_count).toBe(new Set(rows.map((row) => row.admin1)).size);
    const admin1 = top.cells[0]['administrative_classification.admin1'] as string;
    const next = await ok(
      `/api/3/cubes/${moldova}/aggregate?drilldown=administrative_classification_hierarchy&aggregates=_count&pagesize=1000` +
        `&cut=${encodeURIComponent(`administrative_classification.admin1:${JSON.stringify(admin1)}`)}`,
    );
    expect(next.attributes).toEqual([
      'administrative_classification.admin1',
      'administrative_classification.admin2_code',
      'administrative_classification.admin2_label',
    ]);
    const admin2Members = new Set(
      rows.filter((row) => row.admin1 === admin1).map((row) => JSON.stringify([row['admin2!'], row['admin2*']])),
    );
    expect(next.total_cell_count).toBe(admin2Members.size);
    expect((next.cells as Row[]).reduce((sum, cell) => sum + (cell._count as number), 0)).toBe(
      rows.filter((row) => row.admin1 === admin1).length,
    );

    // A cut fixing a deeper level alone drills below that level.
    const admin2 = next.cells[0]['administrative_classification.admin2_code'] as string;
    const third = await ok(
      `/api/3/cubes/${moldova}/aggregate?drilldown=administrative_classification_hierarchy&aggregates=_count&pagesize=1000` +
        `&cut=${encodeURIComponent(`administrative_classification.admin2_code:${JSON.stringify(admin2)}`)}`,
    );
    expect(third.attributes.slice(-2)).toEqual([
      'administrative_classification.admin3_code',
      'administrative_classification.admin3_label',
    ]);
    const admin3 = new Set(
      rows
        .filter((row) => row['admin2!'] === admin2)
        .map((row) => JSON.stringify([row.admin1, row['admin2*'], row['admin3 (code)'], row['admin3 (label)']])),
    );
    expect(third.total_cell_count).toBe(admin3.size);
  });
});
