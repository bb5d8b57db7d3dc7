import { describe, expect, it } from 'vitest';
import { buildSchema, graphql, type GraphQLResolveInfo } from 'graphql';
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

  it('refuses sizes out of range and foreign cursors with BAD_USER_INPUT', () => {
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    for (const args of [{ first: 6 }, { first: -1 }, { last: 99 }, { first: 1, last: 1 }, { offset: -3 }, { after: 'bm9wZQ' }]) {
      expect(refusal(() => connectionWindow(args, limits, () => 7)), JSON.stringify(args)).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    }
  });

  it('waits only for a count it has to wait for: a list in memory pages without a promise', async () => {
    // graphql-js completes a synchronous value at once; a promise per award would make every award of a page wait.
    expect(arrayConnection(items, { last: 2 }, limits)).not.toBeInstanceOf(Promise);
    expect(connectionWindow({ first: 2, offset: 1 }, limits, async () => 7)).toEqual({ offset: 1, limit: 2 });
    const fromEnd = connectionWindow({ last: 2 }, limits, async () => 7);
    expect(fromEnd).toBeInstanceOf(Promise);
    expect(await fromEnd).toEqual({ offset: 5, limit: 2 });
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

describe('counting beside the page', () => {
  const schema = buildSchema('type Page { nodes: [String!]! totalCount: Int! } type Query { page: Page! }');

  /** Runs `source`; the page's rows resolve only after a turn of the event loop, and the events say what ran when. */
  async function run(source: string, variableValues?: Record<string, unknown>) {
    const events: string[] = [];
    const rootValue = {
      page: async (_args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
        const connection = await resolveConnection(
          { first: 2 },
          limits,
          async ({ offset, limit }) => {
            events.push('rows asked');
            await new Promise((resolve) => setTimeout(resolve, 5));
            events.push('rows done');
            return items.slice(offset, offset + limit);
          },
          async () => {
            events.push('count asked');
            return items.length;
          },
          info,
        );
        return { nodes: connection.edges.map((edge) => edge.node), totalCount: connection.totalCount };
      },
    };
    const result = await graphql({ schema, source, rootValue, variableValues });
    expect(result.errors).toBeUndefined();
    return { data: result.data, events };
  }

  it('starts the count with the rows when the selection asks for totalCount', async () => {
    const { data, events } = await run('{ page { nodes totalCount } }');
    expect(data).toEqual({ page: { nodes: ['a', 'b'], totalCount: 7 } });
    expect(events).toEqual(['count asked', 'rows asked', 'rows done']);
  });

  it('finds totalCount in fragments', async () => {
    const named = await run('{ page { nodes ...Counted } } fragment Counted on Page { totalCount }');
    expect(named.events[0]).toBe('count asked');
    const inline = await run('{ page { ... on Page { totalCount } nodes } }');
    expect(inline.events[0]).toBe('count asked');
  });

  it('does not count for a selection without totalCount, or with it skipped', async () => {
    expect((await run('{ page { nodes } }')).events).toEqual(['rows asked', 'rows done']);
    expect((await run('{ page { nodes totalCount @skip(if: true) } }')).events).toEqual(['rows asked', 'rows done']);
    const excluded = await run('query ($count: Boolean!) { page { nodes totalCount @include(if: $count) } }', { count: false });
    expect(excluded.events).toEqual(['rows asked', 'rows done']);
    const included = await run('query ($count: Boolean!) { page { nodes totalCount @include(if: $count) } }', { count: true });
    expect(included.events[0]).toBe('count asked');
  });

  it('leaves a failed count to totalCount, and a failed page with its count never unheard', async () => {
    const failing = (failRows: boolean) => ({
      page: async (_args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
        const connection = await resolveConnection(
          { first: 2 },
          limits,
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            if (failRows) throw new Error('rows failed');
            return ['a', 'b'];
          },
          async () => {
            throw new Error('count failed');
          },
          info,
        );
        return { nodes: connection.edges.map((edge) => edge.node), totalCount: connection.totalCount };
      },
    });
    const countFails = await graphql({ schema, source: '{ page { nodes totalCount } }', rootValue: failing(false) });
    expect(countFails.errors?.map((error) => [error.message, error.path])).toEqual([['count failed', ['page', 'totalCount']]]);
    const pageFails = await graphql({ schema, source: '{ page { nodes totalCount } }', rootValue: failing(true) });
    expect(pageFails.errors?.map((error) => error.message)).toEqual(['rows failed']);
    // An unhandled rejection of the count would fail this file; give it the turn in which it would surface.
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
});
