import { describe, expect, it } from 'vitest';
import { RECORDS, expectClean, expectRefused, post, send } from './support.js';

const gql = (query: string, variables?: unknown) => post('/graphql', { query, variables });

describe('issue 13: NUL bytes and invalid UTF-8 at the edge', () => {
  it('records download with a NUL in exclude answers a 400 in the ODS shape, not database text', async () => {
    for (let i = 0; i < 5; i += 1) {
      const answer = await send(`/api/records/1.0/download?dataset=${RECORDS}&exclude.name=a%00b&format=json`);
      expectRefused(answer, /NUL/);
      expect(JSON.parse(answer.text)).toMatchObject({ errorcode: 400 });
    }
  });

  it.each([
    ['/api/3/cubes/cra/aggregate?cut=cofog1.cofog1:%00', { status: 'error' }],
    ['/api/3/cubes/cra/aggregate?cut=cofog1.cofog1:%22%00%22', { status: 'error' }],
    ['/api/3/cubes/cr%00a/model', { status: 'error' }],
    ['/api/2/aggregate?dataset=cra&cut=cofog1.cofog1:%00', { errors: [expect.stringMatching(/NUL/)] }],
    ['/api/2/permissions?dataset=a%00', {}],
    [`/api/records/1.0/search?dataset=${RECORDS}&refine.name=%00`, { errorcode: 400 }],
    [`/api/records/1.0/search?dataset=${RECORDS}&q=name==%00`, { errorcode: 400 }],
    [`/api/records/1.0/search?dataset=${RECORDS}&q=%23exact(name,%22%00%22)`, { errorcode: 400 }],
    [`/api/datasets/1.0/${RECORDS}/records/a%00b`, { errorcode: 400 }],
    ['/api/datasets/1.0/a%00b', { errorcode: 400 }],
    ['/api/v1/awards/?exclude=a%00', { message: expect.stringMatching(/NUL/) }],
    ['/api/v1/awards/?type=%00', { message: expect.stringMatching(/NUL/) }],
  ])('GET %s is a 400 in its dialect shape', async (path, shape) => {
    const answer = await send(path);
    expectRefused(answer, /NUL/);
    expect(JSON.parse(answer.text)).toMatchObject(shape);
  });

  it('invalid UTF-8 in a query string, a path and a body is a 400', async () => {
    expectRefused(await send(`/api/records/1.0/search?dataset=${RECORDS}&q=%C3%28`), /UTF-8/);
    expectRefused(await send('/api/3/cubes/%FF/model'), /UTF-8/);
    const body = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]);
    expectRefused(await send('/api/v1/awards/', { method: 'POST', headers: { 'content-type': 'application/json' }, body }), /UTF-8/);
  });

  it('a NUL in a JSON body or a form body is a 400', async () => {
    expectRefused(await post('/api/v1/awards/', { filters: [{ field: 'type', operation: 'equals', value: 'a\u0000' }] }), /NUL/);
    expectRefused(await post(`/api/records/1.0/search`, `dataset=${RECORDS}&q=a%00`, 'application/x-www-form-urlencoded'), /NUL/);
  });

  it('GraphQL arguments with NUL stay BAD_USER_INPUT', async () => {
    for (const query of [
      '{ datasets(filter: { search: { text: "a\\u0000" } }) { totalCount } }',
      `{ dataset(name: "a\\u0000") { name } }`,
    ]) {
      const answer = await gql(query);
      expectClean(answer, query);
      expect(answer.text).toMatch(/BAD_USER_INPUT/);
    }
  });
});

describe('issue 13: LIKE wildcards match themselves', () => {
  it('award equals "_" and "%" match only rows holding those characters', async () => {
    const all = JSON.parse((await send('/api/v1/awards/?limit=1')).text) as { page_metadata: { count?: number } };
    for (const value of ['_', '%', '\\']) {
      for (const operation of ['equals', 'contains']) {
        const answer = await post('/api/v1/awards/', { filters: [{ field: 'recipient__recipient_name', operation, value }], limit: 100 });
        expectClean(answer, `${operation} ${value}`);
        const body = JSON.parse(answer.text) as { results: { recipient?: { recipient_name?: string } }[] };
        for (const row of body.results) expect(row.recipient?.recipient_name ?? '').toContain(value);
      }
      const typed = await post('/api/v1/awards/', { filters: [{ field: 'type', operation: 'equals', value }] });
      expectClean(typed);
      expect((JSON.parse(typed.text) as { results: unknown[] }).results).toEqual([]);
    }
    expect(all).toBeTruthy();
  });

  it('GET /api/v1/awards/?type=%5C answers 200 with nothing', async () => {
    const answer = await send('/api/v1/awards/?type=%5C');
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.text) as { results: unknown[] }).results).toEqual([]);
  });

  it('autocomplete of "%" finds only values holding "%"', async () => {
    const answer = await post('/api/v1/awards/autocomplete/', { fields: ['recipient__recipient_name'], value: '%' });
    expectClean(answer);
    const body = JSON.parse(answer.text) as { results: Record<string, string[]> };
    for (const values of Object.values(body.results)) for (const v of values) expect(v).toContain('%');
  });

  it('catalog search for "%" and "_" finds only datasets holding them', async () => {
    const all = JSON.parse((await gql('{ datasets(first: 100) { nodes { name title description publisher keywords } } }')).text) as {
      data: { datasets: { nodes: Record<string, unknown>[] } };
    };
    for (const text of ['%', '_', '\\']) {
      const expected = all.data.datasets.nodes.filter((d) =>
        ['name', 'title', 'description', 'publisher'].some((k) => String(d[k] ?? '').includes(text)) || (d.keywords as string[]).includes(text),
      ).length;
      const answer = await gql('query($t: String!) { datasets(filter: { search: { text: $t } }) { totalCount } }', { t: text });
      expect(JSON.parse(answer.text), text).toEqual({ data: { datasets: { totalCount: expected } } });
    }
    expect(all.data.datasets.nodes.length).toBeGreaterThan(3);
  });
});

describe('issue 13: null tests on NOT NULL fields', () => {
  it('id is_null true matches nothing and false matches everything', async () => {
    const none = await post('/api/v1/awards/', { filters: [{ field: 'id', operation: 'is_null', value: true }] });
    expect(none.status, none.text).toBe(200);
    expect((JSON.parse(none.text) as { results: unknown[] }).results).toEqual([]);
    const every = await post('/api/v1/awards/', { filters: [{ field: 'id', operation: 'is_null', value: false }], limit: 1 });
    expect(every.status, every.text).toBe(200);
    expect((JSON.parse(every.text) as { results: unknown[] }).results.length).toBe(1);
  });

  it('GraphQL isNull and equals: null on a non-nullable field', async () => {
    for (const filter of ['{ rowId: { isNull: true } }', '{ awardingAgency: { toptierAgency: { name: { isNull: true } } } }']) {
      const answer = await gql(`{ awards(filter: ${filter}, first: 1) { totalCount } }`);
      expectClean(answer, filter);
      if (!answer.text.includes('BAD_USER_INPUT')) expect(JSON.parse(answer.text)).toMatchObject({ data: { awards: { totalCount: 0 } } });
    }
  });
});

describe('issue 13: arithmetic the database refuses is a 400', () => {
  it.each([
    'pow(10,400)',
    'population*1e308*1e308',
  ])('analyze with y.s.expr=%s', async (expr) => {
    const answer = await send(`/api/records/1.0/analyze?dataset=${RECORDS}&x=feature_code&y.s.func=SUM&y.s.expr=${encodeURIComponent(expr)}`);
    expectClean(answer, expr);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ errorcode: 400, error: expect.stringMatching(/out of range|overflow/i) });
  });

  it('GraphQL analyze with pow(10,400) is BAD_USER_INPUT with the short cause, not INTERNAL_SERVER_ERROR', async () => {
    const answer = await gql(`{ analyze(dataset: "${RECORDS}", x: "feature_code", series: [{ name: "s", func: SUM, expr: "pow(10,400)" }]) { x } }`);
    expectClean(answer);
    const body = JSON.parse(answer.text) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]).toMatchObject({ message: 'the database refused the request: a number is out of range (numeric overflow)', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('STDDEV of exp(600)', async () => {
    const answer = await send(`/api/records/1.0/analyze?dataset=${RECORDS}&x=feature_code&y.s.func=STDDEV&y.s.expr=exp(600)`);
    expectRefused(answer, /out of range/);
  });

  it('geocluster with clusterdistance=5e-324', async () => {
    const answer = await send(`/api/records/1.0/geocluster?dataset=${RECORDS}&clusterprecision=3&clusterdistance=5e-324`);
    expectClean(answer);
    expect(answer.status).toBe(400);
  });
});

describe('issue 13: deep and long inputs are refused quickly, naming the limit', () => {
  it('q with 3,000 nested parentheses', async () => {
    const q = '('.repeat(3000) + 'a' + ')'.repeat(3000);
    expectRefused(await send(`/api/records/1.0/search?dataset=${RECORDS}&q=${encodeURIComponent(q)}`), /nest|depth/i);
  });

  it('q with 20,000 terms and 20,000 ORs', async () => {
    const terms = Array.from({ length: 20_000 }, (_, i) => `t${i}`).join(' ');
    expectRefused(await post('/api/records/1.0/search', { dataset: RECORDS, q: terms }, 'application/json').then((a) => (a.status === 415 ? send(`/api/records/1.0/search?dataset=${RECORDS}&q=${terms}`) : a)), /terms|limit|long/i);
    const ors = Array.from({ length: 20_000 }, (_, i) => `t${i}`).join(' OR ');
    expectRefused(await post('/api/records/1.0/search', `dataset=${RECORDS}&q=${encodeURIComponent(ors)}`, 'application/x-www-form-urlencoded'), /terms|limit|long/i);
  });

  it('a polygon of 200,000 points', async () => {
    const points = Array.from({ length: 200_000 }, (_, i) => `(${50 + (i % 90) / 100},${19 + (i % 70) / 100})`).join(',');
    const answer = await post('/api/records/1.0/search', `dataset=${RECORDS}&geofilter.polygon=${points}`, 'application/x-www-form-urlencoded');
    expect(answer.status).toBe(413);
    const within = Array.from({ length: 1_001 }, (_, i) => `(${50 + (i % 90) / 100},${19 + (i % 70) / 100})`).join(',');
    const over = await post('/api/records/1.0/search', `dataset=${RECORDS}&geofilter.polygon=${within}`, 'application/x-www-form-urlencoded');
    expectRefused(over, /at most 1000 points \(SPENDGRAPH_MAX_POLYGON_POINTS\)/);
  });

  it('a cube filter nested 5,000 deep and an award filter variable nested 20,000 deep', async () => {
    let cube = '{ field: "cofog1.name", equals: "x" }';
    for (let i = 0; i < 5000; i += 1) cube = `{ not: ${cube} }`;
    const cubeAnswer = await gql(`{ cube(name: "cra") { facts(filter: ${cube}, first: 1) { totalCount } } }`);
    expectClean(cubeAnswer);
    // Written as text: JSON.stringify itself recurses.
    const award = '{"not":'.repeat(20_000) + '{"rowId":{"equals":1}}' + '}'.repeat(20_000);
    const awardAnswer = await post('/graphql', `{"query":"query($f: AwardFilter) { awards(filter: $f, first: 1) { totalCount } }","variables":{"f":${award}}}`);
    expectClean(awardAnswer);
    expect(awardAnswer.text).toMatch(/BAD_USER_INPUT|BAD_REQUEST/);
  });

  it('a 2 MB query string is refused in under 3 s', async () => {
    const answer = await send(`/api/records/1.0/search?dataset=${RECORDS}&q=${'a'.repeat(2_000_000)}`);
    expect(answer.status).toBe(414);
    expect(answer.ms).toBeLessThan(3000);
    expect(answer.text).toMatch(/SPENDGRAPH_MAX_QUERY_STRING|limit/);
  });

  it('a cube `in` over SPENDGRAPH_MAX_LIST values is refused naming the limit; 200,000 values are refused in under 3 s', async () => {
    const query = 'query($v: [JSON!]!) { cube(name: "cra") { facts(filter: { field: "cofog1.name", in: $v }, first: 1) { totalCount } } }';
    const over = await gql(query, { v: Array.from({ length: 1_001 }, (_, i) => `v${i}`) });
    expectClean(over);
    expect(over.text, over.text.slice(0, 300)).toMatch(/at most 1000 values \(SPENDGRAPH_MAX_LIST\)/);
    const huge = await gql(query, { v: Array.from({ length: 200_000 }, (_, i) => `v${i}`) });
    expect(huge.status).toBe(413);
    expect(huge.text).toMatch(/SPENDGRAPH_MAX_BODY/);
    expect(huge.ms).toBeLessThan(3000);
  });
});
