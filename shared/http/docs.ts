import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

/**
 * The API's documentation files, served by the app itself wherever it runs (the local runtime, the
 * Lambda), so /docs needs no CDN and the Lambda no YAML library: `/openapi.yaml` is the generated
 * file as committed (`npm run openapi`; a test fails when it drifts from the routes), and Swagger
 * UI's two files come from swagger-ui-dist. Read on first request, never at start-up.
 */
export interface DocsFiles {
  /** Path of the generated openapi.yaml. */
  openapiYaml: string;
  /** Folder holding swagger-ui.css and swagger-ui-bundle.js. */
  swaggerUiDir: string;
}

/** Where /docs points Swagger UI for its files: `${DOCS_ASSETS}/swagger-ui-dist/<file>`. */
export const DOCS_ASSETS = '/docs/assets';

/** The folder beside the API's bundle in its Lambda asset that holds these files (infra/function.ts copies them). */
export const DOCS_DIR = 'docs';

/** The only files served from swaggerUiDir: nothing else of the folder is reachable. */
export const SWAGGER_UI_FILES: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

/** The files in this repository: openapi.yaml at its root, the installed swagger-ui-dist. */
export function repositoryDocsFiles(): DocsFiles {
  return {
    openapiYaml: fileURLToPath(new URL('../../openapi.yaml', import.meta.url)),
    swaggerUiDir: dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json')),
  };
}

export function docsRoutes(files: DocsFiles) {
  const cache = new Map<string, Promise<Buffer>>();
  const read = (path: string) => {
    let p = cache.get(path);
    if (!p) cache.set(path, (p = readFile(path)));
    // A failed read is not kept: the next request tries again.
    p.catch(() => cache.delete(path));
    return p;
  };
  return new Hono()
    .get('/openapi.yaml', async (c) => c.body(new Uint8Array(await read(files.openapiYaml)), 200, { 'Content-Type': 'application/yaml; charset=utf-8' }))
    .get(`${DOCS_ASSETS}/swagger-ui-dist/:file`, async (c) => {
      const type = SWAGGER_UI_FILES[c.req.param('file')];
      if (!type) return c.notFound();
      const body = await read(join(files.swaggerUiDir, c.req.param('file')));
      return c.body(new Uint8Array(body), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
    });
}
