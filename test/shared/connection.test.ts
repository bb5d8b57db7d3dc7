import { describe, expect, it } from 'vitest';
import { arrayConnection, connectionWindow, resolveConnection } from '../../src/shared/connection.js';
import { decodeNodeId, encodeNodeId } from '../../src/shared/node-id.js';

const limits = { defaultSize: 3, maxSize: 5 };
const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

describe('connection window', () => {
  it('pages forward with first/after and reports the page info', async () => {
    const one = await arrayConnection(items, { first: 2 }, limits);
    expect(one.edges.map((e) => e.node)).toEqual(['a', 'b']);
    expect(one.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const two = await arrayConnection(items, { first: 2, after: one.pageInfo.endCursor }, limits);
    expect(two.edges.map((e) => e.node)).toEqual(['c', 'd']);
    expect(two.pageInfo.hasPreviousPage).toBe(true);
    const end = await arrayConnection(items, { first: 5, after: two.pageInfo.endCursor }, limits);
    expect(end.edges.map((e) => e.node)).toEqual(['e', 'f', 'g']);
    expect(end.pageInfo.hasNextPage).toBe(false);
    expect(await end.totalCount()).toBe(7);
  });

  it('takes offset for page-number UIs, on top of after', async () => {
    const page = await arrayConnection(items, { first: 2, offset: 4 }, limits);
    expect(page.edges.map((e) => e.node)).toEqual(['e', 'f']);
    const after = await arrayConnection(items, { first: 1, offset: 1, after: page.edges[0]!.cursor }, limits);
    expect(after.edges.map((e) => e.node)).toEqual(['g']);
  });

  it('pages backward with last, counting only when before is missing', async () => {
    const last = await arrayConnection(items, { last: 2 }, limits);
    expect(last.edges.map((e) => e.node)).toEqual(['f', 'g']);
    const before = await arrayConnection(items, { last: 2, before: last.pageInfo.startCursor }, limits);
    expect(before.edges.map((e) => e.node)).toEqual(['d', 'e']);
    let counted = 0;
    const rows = async ({ offset, limit }: { offset: number; limit: number }) => items.slice(offset, offset + limit);
    await resolveConnection({ first: 2 }, limits, rows, async () => (counted += 1));
    expect(counted).toBe(0);
  });

  it('refuses sizes out of range and foreign cursors with BAD_USER_INPUT', async () => {
    for (const args of [{ first: 6 }, { first: -1 }, { last: 99 }, { first: 1, last: 1 }, { offset: -3 }, { after: 'bm9wZQ' }]) {
      await expect(connectionWindow(args, limits, () => 7)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    }
  });
});

describe('global ids', () => {
  it('round-trip and are distinct across types', () => {
    expect(decodeNodeId(encodeNodeId('Record', 12n))).toEqual({ typename: 'Record', id: '12' });
    expect(encodeNodeId('Cube', 1)).not.toBe(encodeNodeId('Dataset', 1));
  });

  it('refuses text that is not a global id', () => {
    for (const text of ['', 'not an id!', Buffer.from('lowercase:1').toString('base64url'), Buffer.from('Type:').toString('base64url')]) {
      expect(() => decodeNodeId(text)).toThrow(/is not a global id/);
    }
  });
});
