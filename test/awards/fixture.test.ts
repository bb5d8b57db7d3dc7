import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/db.js';
import { graphql } from '../gql/index.js';
import { execute } from '../helpers.js';
import { loadAwardSamples, rest } from './samples.js';

const AwardsFixtureTotalsByType = graphql(`
  query AwardsFixtureTotalsByType {
    awardTotals(field: TOTAL_OBLIGATION, groupBy: [TYPE_DESCRIPTION], dataset: "usaspending-fixture") {
      nodes { item sum }
    }
  }
`);

beforeAll(async () => {
  await loadAwardSamples();
});

describe('loaders', () => {
  it('keeps the fixture ids and moves sequences past them', async () => {
    const award = await db.award.findUnique({ where: { id: 47587 }, include: { awardingAgency: { include: { toptierAgency: true } } } });
    expect(award?.fain).toBe('SBAHQ15J0005');
    expect(award?.awardingAgency?.toptierAgency?.name).toBe('DEPARTMENT OF POORLY NAMED TEST DATA');
    const fixture = await db.dataset.findUniqueOrThrow({ where: { name: 'usaspending-fixture' } });
    expect(await db.award.count({ where: { datasetId: fixture.id } })).toBe(26);
    expect(await db.transaction.count({ where: { datasetId: fixture.id } })).toBe(32);
    const created = await db.location.create({ data: { datasetId: fixture.id, cityName: 'probe' } });
    expect(created.id).toBeGreaterThan(10);
    await db.location.delete({ where: { id: created.id } });
  });

  it('loads the contract and direct payment CSVs with agencies from the agency list', async () => {
    const contracts = await db.dataset.findUniqueOrThrow({ where: { name: 'usaspending-treasury-contracts' } });
    expect(await db.transaction.count({ where: { datasetId: contracts.id } })).toBe(126);
    const irs = await db.subtierAgency.findFirst({ where: { datasetId: contracts.id, subtierCode: '2050' } });
    expect(irs?.name).toMatch(/internal revenue/i);
    const payments = await db.dataset.findUniqueOrThrow({ where: { name: 'usaspending-direct-payments' } });
    expect(await db.transaction.count({ where: { datasetId: payments.id } })).toBe(124);
    const award = await db.award.findFirst({ where: { datasetId: payments.id, fain: '15036694' }, include: { recipient: true } });
    expect(award?.type).toBe('06');
    expect(award?.recipient?.recipientName).toBe('C PIERCE FARMS INC');
  });

  it('refuses a fixture whose ids belong to another dataset, leaving everything as it was', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { ingest } = await import('../../src/shared/ingest/index.js');
    const taken = await db.location.findFirstOrThrow({ where: { dataset: { name: 'usaspending-treasury-contracts' } } });
    const file = join(mkdtempSync(join(tmpdir(), 'awards-')), 'fixture.json');
    writeFileSync(file, JSON.stringify([{ model: 'references.location', pk: taken.id, fields: { city_name: 'X' } }]));
    await expect(ingest(db, { path: file, name: 'collide-fixture' })).rejects.toThrow(/used by dataset "usaspending-treasury-contracts"/);
    expect(await db.dataset.findUnique({ where: { name: 'collide-fixture' } })).toBeNull();
    expect((await db.location.findUniqueOrThrow({ where: { id: taken.id } })).cityName).toBe(taken.cityName);
  });

  it('reloading replaces the dataset', async () => {
    const before = await db.award.count();
    const { ingest } = await import('../../src/shared/ingest/index.js');
    await ingest(db, { path: 'samples/awards/endpoint_fixture_db.2017-02-28.json', name: 'usaspending-fixture' });
    expect(await db.award.count()).toBe(before);
  });
});

describe('upstream expectations', () => {
  it('REST awards/total grouped by type_description: Cooperative Agreement 954392.01', async () => {
    const { status, json } = await rest('/api/v1/awards/total/', {
      field: 'total_obligation',
      group: 'type_description',
      aggregate: 'sum',
      order: ['item'],
    });
    expect(status).toBe(200);
    const row = json.results.find((r: { item: string }) => r.item === 'Cooperative Agreement');
    expect(row.aggregate).toBe('954392.01');
    expect(row.type_description).toBe('Cooperative Agreement');
    expect(json.req).toMatch(/^[0-9a-f]{11}$/);
  });

  it('GraphQL awardTotals gives the same', async () => {
    const result = await execute(AwardsFixtureTotalsByType);
    expect(result.errors).toBeUndefined();
    expect(result.data!.awardTotals.nodes).toContainEqual({ item: 'Cooperative Agreement', sum: '954392.01' });
  });

  it('lists awards with page metadata, nested agency, recipient and location', async () => {
    const { status, json } = await rest('/api/v1/awards/?limit=5&dataset=usaspending-fixture&order=-total_obligation');
    expect(status).toBe(200);
    expect(json.page_metadata).toMatchObject({ count: 26, page: 1, has_next_page: true, has_previous_page: false, previous: null });
    expect(json.page_metadata.next).toContain('page=2');
    expect(json.results).toHaveLength(5);
    const amounts = json.results.map((r: { total_obligation: string }) => Number(r.total_obligation));
    expect([...amounts].sort((a, b) => b - a)).toEqual(amounts);
    const award = await rest('/api/v1/awards/47587/');
    expect(award.json.recipient.location).toBeTruthy();
    expect(award.json.total_obligation).toBe('15000.00');
    expect(award.json.awarding_agency.subtier_agency.name).toBe('DEPARTMENT OF ARACHNID DISPOSAL');
  });
});
