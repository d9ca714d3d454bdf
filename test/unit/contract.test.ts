import { describe, expect, it } from 'vitest';
import { checkLambdaResult, checkResponse } from '../support/contract';

/** The harness's contract check itself: it must catch each kind of drift, or it proves nothing. */
const problem = (status: number, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: '/problems/x', title: 'X', status, ...extra }), { status, headers: { 'Content-Type': 'application/problem+json; charset=utf-8' } });
const get = (path: string) => ({ method: 'GET', path });

describe('the contract check of test responses', () => {
  it('passes a declared status, media type, body and headers', async () => {
    await expect(checkResponse(get('/health'), Response.json({ status: 'ok' }))).resolves.toBeUndefined();
    await expect(checkResponse(get('/v1/cases/abc'), problem(404))).resolves.toBeUndefined();
  });

  it('fails a status the operation does not declare', async () => {
    await expect(checkResponse(get('/v1/cases/abc'), problem(418))).rejects.toThrow(/getCase .* does not declare 418/);
  });

  it('fails a media type the response does not list', async () => {
    await expect(checkResponse(get('/health'), new Response('ok', { headers: { 'Content-Type': 'text/plain' } }))).rejects.toThrow(/as text\/plain/);
    await expect(checkResponse(get('/v1/cases/abc'), Response.json({ type: 'x', title: 'x', status: 404 }, { status: 404 }))).rejects.toThrow(/application\/json/);
  });

  it('fails a body that does not match the schema', async () => {
    await expect(checkResponse(get('/health'), Response.json({ status: 'fine' }))).rejects.toThrow(/does not match/);
    await expect(checkResponse(get('/v1/cases/abc'), problem(404, { status: '404' }))).rejects.toThrow(/does not match/);
    // A field the document does not describe is a drift too.
    await expect(checkResponse(get('/health'), Response.json({ status: 'ok', uptime: 3 }))).rejects.toThrow(/unevaluated properties/);
    await expect(checkResponse(get('/v1/cases/abc'), problem(404, { debug: 'stack' }))).rejects.toThrow(/unevaluated properties/);
  });

  it('fails a required header left out, a declared header of the wrong form, and a header sent but not declared', async () => {
    const caseList = Response.json({ items: [], nextCursor: null }, { headers: { Location: '/v1/cases/x' } });
    await expect(checkResponse(get('/v1/cases'), caseList)).rejects.toThrow(/sends location but does not declare it/);
    await expect(checkResponse(get('/v1/cases/abc'), problem(401))).rejects.toThrow(/www-authenticate as required/);
    const r429 = problem(429);
    r429.headers.set('Retry-After', 'soon');
    await expect(checkResponse({ method: 'GET', path: '/v1/track/M2026-000001' }, r429)).rejects.toThrow(/retry-after/);
  });

  it('fails a request outside the spec unless the test marks it so', async () => {
    const r405 = problem(405);
    r405.headers.set('Allow', 'GET, HEAD, OPTIONS, POST');
    await expect(checkResponse({ method: 'DELETE', path: '/v1/cases' }, r405.clone())).rejects.toThrow(/no such operation/);
    await expect(checkResponse({ method: 'DELETE', path: '/v1/cases', outsideSpec: true }, r405)).resolves.toBeUndefined();
    await expect(checkResponse({ method: 'DELETE', path: '/v1/cases', outsideSpec: true }, problem(405))).rejects.toThrow(/without Allow/);
  });

  it('checks a Lambda result as the client behind API Gateway gets it', async () => {
    const event = { rawPath: '/health', headers: {}, requestContext: { http: { method: 'GET' } } };
    await expect(checkLambdaResult(event, { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"ok"}' })).resolves.toBeUndefined();
    await expect(checkLambdaResult(event, { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"down"}' })).rejects.toThrow(/does not match/);
    await expect(checkLambdaResult(event, { statusCode: 404, headers: {}, body: '' })).rejects.toThrow(/does not declare 404/);
  });
});
