import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { OPENAPI_PATH } from '../../scripts/openapi';

/**
 * The contract check every HTTP test gets: each response is held to openapi.yaml (the committed
 * file; a unit test keeps it equal to the code's). The status must be declared for the operation,
 * the media type listed, the body valid against its schema (ajv, JSON Schema 2020-12 as OpenAPI
 * 3.1 uses), declared headers present when required and valid, and the headers clients act on
 * (Location, Retry-After, ETag, …) declared when sent. A test that sends a request outside the
 * spec on purpose (a method a path does not take, an unknown path) says so with the
 * `x-test-outside-spec` header (the harness's `outsideSpec` option): then only the problem body is
 * checked.
 */

export const OUTSIDE_SPEC_HEADER = 'x-test-outside-spec';

/** Pages and the document itself: served, but not part of the API described (the console's, /console/…, too). */
const NOT_IN_SPEC = new Set(['/openapi.json', '/openapi.yaml', '/docs', '/track', '/console']);
const PAGES_UNDER = ['/docs/', '/console/'];
/** Headers a client acts on: sending one the operation does not declare is a drift. */
const MUST_BE_DECLARED = ['location', 'retry-after', 'etag', 'idempotent-replayed', 'www-authenticate', 'content-disposition'];

interface Schema {
  $ref?: string;
  type?: string | string[];
  [k: string]: unknown;
}
interface Header {
  $ref?: string;
  required?: boolean;
  schema?: Schema;
}
interface ResponseSpec {
  $ref?: string;
  description?: string;
  headers?: Record<string, Header>;
  content?: Record<string, { schema?: Schema }>;
}
interface Operation {
  operationId?: string;
  responses: Record<string, ResponseSpec>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { responses?: Record<string, ResponseSpec>; headers?: Record<string, Header>; schemas?: Record<string, Schema> };
}

const doc = parse(readFileSync(OPENAPI_PATH, 'utf8')) as Document;

/**
 * Objects are closed for the check: a response field the document does not describe is a drift
 * too (clients generated from the document would not know it). The document itself stays open.
 * An allOf is closed as a whole (its members, and the components they name, stay open), since
 * unevaluatedProperties sees what every member evaluated.
 */
function closeObjects(v: unknown, closeHere = true): unknown {
  if (Array.isArray(v)) return v.map((x) => closeObjects(x));
  if (!v || typeof v !== 'object') return v;
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'properties') o[k] = Object.fromEntries(Object.entries(x as object).map(([p, s]) => [p, closeObjects(s)]));
    else if (k === 'allOf') o[k] = (x as Schema[]).map((m) => (m.$ref ? { $ref: m.$ref.replace('#/components/schemas/', '#/open/') } : closeObjects(m, false)));
    else o[k] = closeObjects(x);
  }
  if (closeHere && ((o.type === 'object' && o.properties) || o.allOf) && o.additionalProperties === undefined) o.unevaluatedProperties = false;
  return o;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true, validateSchema: false }));
// The whole document under one id, so `#/components/...` refs resolve inside it.
const open = Object.fromEntries(Object.entries(doc.components.schemas ?? {}).map(([name, schema]) => [name, closeObjects(schema, false)]));
ajv.addSchema({ components: closeObjects(doc.components), paths: closeObjects(doc.paths), open }, 'openapi');

/** Path templates, literal ones first so /v1/calendar/deadline wins over /v1/calendar/{year}. */
const templates = Object.keys(doc.paths)
  .map((t) => ({ template: t, params: (t.match(/\{/g) ?? []).length, re: new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`) }))
  .sort((a, b) => a.params - b.params);

function deref<T extends { $ref?: string }>(v: T): T {
  if (!v.$ref) return v;
  const [, kind, name] = /^#\/components\/(\w+)\/(.+)$/.exec(v.$ref) ?? [];
  const target = (doc.components as Record<string, Record<string, T> | undefined>)[kind ?? '']?.[name ?? ''];
  if (!target) throw new Error(`openapi.yaml: unresolved ${v.$ref}`);
  return deref(target);
}

const PROBLEM = { schema: { $ref: '#/components/schemas/Problem' } };

const compiled = new WeakMap<object, ValidateFunction>();
function validatorFor(schema: Schema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    const rooted = JSON.parse(JSON.stringify(closeObjects(schema)).replaceAll('"$ref":"#/', '"$ref":"openapi#/')) as Schema;
    v = ajv.compile(rooted);
    compiled.set(schema, v);
  }
  return v;
}

function findOperation(method: string, path: string): { template: string; op: Operation } | undefined {
  const m = (method === 'HEAD' ? 'GET' : method).toLowerCase();
  for (const t of templates) {
    const op = doc.paths[t.template]?.[m];
    if (op && t.re.test(path)) return { template: t.template, op };
  }
  return undefined;
}

const essence = (contentType: string | null) => contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
const isJson = (media: string) => /^application\/([\w.-]+\+)?json$/.test(media);

/** The request as the checker needs it, from what app.request or fetch was given. */
export function describeRequest(input: string | URL | Request, init?: RequestInit): { method: string; path: string; outsideSpec: boolean } {
  const url = input instanceof Request ? input.url : String(input);
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  return { method, path: new URL(url, 'http://localhost').pathname, outsideSpec: headers.has(OUTSIDE_SPEC_HEADER) };
}

/** Throws, naming the operation and what differs, when the response breaks the contract. */
export async function checkResponse(req: { method: string; path: string; outsideSpec?: boolean }, res: Response): Promise<void> {
  if (NOT_IN_SPEC.has(req.path) || PAGES_UNDER.some((p) => req.path.startsWith(p))) return;
  const where = `${req.method} ${req.path} → ${res.status}`;
  const found = findOperation(req.method, req.path);
  const text = req.method === 'HEAD' ? '' : await res.clone().text();
  if (!found) {
    if (!req.outsideSpec) throw new Error(`${where}: no such operation in openapi.yaml (send ${OUTSIDE_SPEC_HEADER} if the test means it)`);
    if (res.status === 405 && !res.headers.get('allow')) throw new Error(`${where}: 405 without Allow`);
    if (text) checkBody(where, 'application/problem+json', essence(res.headers.get('content-type')), PROBLEM, text);
    return;
  }
  const { op, template } = found;
  const name = `${op.operationId ?? template} (${req.method} ${template})`;
  const declared = op.responses[String(res.status)] ?? op.responses[`${String(res.status)[0]}XX`] ?? op.responses.default;
  if (!declared) {
    if (req.outsideSpec) return;
    throw new Error(`${where}: ${name} does not declare ${res.status} (declared: ${Object.keys(op.responses).join(', ')}); body: ${text.slice(0, 300)}`);
  }
  const spec = deref(declared);

  const headers = Object.fromEntries(Object.entries(spec.headers ?? {}).map(([k, h]) => [k.toLowerCase(), deref(h)]));
  for (const [h, header] of Object.entries(headers)) {
    const value = res.headers.get(h);
    if (value === null) {
      if (header.required) throw new Error(`${where}: ${name} declares the header ${h} as required; it was not sent`);
      continue;
    }
    if (header.schema) {
      const schema = deref(header.schema);
      const typed = schema.type === 'integer' || schema.type === 'number' ? Number(value) : value;
      const v = validatorFor(schema);
      if (!v(typed)) throw new Error(`${where}: header ${h}: ${JSON.stringify(value)} ${ajv.errorsText(v.errors)}`);
    }
  }
  for (const h of MUST_BE_DECLARED) {
    if (res.headers.has(h) && !headers[h]) throw new Error(`${where}: ${name} sends ${h} but does not declare it for ${res.status}`);
  }

  const media = essence(res.headers.get('content-type'));
  if (!spec.content) {
    if (text) throw new Error(`${where}: ${name} declares no body for ${res.status}, got ${media}: ${text.slice(0, 200)}`);
    return;
  }
  if (req.method === 'HEAD') return;
  const listed = Object.keys(spec.content).find((m) => m.toLowerCase() === media);
  if (!listed) throw new Error(`${where}: ${name} answers ${res.status} as ${media || 'nothing'}; openapi.yaml lists ${Object.keys(spec.content).join(', ')}`);
  checkBody(where, listed, media, spec.content[listed] ?? {}, text);
}

function checkBody(where: string, listed: string, media: string, content: { schema?: Schema }, text: string): void {
  if (listed.toLowerCase() !== media) throw new Error(`${where}: body is ${media || 'untyped'}, expected ${listed}`);
  if (!content.schema) return;
  let value: unknown = text;
  if (isJson(media)) {
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`${where}: ${media} body is not JSON: ${text.slice(0, 200)}`);
    }
  }
  const v = validatorFor(content.schema);
  if (!v(value)) throw new Error(`${where}: body does not match openapi.yaml: ${ajv.errorsText(v.errors)}; body: ${text.slice(0, 300)}`);
}

/** fetch for tests of a started runtime: the same check on every response. */
export async function checkedFetch(input: string | URL, init?: RequestInit): Promise<Response> {
  const res = await fetch(input, init);
  await checkResponse(describeRequest(input, init), res);
  return res;
}

/** An API Gateway HTTP API (v2) event and what the Lambda answered, as the check needs them. */
interface LambdaEvent {
  rawPath: string;
  headers?: Record<string, string | undefined>;
  requestContext: { http: { method: string } };
}
interface LambdaResult {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  body?: string;
  isBase64Encoded?: boolean;
}

/** The same check for the Lambda entry: its result, as the client behind API Gateway would get it. */
export async function checkLambdaResult(event: LambdaEvent, result: unknown): Promise<void> {
  const r = result as LambdaResult;
  const status = r.statusCode ?? 200;
  const body = r.body === undefined || r.body === '' || [204, 304].includes(status) ? null : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : r.body;
  const headers = new Headers(Object.entries(r.headers ?? {}).map(([k, v]) => [k, String(v)]));
  const method = event.requestContext.http.method.toUpperCase();
  const outsideSpec = Object.keys(event.headers ?? {}).some((k) => k.toLowerCase() === OUTSIDE_SPEC_HEADER);
  await checkResponse({ method, path: event.rawPath, outsideSpec }, new Response(body, { status, headers }));
}
