import { describe, expect, it } from 'vitest';
import { isCallbackName, jsonpStatement } from '../src/shared/dialect.js';
import { app } from './helpers.js';

const GEONAMES = 'geonames-all-cities-with-a-population-1000';

async function fetchText(path: string, init?: RequestInit) {
  const response = await app.request(path, init);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

describe('the shared REST dialect mechanics', () => {
  it('write JSONP around the JSON answer byte for byte: `cb && cb(…);` in babbage and v2, `cb(…);` in OpenDataSoft', async () => {
    for (const [json, jsonp, guarded] of [
      ['/api/3/cubes', '/api/3/cubes?callback=app.show', true],
      ['/api/2/aggregate?dataset=cra', '/api/2/aggregate?dataset=cra&callback=app.show', true],
      [`/api/records/1.0/search?dataset=${GEONAMES}&rows=2`, `/api/records/1.0/search?dataset=${GEONAMES}&rows=2&format=jsonp&callback=app.show`, false],
    ] as const) {
      const plain = await fetchText(json);
      const wrapped = await fetchText(jsonp);
      expect(wrapped.text.replace('"format":"jsonp"', '"format":"json"')).toBe(`${guarded ? 'app.show && ' : ''}app.show(${plain.text});`);
      expect(wrapped.type).toBe('application/javascript; charset=utf-8');
    }
    expect(jsonpStatement('cb', '{"a":1}')).toBe('cb({"a":1});');
  });

  it('accept the same callback names in every dialect: plain or dotted identifiers, nothing else', async () => {
    for (const name of ['cb', '$x_1.y$', 'jQuery123_456', 'a.b.c']) expect([name, isCallbackName(name)]).toEqual([name, true]);
    for (const name of ['', 'a.', 'a..b', '.a', '1a', 'alert(1)', 'a;b', 'a b', 'a["b"]']) expect([name, isCallbackName(name)]).toEqual([name, false]);
    for (const name of ['a..b', 'alert(1)']) {
      const babbage = await fetchText(`/api/3/cubes?callback=${encodeURIComponent(name)}`);
      expect([babbage.status, JSON.parse(babbage.text)]).toEqual([400, { status: 'error', message: `Invalid callback: '${name}'`, context: {} }]);
      const ods = await fetchText(`/api/records/1.0/search?dataset=${GEONAMES}&rows=1&format=jsonp&callback=${encodeURIComponent(name)}`);
      expect([ods.status, JSON.parse(ods.text)]).toEqual([400, { errorcode: 400, error: 'callback: not a valid JavaScript function name' }]);
    }
  });

  it('serve JSONP for GET only', async () => {
    const post = await fetchText('/api/records/1.0/search/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `dataset=${GEONAMES}&format=jsonp&callback=show`,
    });
    expect([post.status, JSON.parse(post.text)]).toEqual([400, { errorcode: 400, error: 'format: JSONP is only served for GET requests' }]);
  });

  it('answer errors in each dialect’s own envelope', async () => {
    const babbage = await fetchText('/api/3/cubes/nope/model?callback=cb');
    expect([babbage.status, babbage.text]).toEqual([404, 'cb && cb({"status":"error","message":"no cube named \\"nope\\"","context":{}});']);
    const v2 = await fetchText('/api/2/aggregate');
    expect([v2.status, v2.text]).toEqual([400, '{"errors":["dataset name not provided"]}']);
    const ods = await fetchText('/api/datasets/1.0/nope');
    expect([ods.status, ods.text]).toEqual([404, '{"errorcode":404,"error":"no dataset named \\"nope\\""}']);
    const usaspending = await fetchText('/api/v1/awards/abc/');
    expect([usaspending.status, usaspending.text]).toEqual([404, '{"message":"No award with id \\"abc\\""}']);
  });
});
