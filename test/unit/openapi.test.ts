import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { OPENAPI_PATH, renderOpenApi } from '../../scripts/openapi';

describe('openapi.yaml', () => {
  it('matches the routes and schemas in code (run `npm run openapi` after changing them)', async () => {
    expect(await readFile(OPENAPI_PATH, 'utf8')).toBe(await renderOpenApi());
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
        ...['accept', 'return', 'assign', 'recategorize', 'extend', 'pause', 'resume', 'note', 'reply', 'follow-up', 'reopen', 'close'].map((a) => `/v1/cases/{id}/${a}`),
        '/v1/intake/mailbox',
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
    expect(doc.paths['/v1/intake/mailbox']?.post?.security).toBeUndefined();
    expect(doc.paths['/v1/track/{ticketNo}']?.get?.security).toBeUndefined();
    expect(doc.paths['/v1/auth/login']?.post?.security).toBeUndefined();
    expect(doc.paths['/v1/auth/config']?.get?.security).toBeUndefined();
    expect(doc.paths['/v1/auth/me']?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/v1/admin/users/{username}']?.put?.security).toEqual([{ bearerAuth: [] }]);
  });
});
