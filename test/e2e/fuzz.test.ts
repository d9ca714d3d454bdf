import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHs256 } from '../../shared/adapters/auth/hs256';
import type { Role } from '../../shared/domain/principal';
import { putOffice, putRouting } from '../../shared/usecases/admin';
import { createHarness, hotlineCase, TEST_SECRET, type Harness } from '../support/harness';
import type { CaseBody } from '../support/http';
import { CALENDAR_NOTICE } from '../support/http';
import { OUTSIDE_SPEC_HEADER } from '../support/contract';

/**
 * Fuzzes every operation in openapi.yaml with fast-check: odd path parameters, junk query strings,
 * broken and oversized bodies, wrong content types, and callers of every kind. Whatever comes in,
 * the API must answer
 *   - never with a 5xx;
 *   - every error as an RFC 9457 problem (application/problem+json, numeric `status` equal to the
 *     HTTP status, string `type` and `title`), except the HTML error page the mailbox deliberately
 *     shows browsers posting its form;
 *   - with the secure headers on every response.
 *
 * FUZZ_RUNS sets the requests per operation (default 80), FUZZ_SEED the seed (each operation
 * uses seed + its index), FUZZ_STATS=1 prints the statuses each operation answered. A failure
 * prints the request (method, path, headers, body summary), the response, and the seed and path to
 * replay it.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 80);
/**
 * Redrive long-polls the dead-letter queue for a second each time it gets through, so it gets a
 * quarter of the runs: its only inputs are one path parameter and a caller.
 */
const runsFor = (op: { method: string; path: string }) => (op.path.endsWith('/redrive') ? Math.max(1, Math.ceil(RUNS / 4)) : RUNS);
const SEED = Number(process.env.FUZZ_SEED ?? 20260302);

// ---------------------------------------------------------------------------------------------
// The OpenAPI document

interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
}

interface Param {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: Schema;
}

interface Operation {
  method: string;
  /** As in openapi.yaml, e.g. /v1/cases/{id}/accept. */
  path: string;
  params: Param[];
  body?: { required: boolean; content: Record<string, { schema: Schema }> };
  secured: boolean;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { parameters?: Param[]; requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> }; security?: unknown[] }>>;
  components: { schemas: Record<string, Schema> };
}

const spec = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as OpenApiDoc;

const OPERATIONS: Operation[] = Object.entries(spec.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({
    method: method.toUpperCase(),
    path,
    params: op.parameters ?? [],
    ...(op.requestBody && { body: { required: op.requestBody.required ?? false, content: op.requestBody.content } }),
    secured: (op.security?.length ?? 0) > 0,
  })),
);

/** $ref and allOf resolved (one level of merging is all the document uses). */
function deref(s: Schema | undefined): Schema {
  if (!s) return {};
  if (s.$ref) return deref(spec.components.schemas[s.$ref.replace('#/components/schemas/', '')]);
  if (s.allOf) {
    const parts = s.allOf.map(deref);
    return {
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})) as Record<string, Schema>,
      required: parts.flatMap((p) => p.required ?? []),
    };
  }
  return s;
}

/** Every property name in a schema, nested ones too: the keys valid-ish bodies are built from. */
function propertyNames(s: Schema | undefined, seen = new Set<string>(), depth = 0): string[] {
  const d = deref(s);
  if (depth > 4) return [...seen];
  for (const [k, v] of Object.entries(d.properties ?? {})) {
    seen.add(k);
    propertyNames(v, seen, depth + 1);
  }
  if (d.items) propertyNames(d.items, seen, depth + 1);
  return [...seen];
}

// ---------------------------------------------------------------------------------------------
// State the fuzzer draws real values from (filled in beforeAll)

type Caller = 'none' | 'operator' | 'reception' | 'office' | 'officeOther' | 'supervisor' | 'admin' | 'expired' | 'forged' | 'wrongSecret' | 'unknownRole' | 'malformed' | 'basic';
/** Mostly real callers, so requests get past authentication; sometimes nobody, sometimes a bad token. */
const callerArb: fc.Arbitrary<Caller> = fc.oneof(
  { weight: 16, arbitrary: fc.constantFrom<Caller>('operator', 'reception', 'office', 'officeOther', 'supervisor', 'admin') },
  { weight: 2, arbitrary: fc.constant<Caller>('none') },
  { weight: 2, arbitrary: fc.constantFrom<Caller>('expired', 'forged', 'wrongSecret', 'unknownRole', 'malformed', 'basic') },
);

let h: Harness;
const authorization = new Map<Caller, string>();
const pool = {
  ids: [] as string[],
  ticketNos: [] as string[],
  codes: [] as string[],
  offices: ['rights', 'legal', 'spare', 'nowhere', 'fuzz-office'],
  years: ['2026', '2027', '2030', '2000', '2100', '1999', '2101'],
};
/** The last ETag seen per case id, for If-Match that is sometimes right. */
const etags = new Map<string, string>();
let requests = 0;
const fuzzed = new Set<string>();
/** Status counts per operation; FUZZ_STATS=1 prints them, to see how deep the fuzzer gets. */
const statuses = new Map<string, Map<number, number>>();

// ---------------------------------------------------------------------------------------------
// Odd values

const BIG_60K = 'm'.repeat(60_000);
const BIG_100K = 'x'.repeat(100_000);
const BIG_200K = 'y'.repeat(200_000);
const LONG_10K = '长'.repeat(10_001);

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u202E\u200Fمرحبا بالعالم\u200F',
  '\u200F\u200E\u2066x\u2069',
  '\uFEFF',
  '👩‍👩‍👧‍👦🙂🏳️‍🌈',
  '\uD800',
  'x\uDFFFy',
  '..',
  '../..',
  '../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f',
  '....//....//',
  '%00',
  '%',
  '%ZZ',
  '%E0%A4%A',
  '?',
  '#',
  '/',
  '//',
  '\\',
  ';',
  '*',
  '{id}',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '${7*7}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'true',
  '-1',
  '0',
  '1e309',
  'NaN',
  '9'.repeat(40),
  'H2026-000001',
  'M9999-999999999',
  'W2026-0000001',
  'x'.repeat(65),
  'x'.repeat(5000),
  '工'.repeat(300),
  '\r\n',
  '\t',
];

const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);

/** Strings a Headers object accepts (no NUL/CR/LF, Latin-1 only). */
const headerJunk: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.constantFrom('', ' ', '"', '""', 'W/', '*', '\t', 'x'.repeat(300), '%00', '../..', 'ÿÿÿ'),
);

/** A value of the wrong kind for any field. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constant(null),
  fc.boolean(),
  oddString,
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxKeys: 3 }),
  fc.constantFrom<unknown>(LONG_10K, BIG_60K, BIG_100K, BIG_200K, '', '   ', -0, 1e308, Number.MAX_SAFE_INTEGER + 2, '1', 'true', '2026-03-02T09:00:00+08:00', [], {}),
);

const BROKEN_JSON = [
  '',
  ' ',
  '{',
  '}',
  '{"a":',
  '{"channel": "hotline",',
  '{"channel": "hotline",}',
  "{'channel': 'hotline'}",
  '{"urgent": NaN}',
  '{"a": undefined}',
  '[1, 2',
  '"unterminated',
  '\u0000',
  '\uFEFF{}',
  'null',
  'true',
  '42',
  '"hotline"',
  '[]',
  '{}',
  '{"__proto__": {"polluted": true}}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  '{"a":1,"a":2}',
  '<?xml version="1.0"?><case/>',
  'channel=hotline&subject=x',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
  `${'['.repeat(70_000)}${']'.repeat(70_000)}`,
  JSON.stringify({ junk: BIG_200K }),
];

const BAD_BYTES: number[][] = [
  [0x7b, 0xff, 0xfe, 0x7d], // { then invalid UTF-8 }
  [0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00], // {} in UTF-16LE with a BOM
  [0xef, 0xbb, 0xbf, 0x7b, 0x7d], // {} with a UTF-8 BOM
  [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d], // {"a":"<CESU surrogate>"}
  [0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x3d, 0xc3, 0x28], // message=<broken 2-byte sequence>
  [0x1f, 0x8b, 0x08, 0x00], // a gzip header
  [0x00, 0x00, 0x00, 0x00],
];

function nest(v: unknown, depth: number): unknown {
  let x = v;
  for (let i = 0; i < depth; i++) x = i % 2 ? [x] : { a: x };
  return x;
}

/** Lone surrogates cannot go through encodeURIComponent: they go as invalid UTF-8 instead. */
function pct(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    out += cp >= 0xd800 && cp <= 0xdfff ? '%ED%A0%80' : encodeURIComponent(ch);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values that look valid, from the schema

const DATE_TIMES = ['2026-03-02T09:00:00+08:00', '2026-03-01T12:00:00+08:00', '2026-02-27T18:00:00+08:00', '2026-03-02T09:30:00.000+08:00', '2025-12-31T23:59:59+08:00', '2026-03-02T01:00:00Z'];
const TEXTS = ['来电反映工地拖欠工资', '宿舍没有热水', '已电话联系', 'Wages unpaid for three months', 'x'];

/** Real values, by parameter or property name. */
function known(name: string): string[] {
  switch (name) {
    case 'id':
      return pool.ids;
    case 'ticketNo':
      return pool.ticketNos;
    case 'code':
      return pool.codes;
    case 'officeId':
    case 'office':
    case 'defaultOffice':
      return pool.offices;
    case 'year':
      return pool.years;
    case 'topic':
      return ['wages', 'dismissal', 'injury', 'other'];
    case 'email':
    case 'head':
    case 'supervisor':
    case 'chairman':
      return ['clerk@union.example.org', 'worker@example.com', 'not-an-email'];
    case 'phone':
    case 'callerNumber':
      return ['13800138000', '+86 10 1234 5678', '12'];
    case 'redirect':
      return ['https://union.example.org/thanks', 'https://evil.example/phish', 'javascript:alert(1)', '/relative'];
    case 'month':
      return ['2026-03', '2026-13', '2026-02'];
    case 'quarter':
      return ['2026-Q1', '2025-Q4', '2026-Q5'];
    case 'from':
    case 'to':
      return ['2026-03-01', '2026-03-31', '2026-02-30', '2025-01-01'];
    default:
      return [];
  }
}

function stringFor(s: Schema, name: string): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [];
  const real = known(name);
  // Real values three times as often as made-up ones.
  if (real.length) options.push(fc.constantFrom(...real), fc.constantFrom(...real), fc.constantFrom(...real), fc.constantFrom(...real), fc.constantFrom(...real), fc.constantFrom(...real));
  if (s.enum) options.push(fc.constantFrom(...s.enum.map(String)));
  else if (s.type === 'integer' || s.type === 'number') options.push(fc.integer({ min: s.minimum ?? -5, max: s.maximum ?? 500 }).map(String));
  else if (s.format === 'date') options.push(fc.date({ min: new Date('2025-06-01'), max: new Date('2027-06-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
  else if (s.format === 'date-time') options.push(fc.constantFrom(...DATE_TIMES));
  else if (s.pattern) options.push(fc.stringMatching(new RegExp(s.pattern), { maxLength: 60 }));
  else {
    const min = Math.max(s.minLength ?? 0, 1);
    options.push(fc.constantFrom(...TEXTS), fc.string({ minLength: min, maxLength: Math.max(min, Math.min(s.maxLength ?? 40, 40)) }));
  }
  return fc.oneof(...options);
}

/** A value that satisfies the schema more often than not. */
function validish(schema: Schema | undefined, name = '', depth = 0): fc.Arbitrary<unknown> {
  const s = deref(schema);
  if (s.enum) return fc.constantFrom(...s.enum);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      if (!props.length || depth > 3) return fc.constant({});
      const model: Record<string, fc.Arbitrary<unknown>> = Object.fromEntries(props.map(([k, v]) => [k, validish(v, k, depth + 1)]));
      return fc.record(model, { requiredKeys: s.required ?? [] });
    }
    case 'array':
      return fc.array(validish(s.items, name, depth + 1), { maxLength: Math.min(s.maxItems ?? 3, 3) });
    case 'integer':
      return fc.integer({ min: s.minimum ?? -10, max: s.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: s.minimum ?? 0, max: s.maximum ?? 1, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      return stringFor(s, name);
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

type Mutation = { op: 'drop' | 'set' | 'extra' | 'nest'; at: number; key: string; value: unknown; depth: number };

function mutationArb(names: string[]): fc.Arbitrary<Mutation> {
  return fc.record({
    op: fc.constantFrom('drop', 'set', 'extra', 'nest'),
    at: fc.nat(),
    key: fc.oneof(fc.constantFrom(...names, 'extra', '__proto__', 'constructor', 'prototype'), fc.string({ maxLength: 12 }), fc.constantFrom(...ODD_STRINGS.filter((x) => x.length < 100))),
    value: wrongValue,
    depth: fc.constantFrom(3, 200, 2000),
  });
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Drops fields, sets them to wrong values, adds unknown ones or nests them deeply. */
function mutate(base: unknown, mutations: Mutation[]): unknown {
  const root = structuredClone(base);
  for (const m of mutations) {
    const slots: [Record<string, unknown>, string][] = [];
    const containers: Record<string, unknown>[] = [];
    const walk = (v: unknown, depth: number) => {
      if (depth > 6 || v === null || typeof v !== 'object') return;
      const o = v as Record<string, unknown>;
      containers.push(o);
      for (const k of Object.keys(o)) {
        slots.push([o, k]);
        walk(o[k], depth + 1);
      }
    };
    walk(root, 0);
    if (m.op === 'extra' || !slots.length) {
      const target = containers[m.at % Math.max(containers.length, 1)];
      if (target && !Array.isArray(target)) setOwn(target, m.key, m.value);
      continue;
    }
    const [o, k] = slots[m.at % slots.length] as [Record<string, unknown>, string];
    if (m.op === 'drop') delete o[k];
    else if (m.op === 'set') setOwn(o, k, m.value);
    else setOwn(o, k, nest(o[k], m.depth));
  }
  return root;
}

const officeBody = (id: string) => ({ name: `办公室 ${id}`, email: `${id}@union.example.org`, locale: 'zh-CN', escalation: { head: [], supervisor: [], chairman: [] } });

/** Bodies known to pass validation, so the fuzzer reaches the use cases behind it. */
function examples(op: Operation): unknown[] {
  const code = pool.codes[0] ?? '23456789';
  const last = op.path.split('/').pop() ?? '';
  if (op.path === '/v1/cases')
    return [
      hotlineCase({ hotline: { callId: 'fuzz-call' } }),
      { channel: 'walk_in', category: 'advice', subject: '来访咨询', description: '来访咨询劳动合同续签事宜。', walkIn: { visitors: 2 } },
      { channel: 'mailbox', category: 'investigation', subject: '纸质来信', description: '来信反映单位两年未缴纳社会保险。' },
    ];
  if (op.path === '/v1/intake/mailbox') return [{ message: '宿舍没有热水' }, { message: '食堂饭菜质量差\n第二行', name: '李', phone: '13800138000', category: 'complaint', urgent: true, redirect: 'https://union.example.org/thanks' }, { message: 'spam', website: 'http://spam.example' }];
  if (op.path === '/v1/track/{ticketNo}/follow-up') return [{ code, resolved: true, satisfaction: 'satisfied' }, { code, resolved: false, satisfaction: 'dissatisfied', comment: '没有解决' }];
  if (op.path === '/v1/admin/calendar/{year}') return [{ notice: CALENDAR_NOTICE, holidays: ['2030-01-01'], workdays: [] }, { notice: CALENDAR_NOTICE, holidays: [], workdays: ['2030-02-09'] }];
  if (op.path === '/v1/admin/offices/{officeId}') return [officeBody('fuzz-office')];
  if (op.path === '/v1/admin/routing') return [{ rules: [], defaultOffice: 'rights' }, { rules: [{ when: { category: 'advice' }, office: 'legal' }], defaultOffice: 'rights' }];
  const actions: Record<string, unknown[]> = {
    accept: [{}],
    resume: [{}],
    return: [{ reason: '不属本部门' }],
    assign: [{ office: 'legal', reason: '转办' }, { office: 'rights', reason: '转回' }],
    recategorize: [{ category: 'advice', reason: '实为咨询' }],
    extend: [{ reason: '需要调查' }],
    pause: [{ reason: '等待材料' }],
    note: [{ text: '已电话联系' }],
    reply: [{ text: '已答复', outcome: 'support' }],
    'follow-up': [{ resolved: true, satisfaction: 'satisfied' }],
    reopen: [{ reason: '职工不满意' }],
    close: [{ reason: '办结' }],
  };
  return op.path.startsWith('/v1/cases/{id}/') ? (actions[last] ?? [{}]) : [{}];
}

// ---------------------------------------------------------------------------------------------
// Requests

type BodyPlan =
  | { kind: 'text'; text: string }
  /** Raw bytes: invalid UTF-8, UTF-16, binary junk. */
  | { kind: 'bytes'; bytes: number[] }
  /** multipart/form-data built by FormData; `files` sends every other entry as a file upload. */
  | { kind: 'formData'; entries: [string, string][]; files: boolean };

interface Plan {
  op: Operation;
  /** Path and query, as sent. */
  url: string;
  /** The case id in the path, when it is one the fuzzer knows (for If-Match: current). */
  caseId?: string;
  caller: Caller;
  headers: Record<string, string>;
  /** Send If-Match with the case's current ETag. */
  currentIfMatch: boolean;
  body?: BodyPlan;
}

function bodySummary(b: BodyPlan | undefined): string {
  if (!b) return 'none';
  if (b.kind === 'bytes') return `${b.bytes.length} bytes: ${Buffer.from(b.bytes.slice(0, 120)).toString('hex')}`;
  if (b.kind === 'formData') return `FormData${b.files ? ' (with files)' : ''} ${JSON.stringify(b.entries.map(([k, v]) => [k.slice(0, 40), v.length > 80 ? `${v.slice(0, 80)}…(${v.length} chars)` : v]))}`;
  return `${b.text.length} chars: ${JSON.stringify(b.text.slice(0, 240))}${b.text.length > 240 ? '…' : ''}`;
}

function summary(p: Plan): string {
  const url = p.url.length > 400 ? `${p.url.slice(0, 400)}…(${p.url.length} chars)` : p.url;
  const headers = { ...p.headers, ...(p.headers.authorization && { authorization: `<${p.caller}>` }), ...(p.currentIfMatch && { 'if-match': '<current ETag>' }) };
  return `${p.op.method} ${url} headers=${JSON.stringify(headers)} body=${bodySummary(p.body)}`;
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/merge-patch+json'];
const OTHER_TYPES = ['text/plain', 'application/xml', 'multipart/form-data', 'multipart/form-data; boundary=zzz', 'application/x-www-form-urlencoded', 'text/json', 'application/jsonx', ';;;', 'application/json; charset=utf-16', 'text/html'];

/** JSON text; mutations that nest deeply more than once can be too deep for JSON.stringify's stack. */
function stringifyDeep(v: unknown): string {
  try {
    return JSON.stringify(v) ?? 'null';
  } catch {
    return `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
  }
}

function jsonTextArb(op: Operation): fc.Arbitrary<string> {
  const schema = op.body?.content['application/json']?.schema;
  const names = propertyNames(schema);
  const base = fc.oneof({ weight: 1, arbitrary: validish(schema) }, { weight: 2, arbitrary: fc.constantFrom(...examples(op)) });
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.tuple(base, fc.array(mutationArb(names), { minLength: 1, maxLength: 3 })).map(([b, ms]) => mutate(b, ms)) },
    { weight: 4, arbitrary: base },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], 'str', 42, true, {}, [{}]) },
  );
  return fc.oneof(
    { weight: 8, arbitrary: value.map(stringifyDeep) },
    { weight: 2, arbitrary: fc.constantFrom(...BROKEN_JSON) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
}

/** For the mailbox form: urlencoded and multipart posts. */
function formArb(op: Operation): fc.Arbitrary<{ contentType?: string; body: BodyPlan }> {
  const schema = op.body?.content['application/x-www-form-urlencoded']?.schema;
  const names = propertyNames(schema);
  const valid = fc.oneof(validish(schema), fc.constantFrom(...examples(op))).map((o) =>
    Object.entries(o as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]),
  );
  const junkEntry = fc.tuple(fc.oneof(fc.constantFrom(...names), oddString), fc.oneof(oddString, fc.constantFrom(BIG_60K, LONG_10K, 'on', 'true', '1')));
  const entries = fc
    .tuple(valid, fc.array(junkEntry, { maxLength: 4 }), fc.boolean())
    .map(([v, junk, keep]) => [...(keep ? v : v.slice(1)), ...junk]);
  const encoded = (es: [string, string][]) => es.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&');
  return fc.oneof(
    { weight: 5, arbitrary: fc.tuple(entries, fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8')).map(([es, ct]) => ({ contentType: ct, body: { kind: 'text' as const, text: encoded(es) } })) },
    { weight: 2, arbitrary: fc.tuple(entries, fc.boolean()).map(([es, files]) => ({ body: { kind: 'formData' as const, entries: es, files } })) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom('application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=zzz', 'multipart/form-data; boundary='), fc.oneof(fc.constantFrom('%%%', '&&&=', '=', 'message=%ZZ', 'message=a&message=b', 'message[]=x', 'message=%00', '--zzz\r\nContent-Disposition: form-data; name="message"\r\n\r\nhi\r\n--zzz--\r\n', '--zzz\r\n\r\n'), oddString)).map(([ct, text]) => ({ contentType: ct, body: { kind: 'text' as const, text } })),
    },
  );
}

function bodyArb(op: Operation): fc.Arbitrary<{ contentType?: string; body?: BodyPlan }> {
  const json = jsonTextArb(op);
  const choices: fc.WeightedArbitrary<{ contentType?: string; body?: BodyPlan }>[] = [
    { weight: 12, arbitrary: fc.tuple(fc.constantFrom(...JSON_TYPES), json).map(([contentType, text]) => ({ contentType, body: { kind: 'text', text } })) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...OTHER_TYPES), fc.oneof(json, oddString)).map(([contentType, text]) => ({ contentType, body: { kind: 'text', text } })) },
    { weight: 1, arbitrary: fc.tuple(headerJunk, json).map(([contentType, text]) => ({ contentType, body: { kind: 'text', text } })) },
    { weight: 1, arbitrary: fc.constantFrom<{ contentType?: string; body?: BodyPlan }>({}, { contentType: 'application/json' }, { body: { kind: 'text', text: '{}' } }) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...JSON_TYPES, 'application/x-www-form-urlencoded'), fc.oneof(fc.constantFrom(...BAD_BYTES), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }))).map(([contentType, bytes]) => ({ contentType, body: { kind: 'bytes' as const, bytes } })),
    },
    { weight: 1, arbitrary: fc.constantFrom({ contentType: 'application/json', body: { kind: 'text' as const, text: JSON.stringify({ message: BIG_200K, subject: BIG_200K }) } }) },
  ];
  if (op.body?.content['application/x-www-form-urlencoded']) choices.push({ weight: 10, arbitrary: formArb(op) });
  if (!op.body) {
    // Operations that take no body still get junk ones now and then.
    return fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.oneof(...choices.map((c) => c.arbitrary)) });
  }
  return fc.oneof(...choices);
}

/** The value `present` times in `present + absent`, otherwise undefined. */
function maybe<T>(arb: fc.Arbitrary<T>, present: number, absent: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: absent, arbitrary: fc.constant(undefined) }, { weight: present, arbitrary: arb });
}

function paramArb(p: Param): fc.Arbitrary<{ value: string; raw: boolean }> {
  const real = known(p.name);
  const values = fc.oneof(
    ...(real.length ? [{ weight: 6, arbitrary: fc.constantFrom(...real) }] : []),
    { weight: 3, arbitrary: stringFor(deref(p.schema), p.name) },
    { weight: 3, arbitrary: oddString },
  );
  // Mostly percent-encoded; sometimes pasted in raw (slashes, dots, ? and # then change the URL).
  return fc.record({ value: values, raw: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) });
}

function queryValueArb(p: Param): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: stringFor(deref(p.schema), p.name) },
    { weight: 1, arbitrary: oddString },
    { weight: 1, arbitrary: fc.constantFrom('', '-1', '0', '201', '1.5', '1e3', 'true', 'null', '[]', '{}', '2026-02-30', '2026-13-01T00:00:00+08:00', '9999-Q9', 'csv', 'html') },
  );
}

function queryArb(op: Operation): fc.Arbitrary<string> {
  const params = op.params.filter((p) => p.in === 'query');
  const names = params.map((p) => p.name);
  const perParam = fc.tuple(...params.map((p) => maybe(fc.tuple(fc.constant(p.name), queryValueArb(p)), p.required ? 9 : 1, 1)));
  // Unknown and repeated keys, now and then.
  const extras = maybe(fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names, 'foo', '__proto__', 'limit', 'format', ''), oddString), oddString), { minLength: 1, maxLength: 2 }), 1, 6).map((x) => x ?? []);
  const rawTail = maybe(fc.constantFrom('&', '&&=&', '%ZZ=1', 'a=%E0%A4%A', '==', 'code', 'limit=1&limit=2', '#frag'), 1, 8);
  return fc.tuple(perParam, extras, rawTail).map(([given, extra, tail]) => {
    const pairs = [...given.filter((x): x is [string, string] => x !== undefined), ...extra];
    const parts = pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`);
    if (tail) parts.push(tail);
    return parts.length ? `?${parts.join('&')}` : '';
  });
}

/**
 * Three in four requests are fuzzed throughout; one in four is well-formed (real ids, an example
 * body, the current If-Match, a caller with rights) so that the use cases behind validation run
 * and the fuzzed requests meet cases in many states.
 */
function planArb(op: Operation): fc.Arbitrary<Plan> {
  return fc.oneof({ weight: 3, arbitrary: planArbOf(op, false) }, { weight: 1, arbitrary: planArbOf(op, true) });
}

function wellFormedQueryArb(op: Operation): fc.Arbitrary<string> {
  const params = op.params.filter((p) => p.in === 'query');
  return fc
    .tuple(...params.map((p) => maybe(stringFor(deref(p.schema), p.name).map((v): [string, string] => [p.name, v]), p.required ? 1 : 1, p.required ? 0 : 2)))
    .map((pairs) => {
      const parts = pairs.filter((x): x is [string, string] => x !== undefined).map(([k, v]) => `${k}=${pct(v)}`);
      return parts.length ? `?${parts.join('&')}` : '';
    });
}

function wellFormedBodyArb(op: Operation): fc.Arbitrary<{ contentType?: string; body?: BodyPlan }> {
  if (!op.body) return fc.constant({});
  const json = fc.constantFrom(...examples(op)).map((v) => ({ contentType: 'application/json', body: { kind: 'text' as const, text: JSON.stringify(v) } }));
  if (!op.body.content['application/x-www-form-urlencoded']) return json;
  const form = fc.constantFrom(...examples(op)).map((v) => ({
    contentType: 'application/x-www-form-urlencoded',
    body: { kind: 'text' as const, text: new URLSearchParams(Object.entries(v as Record<string, unknown>).map(([k, x]): [string, string] => [k, String(x)])).toString() },
  }));
  return fc.oneof(json, form);
}

function planArbOf(op: Operation, wellFormed: boolean): fc.Arbitrary<Plan> {
  const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => op.params.find((p) => p.in === 'path' && p.name === m[1]) ?? { name: m[1] ?? '', in: 'path' as const, schema: { type: 'string' } });
  const isCaseAction = op.path.startsWith('/v1/cases/{id}');
  return fc
    .record({
      params: fc.tuple(...pathParams.map((p) => (wellFormed ? stringFor(deref(p.schema), p.name).map((value) => ({ value, raw: false })) : paramArb(p)))),
      query: wellFormed ? wellFormedQueryArb(op) : queryArb(op),
      caller: wellFormed ? fc.constantFrom<Caller>('admin', 'admin', 'office', 'supervisor', 'operator', 'reception') : callerArb,
      accept: maybe(wellFormed ? fc.constant('application/json') : fc.constantFrom('application/json', 'application/problem+json', 'text/html', '*/*', 'text/html,application/xhtml+xml,*/*;q=0.8', 'text/csv', 'application/xml'), 2, 1),
      ifMatch: wellFormed ? fc.constant(isCaseAction ? '<current>' : undefined) : maybe(
        fc.oneof({ weight: 4, arbitrary: fc.constant('<current>') }, { weight: 2, arbitrary: fc.constantFrom('"1"', 'W/"2"', '3', '"999999999"', '"0"', '*', '"abc"', '"1", "2"', '"-1"', '"1e3"', '9'.repeat(20)) }, { weight: 1, arbitrary: headerJunk }),
        isCaseAction ? 8 : 1,
        isCaseAction ? 1 : 3,
      ),
      idempotencyKey: maybe(fc.oneof({ weight: 2, arbitrary: fc.constantFrom('fuzz-k1', 'fuzz-k2') }, { weight: 1, arbitrary: fc.constantFrom('x'.repeat(300), 'clé', 'a b') }, { weight: 1, arbitrary: headerJunk }), 1, 3),
      origin: wellFormed ? fc.constant(undefined) : maybe(fc.constantFrom('https://union.example.org', 'https://evil.example', 'null'), 1, 3),
      ip: fc.oneof({ weight: 3, arbitrary: fc.constant('203.0.113.9') }, { weight: 3, arbitrary: fc.constantFrom('198.51.100.1', '198.51.100.2', '2001:db8::1', '192.0.2.77') }, { weight: 1, arbitrary: headerJunk }),
      body: wellFormed ? wellFormedBodyArb(op) : bodyArb(op),
    })
    .map((r): Plan => {
      let url = op.path;
      let caseId: string | undefined;
      pathParams.forEach((p, i) => {
        const { value, raw } = r.params[i] ?? { value: '', raw: false };
        if (p.name === 'id' && pool.ids.includes(value)) caseId = value;
        url = url.replace(`{${p.name}}`, raw ? value.replace(/[\uD800-\uDFFF]/g, '%ED%A0%80') : pct(value));
      });
      url += r.query;
      const headers: Record<string, string> = {};
      const auth = authorization.get(r.caller);
      if (auth) headers.authorization = auth;
      if (r.accept) headers.accept = r.accept;
      if (r.ifMatch !== undefined && r.ifMatch !== '<current>') headers['if-match'] = r.ifMatch;
      if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
      if (r.origin) headers.origin = r.origin;
      headers['x-test-ip'] = r.ip;
      if (r.body.contentType !== undefined) headers['content-type'] = r.body.contentType;
      const plan: Plan = { op, url, caller: r.caller, headers, currentIfMatch: r.ifMatch === '<current>', ...(caseId && { caseId }), ...(r.body.body && { body: r.body.body }) };
      return Object.assign(plan, { [fc.toStringMethod]: () => summary(plan) });
    });
}

function toRequest(p: Plan): Request {
  const headers = new Headers(p.headers);
  if (p.currentIfMatch) headers.set('if-match', (p.caseId && etags.get(p.caseId)) ?? '"1"');
  let body: RequestInit['body'];
  if (p.body?.kind === 'text') body = p.body.text;
  else if (p.body?.kind === 'bytes') body = new Uint8Array(p.body.bytes);
  else if (p.body?.kind === 'formData') {
    const { entries, files } = p.body;
    const form = new FormData();
    entries.forEach(([k, v], i) => {
      if (files && i % 2 === 0) form.append(k, new Blob([v]), `${k.slice(0, 20)}.txt`);
      else form.append(k, v);
    });
    body = form;
  }
  // Fetch forbids a body on GET and HEAD.
  if (p.op.method === 'GET' || p.op.method === 'HEAD') body = undefined;
  const url = new URL(p.url, 'http://localhost');
  // An empty path parameter (or one that adds a segment) makes a path the document does not have.
  const template = new RegExp(`^${p.op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
  if (!template.test(url.pathname)) headers.set(OUTSIDE_SPEC_HEADER, 'a path parameter that leaves the template');
  return new Request(url, { method: p.op.method, headers, body });
}

// ---------------------------------------------------------------------------------------------
// What every response must look like

/** What secureHeaders() in shared/http/app.ts sets (Cross-Origin-Resource-Policy is turned off there). */
const SECURE_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'cross-origin-opener-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

/** The mailbox's own rule (routes/mailbox.ts wantsHtml): browsers posting the form get an HTML error page. */
function mailboxWantsHtml(req: Request): boolean {
  if (/json/i.test(req.headers.get('content-type') ?? '')) return false;
  const accept = req.headers.get('accept') ?? '';
  return !/application\/(problem\+)?json/i.test(accept) || /text\/html/i.test(accept);
}

const MAX_PROBLEM_BYTES = 64 * 1024;

async function checkResponse(p: Plan, req: Request, res: Response): Promise<void> {
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const fail = (why: string) => {
    throw new Error(`${why}\n  request:  ${summary(p)}\n  response: ${res.status} ${type} ${JSON.stringify(text.slice(0, 400))}`);
  };
  if (res.status >= 500) fail('5xx');
  // HEAD answers carry GET's headers and no body.
  const head = p.op.method === 'HEAD';
  for (const [name, value] of Object.entries(SECURE_HEADERS)) if (res.headers.get(name) !== value) fail(`${name} is ${JSON.stringify(res.headers.get(name))}, not ${JSON.stringify(value)}`);
  if (res.status < 400) {
    if (/^application\/json/.test(type) && !head) {
      try {
        JSON.parse(text);
      } catch {
        fail('2xx JSON body does not parse');
      }
    }
    return;
  }
  // The mailbox and its thank-you page answer browsers with zh-CN pages.
  if ((p.op.path === '/v1/intake/mailbox' || p.op.path === '/mailbox/thanks') && mailboxWantsHtml(req) && type.startsWith('text/html')) {
    if (!/^<!doctype html>/i.test(text.trimStart())) fail('HTML error page is not an HTML document');
    return;
  }
  if (!type.startsWith('application/problem+json')) fail('error is not application/problem+json');
  if (head) return;
  if (text.length > MAX_PROBLEM_BYTES) fail(`problem body is ${text.length} characters`);
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return fail('problem body does not parse');
  }
  if (problem.status !== res.status) fail(`problem status ${String(problem.status)} is not the HTTP status`);
  if (typeof problem.title !== 'string' || !problem.title) fail('problem has no title');
  if (typeof problem.type !== 'string' || !problem.type) fail('problem has no type');
}

async function send(p: Plan): Promise<void> {
  const req = toRequest(p);
  requests++;
  const res = await h.app.request(req);
  const key = `${p.op.method} ${p.op.path}`;
  const counts = statuses.get(key) ?? new Map<number, number>();
  counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
  statuses.set(key, counts);
  const etag = res.headers.get('etag');
  if (etag && p.caseId) etags.set(p.caseId, etag);
  await checkResponse(p, req, res);
}

// ---------------------------------------------------------------------------------------------
// Setup: offices, routing and a few real cases in several states

async function ok<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function call(caller: Caller, method: string, path: string, json?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const auth = authorization.get(caller);
  return h.request(path, { method, ...(json !== undefined && { json }), headers: { ...(auth && { Authorization: auth }), ...headers } });
}

let serial = 0;
async function caseIn(status: 'assigned' | 'in_progress' | 'paused' | 'replied'): Promise<CaseBody> {
  let c = await ok<CaseBody>(await call('operator', 'POST', '/v1/cases', hotlineCase({ hotline: { callId: `fuzz-seed-${++serial}` } })), 'create');
  const step = async (action: string, json: unknown, caller: Caller) => {
    c = await ok<CaseBody>(await call(caller, 'POST', `/v1/cases/${c.id}/${action}`, json, { 'If-Match': `"${c.version}"` }), action);
  };
  await step('assign', { office: 'rights', reason: 'dispatch' }, 'supervisor');
  if (status !== 'assigned') await step('accept', {}, 'office');
  if (status === 'paused') await step('pause', { reason: '等待材料' }, 'office');
  if (status === 'replied') await step('reply', { text: '已答复', outcome: 'support' }, 'office');
  return c;
}

beforeAll(async () => {
  // Rate limits high enough for the fuzzer to get past them, low enough that the busiest client IP still meets them.
  h = await createHarness({ now: '2026-03-02T09:30:00+08:00', config: { FORM_RATE_LIMIT: 40, TRACK_RATE_LIMIT: 80 } });
  for (const id of ['rights', 'legal', 'spare']) await putOffice(h.deps, { id, ...officeBody(id), locale: 'zh-CN' }, 'test');
  await putRouting(h.deps, { rules: [], defaultOffice: 'rights' }, 'test');

  const who: [Caller, Role[], string, string?][] = [
    ['operator', ['operator'], 'op-a'],
    ['reception', ['reception'], 'rec-a'],
    ['office', ['office'], 'clerk-rights', 'rights'],
    ['officeOther', ['office'], 'clerk-legal', 'legal'],
    ['supervisor', ['supervisor'], 'sup-1'],
    ['admin', ['admin'], 'admin-1'],
  ];
  for (const [caller, roles, sub, office] of who) authorization.set(caller, `Bearer ${await h.token(roles, { sub, ...(office && { office }) })}`);
  const admin = await h.token(['admin'], { sub: 'admin-1' });
  authorization.set('expired', `Bearer ${await h.token(['admin'], { sub: 'admin-1', ttlSeconds: -120 })}`);
  authorization.set('forged', `Bearer ${admin.slice(0, -4)}${admin.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`);
  authorization.set('wrongSecret', `Bearer ${await signHs256({ sub: 'admin-1', roles: ['admin'] }, { secret: `${TEST_SECRET}-but-not-ours`, ttlSeconds: 600 })}`);
  authorization.set('unknownRole', `Bearer ${await h.token(['root' as Role], { sub: 'root' })}`);
  authorization.set('malformed', 'Bearer not.a-jwt');
  authorization.set('basic', 'Basic YWRtaW46YWRtaW4=');

  for (const status of ['assigned', 'assigned', 'in_progress', 'paused', 'replied'] as const) {
    const c = await caseIn(status);
    pool.ids.push(c.id);
    pool.ticketNos.push(c.ticketNo);
    pool.codes.push(c.trackingCode);
    etags.set(c.id, `"${c.version}"`);
  }
  const receipt = await ok<{ ticketNo: string; trackingCode: string }>(await call('none', 'POST', '/v1/intake/mailbox', { message: '宿舍没有热水' }, { 'x-test-ip': '192.0.2.1' }), 'mailbox');
  pool.ticketNos.push(receipt.ticketNo);
  pool.codes.push(receipt.trackingCode);
});

afterAll(async () => {
  if (process.env.FUZZ_STATS) for (const [op, counts] of statuses) console.log(op.padEnd(45), JSON.stringify(Object.fromEntries([...counts].sort(([a], [b]) => a - b))));
  await h?.close();
});

// ---------------------------------------------------------------------------------------------

describe('fuzzing every operation in openapi.yaml', () => {
  OPERATIONS.forEach((op, index) => {
    it(`${op.method} ${op.path}: no 5xx, problem+json errors, secure headers`, async () => {
      fuzzed.add(`${op.method} ${op.path}`);
      await fc.assert(
        fc.asyncProperty(fc.limitShrink(planArb(op), 200), async (plan) => {
          await send(plan);
        }),
        { numRuns: runsFor(op), seed: SEED + index },
      );
    }, 120_000);
  });

  it('methods the document does not list: no 5xx, problem+json errors, secure headers', async () => {
    const byPath = new Map<string, Set<string>>();
    for (const op of OPERATIONS) byPath.set(op.path, (byPath.get(op.path) ?? new Set()).add(op.method));
    for (const [path, methods] of byPath) {
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'].filter((m) => !methods.has(m))) {
        const url = path.replace('{id}', pool.ids[0] ?? 'x').replace('{ticketNo}', pool.ticketNos[0] ?? 'x').replace('{year}', '2026').replace('{officeId}', 'rights').replace('{category}', 'advice');
        const headers = { authorization: authorization.get('admin') ?? '', 'content-type': 'application/json', origin: 'https://union.example.org', [OUTSIDE_SPEC_HEADER]: 'a method the path does not take' };
        const plan: Plan = { op: { method, path, params: [], secured: true }, url, caller: 'admin', headers, currentIfMatch: false };
        if (method !== 'GET' && method !== 'HEAD') plan.body = { kind: 'text', text: '{}' };
        await send(plan);
      }
    }
  });

  it('fuzzed every operation, with thousands of requests in all, and logged no unhandled error', () => {
    expect(OPERATIONS.length).toBeGreaterThan(20);
    expect([...fuzzed].sort()).toEqual(OPERATIONS.map((o) => `${o.method} ${o.path}`).sort());
    expect(requests).toBeGreaterThanOrEqual(OPERATIONS.reduce((n, op) => n + runsFor(op), 0));
    expect(h.logs.filter((l) => l.message === 'http.unhandled_error')).toEqual([]);
  });
});

describe('validation problems do not echo huge inputs', () => {
  const post = async (caller: Caller, method: string, path: string, text: string, contentType = 'application/json') => {
    const headers: Record<string, string> = { 'content-type': contentType, accept: 'application/json', 'x-test-ip': '192.0.2.200' };
    const auth = authorization.get(caller);
    if (auth) headers.authorization = auth;
    return h.app.request(path, { method, headers, body: text });
  };
  const expectSmallProblem = async (res: Response, status: number) => {
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(text.length).toBeLessThan(MAX_PROBLEM_BYTES);
    const problem = JSON.parse(text) as { status: number; title: string };
    expect(problem.status).toBe(status);
    expect(typeof problem.title).toBe('string');
    return problem as { status: number; title: string; errors?: { path: string; message: string }[] };
  };

  it.each([
    ['subject', BIG_100K],
    ['description', BIG_100K],
    ['channel', BIG_100K],
    ['topic', BIG_100K],
    ['receivedAt', BIG_100K],
    ['complainant', { name: BIG_100K }],
    ['hotline', { callId: BIG_100K }],
  ])('POST /v1/cases with a 100 KB %s → 400, small problem', async (field, value) => {
    await expectSmallProblem(await post('operator', 'POST', '/v1/cases', JSON.stringify(hotlineCase({ [field]: value }))), 400);
  });

  it.each([
    ['subject', BIG_200K],
    ['description', BIG_200K],
  ])('POST /v1/cases with a 200 KB %s → 413, small problem', async (field, value) => {
    await expectSmallProblem(await post('operator', 'POST', '/v1/cases', JSON.stringify(hotlineCase({ [field]: value }))), 413);
  });

  it('every JSON body endpoint, a 100 KB string in each of its fields → 4xx, small problem', async () => {
    for (const op of OPERATIONS.filter((o) => o.body?.content['application/json'])) {
      const schema = deref(op.body?.content['application/json']?.schema);
      const base = (examples(op)[0] ?? {}) as Record<string, unknown>;
      for (const field of [...Object.keys(schema.properties ?? {}), 'unknownField']) {
        const path = op.path.replace('{id}', pool.ids[0] ?? 'x').replace('{ticketNo}', pool.ticketNos[0] ?? 'x').replace('{year}', '2030').replace('{officeId}', 'fuzz-big');
        const res = await post('admin', op.method, path, JSON.stringify({ ...base, [field]: BIG_100K }), 'application/json');
        const text = await res.text();
        expect(res.status, `${op.method} ${path} ${field}: ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${op.method} ${path} ${field}`).toBeLessThan(500);
        expect(text.length, `${op.method} ${path} ${field}`).toBeLessThan(MAX_PROBLEM_BYTES);
      }
    }
  }, 60_000);

  it('the mailbox form with a 60 KB message → 400, small problem', async () => {
    await expectSmallProblem(await post('none', 'POST', '/v1/intake/mailbox', new URLSearchParams({ message: BIG_60K }).toString(), 'application/x-www-form-urlencoded'), 400);
    await expectSmallProblem(await post('none', 'POST', '/v1/intake/mailbox', JSON.stringify({ message: BIG_60K }), 'application/json'), 400);
  });

  it('a calendar with 20 000 bad dates → 400, small problem', async () => {
    await expectSmallProblem(await post('admin', 'PUT', '/v1/admin/calendar/2030', JSON.stringify({ notice: CALENDAR_NOTICE, holidays: Array.from({ length: 20_000 }, () => 'x'), workdays: [] })), 400);
  });

  // A problem names unknown fields without echoing them back: paths are cut, the list is capped.
  it('POST /v1/cases with a 100 KB unknown key → 400, small problem', async () => {
    await expectSmallProblem(await post('operator', 'POST', '/v1/cases', JSON.stringify({ ...hotlineCase(), [BIG_100K]: 1 })), 400);
  });

  it('POST /v1/cases with 12 000 unknown keys (~120 KB) → 400, small problem', async () => {
    const extra = Object.fromEntries(Array.from({ length: 12_000 }, (_, i) => [`k${i}`, 1]));
    const problem = await expectSmallProblem(await post('operator', 'POST', '/v1/cases', JSON.stringify({ ...hotlineCase(), ...extra })), 400);
    // The first 50 named, then how many more.
    expect(problem.errors?.slice(0, 2)).toEqual([{ path: 'k0', message: 'unknown field' }, { path: 'k1', message: 'unknown field' }]);
    expect(problem.errors?.at(-1)).toEqual({ path: '', message: 'and 11950 more' });
    expect(problem.errors).toHaveLength(51);
  });
});
