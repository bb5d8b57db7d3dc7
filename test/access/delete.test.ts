import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/access/keys.js';
import { db } from '../../src/db.js';
import { ingest } from '../../src/shared/ingest/index.js';
import { graphql } from '../gql/index.js';
import { app, errorCodes, type GraphQLResult } from '../helpers.js';
import { print } from 'graphql';

const DeleteDataset = graphql(`
  mutation DeleteDataset($name: String!) {
    deleteDataset(input: { name: $name }) {
      name
      family
    }
  }
`);

const name = `delete-me-${process.pid}`;
const keyName = `delete-test-${process.pid}`;
let reader: string;
let writer: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spendgraph-delete-'));
  cpSync(new URL('../../samples/cubes/cra', import.meta.url), dir, { recursive: true });
  await ingest(db, { path: dir, name, private: true });
  reader = (await createKey(db, keyName, [[name, 'read']])).key;
  writer = (await createKey(db, keyName, [[name, 'write']])).key;
});

afterAll(async () => {
  await db.dataset.deleteMany({ where: { name } });
  await db.apiKey.deleteMany({ where: { name: keyName } });
});

async function remove(key?: string) {
  const response = await app.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `ApiKey ${key}` } : {}) },
    body: JSON.stringify({ query: print(DeleteDataset), variables: { name } }),
  });
  return (await response.json()) as GraphQLResult<{ deleteDataset: { name: string; family: string } }>;
}

describe('Mutation.deleteDataset', () => {
  it('needs write permission, and hides private datasets from those who cannot read them', async () => {
    expect(errorCodes(await remove())).toEqual(['NOT_FOUND']);
    const forbidden = await remove(reader);
    expect(errorCodes(forbidden)).toEqual(['FORBIDDEN']);
    expect(forbidden.errors![0]!.message).toBe(`deleting dataset "${name}" needs an API key with write permission on it`);
    expect(await db.fact.count({ where: { dataset: { name } } })).toBe(36);
  });

  it('deletes the dataset with all its rows', async () => {
    const result = await remove(writer);
    expect(result.data!.deleteDataset).toEqual({ name, family: 'CUBE' });
    expect(await db.dataset.count({ where: { name } })).toBe(0);
    expect(await db.dimension.count({ where: { dataset: { name } } })).toBe(0);
    expect(errorCodes(await remove(writer))).toEqual(['NOT_FOUND']);
  });
});
