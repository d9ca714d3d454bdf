import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPENAPI_PATH, OPENAPI_TYPES_PATH, renderOpenApi, renderOpenApiTypes } from '../../scripts/openapi';
import { ACTIONS } from '../../shared/domain/lifecycle';

describe('openapi.yaml', () => {
  it('matches the routes and schemas in code (run `npm run openapi` after changing them)', async () => {
    expect(await readFile(OPENAPI_PATH, 'utf8')).toBe(await renderOpenApi());
  });

  it('and shared/http/openapi-types.ts matches openapi.yaml (openapi-typescript; `npm run openapi` writes both)', async () => {
    expect(await readFile(OPENAPI_TYPES_PATH, 'utf8')).toBe(await renderOpenApiTypes(await readFile(OPENAPI_PATH, 'utf8')));
  });

  it('is OpenAPI 3.1 and documents every public path with bearer auth where required', async () => {
    const doc = parse(await renderOpenApi()) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/health',
        '/mailbox',
        '/mailbox/thanks',
        '/v1/admin/calendar/{year}',
        '/v1/admin/offices',
        '/v1/admin/offices/{officeId}',
        '/v1/admin/queues',
        '/v1/admin/queues/{category}/redrive',
        '/v1/admin/routing',
        '/v1/admin/users',
        '/v1/admin/users/{username}',
        '/v1/auth/config',
        '/v1/auth/login',
        '/v1/auth/me',
        '/v1/calendar/deadline',
        '/v1/calendar/{year}',
        '/v1/cases',
        '/v1/cases/{id}',
        '/v1/cases/{id}/events',
        '/v1/cases/{id}/attachments/{attachmentId}',
        ...ACTIONS.map((a) => `/v1/cases/{id}/${a}`),
        '/v1/return-reasons',
        '/v1/intake/mailbox',
        '/v1/intake/mailbox/uploads',
        '/v1/intake/mailbox/uploads/{uploadId}',
        '/v1/mailbox/held',
        '/v1/reports/quarterly',
        '/v1/reports/queue',
        '/v1/reports/summary',
        '/v1/reports/supervision',
        '/v1/track/{ticketNo}',
        '/v1/track/{ticketNo}/follow-up',
      ].sort(),
    );
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/v1/cases']?.post?.security).toEqual([{ bearerAuth: [] }]);
    // Public operations say so explicitly (an empty requirement), rather than by omission.
    expect(doc.paths['/v1/intake/mailbox']?.post?.security).toEqual([]);
    expect(doc.paths['/v1/intake/mailbox/uploads']?.post?.security).toEqual([]);
    expect(doc.paths['/v1/track/{ticketNo}']?.get?.security).toEqual([]);
    expect(doc.paths['/v1/auth/login']?.post?.security).toEqual([]);
    expect(doc.paths['/v1/auth/config']?.get?.security).toEqual([]);
    expect(doc.paths['/v1/auth/me']?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/v1/admin/users/{username}']?.put?.security).toEqual([{ bearerAuth: [] }]);
  });

  it('gives every operation a unique verb+noun operationId, a tag and a description', async () => {
    const doc = parse(await renderOpenApi()) as { paths: Record<string, Record<string, { operationId?: string; tags?: string[]; description?: string }>> };
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p));
    const ids = ops.map((o) => o.operationId);
    for (const o of ops) {
      expect(o.operationId).toMatch(/^(get|list|create|put|delete|submit|track|rate|accept|return|reject|assign|recategorize|request|approve|deny|extend|pause|resume|add|replyTo|record|reopen|close|link|redrive)[A-Z][A-Za-z]+$/);
      expect(o.tags?.length).toBeGreaterThan(0);
      expect(o.description?.length).toBeGreaterThan(0);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/v1/cases']).toMatchObject({ post: { operationId: 'createCase' }, get: { operationId: 'listCases' } });
    expect(doc.paths['/v1/cases/{id}/accept']).toMatchObject({ post: { operationId: 'acceptCase' } });
  });

  it('lists the servers: the one serving the document, the local runtime, and the deployed API (templated)', async () => {
    const doc = parse(await renderOpenApi()) as { servers: { url: string; variables?: Record<string, { default: string }> }[] };
    expect(doc.servers.map((s) => s.url)).toEqual(['/', 'http://127.0.0.1:3000', 'https://{apiId}.execute-api.{region}.amazonaws.com']);
    expect(Object.keys(doc.servers[2]?.variables ?? {}).sort()).toEqual(['apiId', 'region']);
  });

  it('requires If-Match on every lifecycle action, as the server does (428 without)', async () => {
    const doc = parse(await renderOpenApi()) as { paths: Record<string, { post?: { parameters?: { name: string; in: string; required?: boolean }[]; responses: Record<string, unknown> } }> };
    const actions = Object.entries(doc.paths).filter(([p, item]) => /^\/v1\/cases\/\{id\}\/[a-z-]+$/.test(p) && item.post);
    expect(actions).toHaveLength(ACTIONS.length);
    for (const [path, item] of actions) {
      expect(item.post?.parameters?.find((p) => p.in === 'header' && p.name === 'if-match')?.required, path).toBe(true);
      expect(Object.keys(item.post?.responses ?? {}), path).toEqual(expect.arrayContaining(['200', '400', '409', '412', '413', '415', '428']));
    }
  });
});
