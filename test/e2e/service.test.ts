import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness';
import { body, expectProblem } from '../support/http';

describe('service endpoints', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('GET /health → 200 {status: ok}', async () => {
    const res = await h.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /openapi.yaml → 200 YAML describing every endpoint', async () => {
    const res = await h.request('/openapi.yaml');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/yaml/);
    const text = await res.text();
    expect(text).toContain('/v1/cases');
    const doc = parse(text) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/cases', '/v1/cases/{id}', '/v1/intake/mailbox', '/v1/track/{ticketNo}', '/v1/calendar/deadline', '/v1/calendar/{year}', '/v1/admin/calendar/{year}']),
    );
    expect(Object.keys(doc.paths['/v1/cases']!)).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['CaseCreate', 'Case', 'Problem']));
  });

  it('GET /openapi.json is the same document', async () => {
    const json = await body(await h.request('/openapi.json'));
    const yaml = parse(await (await h.request('/openapi.yaml')).text()) as unknown;
    expect(json).toEqual(yaml);
  });

  it('GET /docs → 200 HTML pointing at the document', async () => {
    const res = await h.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<html/i);
    expect(html).toContain('/openapi.yaml');
  });

  it('unknown route → 404 problem+json', async () => {
    const problem = await expectProblem(await h.request('/does/not/exist', { outsideSpec: 'an unknown path' }), 404);
    expect(problem.type).toBe('/problems/not-found');
    expect(problem.instance).toBe('/does/not/exist');
  });

  it('every problem carries the request id, unknown routes included', async () => {
    for (const res of [await h.request('/v1/cases'), await h.request('/does/not/exist', { outsideSpec: 'an unknown path' })]) {
      const problem = await expectProblem(res, res.status);
      expect(problem.requestId).toBeTruthy();
      expect(problem.requestId).toBe(res.headers.get('x-request-id'));
    }
  });

  it('responses carry security headers and a request id', async () => {
    const res = await h.request('/health');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('every problem carries the request id it was logged under', async () => {
    const res = await h.request('/v1/cases');
    const problem = await expectProblem(res, 401);
    expect(problem.requestId).toBe(res.headers.get('x-request-id'));
    expect(h.logs.some((l) => l.message === 'http.request' && l.requestId === problem.requestId && l.status === 401)).toBe(true);
  });
});
