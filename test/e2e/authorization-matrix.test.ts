import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/domain/principal';
import { scryptPasswords } from '../../shared/adapters/auth/password';
import { putAccount } from '../../shared/usecases/accounts';
import { putOffice, putRouting } from '../../shared/usecases/admin';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import type { CaseBody } from '../support/http';
import { CALENDAR_NOTICE } from '../support/http';

/**
 * Who may call what: every operation in openapi.yaml against every kind of caller, written once as
 * a table and checked with real requests. README's "Who may call what" is the same table for people.
 *
 * A cell is
 *   'ok'  the caller is let through: the request (valid, on a case in a status where the action is
 *         legal, with the right If-Match) succeeds with 2xx;
 *   401   no token;
 *   403   the caller's roles do not allow it;
 *   404   a case the caller may not see: its existence is not disclosed, even to refuse an action.
 *
 * Case-scoped rows use a case logged by operator `op-a` and assigned to office `rights`. So
 * `operator` is the operator who logged it (own case), `operatorOther` another operator (404),
 * `reception` a desk that did not log it (404), `office` staff of `rights`, `officeOther` staff of
 * `legal` (404).
 */

type Outcome = 'ok' | 401 | 403 | 404;
const CALLERS = ['none', 'operator', 'operatorOther', 'reception', 'office', 'officeOther', 'supervisor', 'admin'] as const;
type Caller = (typeof CALLERS)[number];
type Cells = Record<Caller, Outcome>;

const WHO: Record<Exclude<Caller, 'none'>, { roles: Role[]; sub: string; office?: string }> = {
  operator: { roles: ['operator'], sub: 'op-a' },
  operatorOther: { roles: ['operator'], sub: 'op-b' },
  reception: { roles: ['reception'], sub: 'rec-a' },
  office: { roles: ['office'], sub: 'clerk-rights', office: 'rights' },
  officeOther: { roles: ['office'], sub: 'clerk-legal', office: 'legal' },
  supervisor: { roles: ['supervisor'], sub: 'sup-1' },
  admin: { roles: ['admin'], sub: 'admin-1' },
};

const row = (none: Outcome, operator: Outcome, operatorOther: Outcome, reception: Outcome, office: Outcome, officeOther: Outcome, supervisor: Outcome, admin: Outcome): Cells => ({
  none,
  operator,
  operatorOther,
  reception,
  office,
  officeOther,
  supervisor,
  admin,
});

//                                   none operator opOther reception office officeOther supervisor admin
const EVERY_ROLE = /*              */ row(401, 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok');
const SUPERVISORS = /*             */ row(401, 403, 403, 403, 403, 403, 'ok', 'ok');
const ADMIN_ONLY = /*              */ row(401, 403, 403, 403, 403, 403, 403, 'ok');
const LOG_HOTLINE = /*             */ row(401, 'ok', 'ok', 403, 403, 403, 403, 'ok');
const LOG_AT_RECEPTION = /*        */ row(401, 403, 403, 'ok', 403, 403, 403, 'ok');
const READ_CASE = /*               */ row(401, 'ok', 404, 404, 'ok', 404, 'ok', 'ok');
const OFFICE_ACTION = /*           */ row(401, 403, 404, 404, 'ok', 404, 'ok', 'ok');
const SUPERVISOR_ACTION = /*       */ row(401, 403, 404, 404, 403, 404, 'ok', 'ok');
/** A sent-back case is nobody's office's until the supervisor decides: the office that sent it back no longer sees it. */
const REVIEW_ACTION = /*           */ row(401, 403, 404, 404, 404, 404, 'ok', 'ok');
const REPORTS = /*                 */ row(401, 403, 403, 403, 'ok', 'ok', 'ok', 'ok');

interface Req {
  path: string;
  json?: unknown;
  /** A form body instead of JSON (the upload target). */
  form?: FormData;
  headers?: Record<string, string>;
}

type Status = 'assigned' | 'returned' | 'extension-requested' | 'in_progress' | 'paused' | 'replied';

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** As in openapi.yaml. */
  path: string;
  variant?: string;
  cells: Cells | 'public';
  /** The request for one cell; `ok` says the cell is expected through (so it may change state: give it its own resources). */
  build: (caller: Caller, ok: boolean) => Promise<Req>;
}

let h: Harness;
/** Logged by op-a, assigned to rights: the case the read rows look at. */
let shared: CaseBody;
const tokens = new Map<Caller, string>();
let serial = 0;

const authOf = (caller: Caller): Record<string, string> => (caller === 'none' ? {} : { Authorization: `Bearer ${tokens.get(caller) ?? ''}` });

async function call(caller: Caller, method: string, path: string, json?: unknown, headers: Record<string, string> = {}, form?: FormData): Promise<Response> {
  return h.request(path, { method, ...(json !== undefined && { json }), ...(form && { body: form }), headers: { ...authOf(caller), ...headers } });
}

async function ok<T>(res: Response, what: string): Promise<T> {
  const text = await res.text();
  expect(res.status, `${what}: ${text}`).toBeLessThan(300);
  return JSON.parse(text) as T;
}

const walkIn = () => ({ channel: 'walk_in', category: 'advice', subject: '来访咨询', description: '来访咨询劳动合同续签事宜。', walkIn: { visitors: 1 } });
const paperLetter = () => ({ channel: 'mailbox', category: 'investigation', subject: '纸质来信：社保未缴', description: '来信反映单位两年未缴纳社会保险。' });

/** A fresh case logged by op-a, assigned to rights, then taken to the status. */
async function caseIn(status: Status): Promise<CaseBody> {
  let c = await ok<CaseBody>(await call('operator', 'POST', '/v1/cases', hotlineCase({ hotline: { callId: `matrix-${++serial}` } })), 'create');
  const step = async (action: string, json: unknown, caller: Caller) => {
    c = await ok<CaseBody>(await call(caller, 'POST', `/v1/cases/${c.id}/${action}`, json, { 'If-Match': `"${c.version}"` }), action);
  };
  await step('assign', { office: 'rights', reason: 'dispatch' }, 'supervisor');
  if (status === 'assigned') return c;
  if (status === 'returned') {
    await step('return', { reasonCode: 'not_ours', note: '不属本部门' }, 'office');
    return c;
  }
  if (status === 'extension-requested') {
    await step('request-extension', { reasonCode: 'needs_investigation', reason: '需现场核实' }, 'office');
    return c;
  }
  await step('accept', {}, 'office');
  if (status === 'paused') await step('pause', { reason: '等待材料' }, 'office');
  if (status === 'replied') await step('reply', { text: '已答复', outcome: 'support' }, 'office');
  return c;
}

let attachmentPath: Promise<string> | undefined;
/** A web letter with a file, assigned to rights: the path of its file. */
function withAttachment(): Promise<string> {
  attachmentPath ??= (async () => {
    const fd = new FormData();
    fd.set('message', '附上工资条');
    fd.set('email', 'writer@example.com');
    fd.append('files', new File(['%PDF-1.7\n%%EOF\n'], '工资条.pdf'));
    const res = await h.request('/v1/intake/mailbox', { method: 'POST', body: fd, headers: { Accept: 'application/json' } });
    const { ticketNo } = await ok<{ ticketNo: string }>(res, 'letter');
    const record = (await h.deps.cases.getByTicket(ticketNo))!;
    await ok(await call('supervisor', 'POST', `/v1/cases/${record.id}/assign`, { office: 'rights', reason: 'dispatch' }, { 'If-Match': `"${record.version}"` }), 'assign');
    return `/v1/cases/${record.id}/attachments/${record.attachments![0]!.id}`;
  })();
  return attachmentPath;
}

/** Cases for the cells that must not get through (and so do not change them): one per action. */
const refusedCases = new Map<string, Promise<CaseBody>>();

function action(name: string, status: Status, json: unknown, cells: Cells): Row {
  return {
    method: 'POST',
    path: `/v1/cases/{id}/${name}`,
    cells,
    build: async (_caller, through) => {
      let c: Promise<CaseBody> | undefined = refusedCases.get(name);
      if (through || !c) {
        c = caseIn(status);
        if (!through) refusedCases.set(name, c);
      }
      const { id, version } = await c;
      return { path: `/v1/cases/${id}/${name}`, json: typeof json === 'function' ? (json as () => unknown)() : json, headers: { 'If-Match': `"${version}"` } };
    },
  };
}

/** A local sign-in account made straight through the use case (the rows test the HTTP side). */
const account = (username: string) =>
  putAccount({ ...h.deps, passwords: scryptPasswords }, username, { displayName: '矩阵测试', roles: ['operator'], password: 'matrix password 1' }, 'test');

const office = (id: string) => ({ name: `办公室 ${id}`, email: `${id}@union.example.org`, locale: 'zh-CN' as const, escalation: { head: [], supervisor: [], chairman: [] } });

const MATRIX: Row[] = [
  { method: 'POST', path: '/v1/cases', variant: 'hotline', cells: LOG_HOTLINE, build: async () => ({ path: '/v1/cases', json: hotlineCase({ hotline: { callId: `matrix-${++serial}` } }) }) },
  { method: 'POST', path: '/v1/cases', variant: 'walk_in', cells: LOG_AT_RECEPTION, build: async () => ({ path: '/v1/cases', json: walkIn() }) },
  { method: 'POST', path: '/v1/cases', variant: 'mailbox (paper letter)', cells: LOG_AT_RECEPTION, build: async () => ({ path: '/v1/cases', json: paperLetter() }) },
  // Everyone with a case-reading role may list; the list is narrowed to what they may see.
  { method: 'GET', path: '/v1/cases', cells: EVERY_ROLE, build: async () => ({ path: '/v1/cases?limit=5' }) },
  { method: 'GET', path: '/v1/cases/{id}', cells: READ_CASE, build: async () => ({ path: `/v1/cases/${shared.id}` }) },
  { method: 'GET', path: '/v1/cases/{id}/events', cells: READ_CASE, build: async () => ({ path: `/v1/cases/${shared.id}/events` }) },
  action('accept', 'assigned', {}, OFFICE_ACTION),
  action('return', 'assigned', { reasonCode: 'not_ours', note: '不属本部门' }, OFFICE_ACTION),
  action('reject-return', 'returned', { reason: '属本部门职责' }, REVIEW_ACTION),
  action('assign', 'assigned', { office: 'legal', reason: '转办' }, SUPERVISOR_ACTION),
  action('recategorize', 'assigned', { category: 'advice', reason: '实为咨询' }, SUPERVISOR_ACTION),
  action('request-extension', 'assigned', { reasonCode: 'needs_investigation', reason: '需现场核实' }, OFFICE_ACTION),
  action('approve-extension', 'extension-requested', {}, SUPERVISOR_ACTION),
  action('deny-extension', 'extension-requested', { reason: '期限内可办结' }, SUPERVISOR_ACTION),
  action('extend', 'assigned', { reason: '需要调查' }, SUPERVISOR_ACTION),
  action('pause', 'in_progress', { reason: '等待材料' }, OFFICE_ACTION),
  action('resume', 'paused', {}, OFFICE_ACTION),
  action('note', 'assigned', { text: '已电话联系' }, OFFICE_ACTION),
  action('reply', 'in_progress', { text: '已答复', outcome: 'support' }, OFFICE_ACTION),
  action('follow-up', 'replied', { resolved: true, satisfaction: 'satisfied' }, OFFICE_ACTION),
  action('reopen', 'replied', { reason: '职工不满意' }, SUPERVISOR_ACTION),
  action('close', 'assigned', { reason: '办结' }, SUPERVISOR_ACTION),
  { method: 'GET', path: '/v1/return-reasons', cells: EVERY_ROLE, build: async () => ({ path: '/v1/return-reasons' }) },
  action('link', 'assigned', () => ({ ticketNo: shared.ticketNo, reason: '重复件' }), OFFICE_ACTION),
  { method: 'GET', path: '/v1/calendar/deadline', cells: EVERY_ROLE, build: async () => ({ path: '/v1/calendar/deadline?category=advice' }) },
  { method: 'GET', path: '/v1/calendar/{year}', cells: EVERY_ROLE, build: async () => ({ path: '/v1/calendar/2026' }) },
  { method: 'PUT', path: '/v1/admin/calendar/{year}', cells: ADMIN_ONLY, build: async () => ({ path: '/v1/admin/calendar/2030', json: { notice: CALENDAR_NOTICE, holidays: ['2030-01-01'], workdays: [] } }) },
  { method: 'GET', path: '/v1/admin/offices', cells: SUPERVISORS, build: async () => ({ path: '/v1/admin/offices' }) },
  { method: 'PUT', path: '/v1/admin/offices/{officeId}', cells: ADMIN_ONLY, build: async (caller) => ({ path: `/v1/admin/offices/matrix-${caller.toLowerCase()}`, json: office(`matrix-${caller.toLowerCase()}`) }) },
  {
    method: 'DELETE',
    path: '/v1/admin/offices/{officeId}',
    cells: ADMIN_ONLY,
    build: async (caller, through) => {
      const id = through ? `gone-${++serial}` : 'spare';
      if (through) await putOffice(h.deps, { id, ...office(id) }, 'test');
      return { path: `/v1/admin/offices/${id}` };
    },
  },
  { method: 'GET', path: '/v1/admin/routing', cells: SUPERVISORS, build: async () => ({ path: '/v1/admin/routing' }) },
  { method: 'PUT', path: '/v1/admin/routing', cells: ADMIN_ONLY, build: async () => ({ path: '/v1/admin/routing', json: { rules: [], defaultOffice: 'rights' } }) },
  { method: 'GET', path: '/v1/admin/queues', cells: SUPERVISORS, build: async () => ({ path: '/v1/admin/queues' }) },
  { method: 'GET', path: '/v1/mailbox/held', cells: SUPERVISORS, build: async () => ({ path: '/v1/mailbox/held' }) },
  { method: 'POST', path: '/v1/admin/queues/{category}/redrive', cells: SUPERVISORS, build: async () => ({ path: '/v1/admin/queues/advice/redrive' }) },
  { method: 'GET', path: '/v1/reports/summary', cells: REPORTS, build: async () => ({ path: '/v1/reports/summary?from=2026-03-01&to=2026-03-31' }) },
  { method: 'GET', path: '/v1/reports/supervision', cells: REPORTS, build: async () => ({ path: '/v1/reports/supervision?month=2026-03' }) },
  { method: 'GET', path: '/v1/reports/queue', cells: REPORTS, build: async () => ({ path: '/v1/reports/queue' }) },
  { method: 'GET', path: '/v1/reports/quarterly', cells: REPORTS, build: async () => ({ path: '/v1/reports/quarterly?quarter=2026-Q1' }) },
  {
    method: 'POST',
    path: '/v1/auth/login',
    cells: 'public',
    build: async () => {
      await account('matrix.login');
      return { path: '/v1/auth/login', json: { username: 'matrix.login', password: 'matrix password 1' } };
    },
  },
  { method: 'GET', path: '/v1/auth/config', cells: 'public', build: async () => ({ path: '/v1/auth/config' }) },
  { method: 'GET', path: '/v1/auth/me', cells: EVERY_ROLE, build: async () => ({ path: '/v1/auth/me' }) },
  { method: 'GET', path: '/v1/admin/users', cells: ADMIN_ONLY, build: async () => ({ path: '/v1/admin/users' }) },
  {
    method: 'PUT',
    path: '/v1/admin/users/{username}',
    cells: ADMIN_ONLY,
    build: async (caller) => ({ path: `/v1/admin/users/matrix-${caller.toLowerCase()}`, json: { displayName: '矩阵', roles: ['reception'], password: 'matrix password 2' } }),
  },
  {
    method: 'DELETE',
    path: '/v1/admin/users/{username}',
    cells: ADMIN_ONLY,
    build: async (caller, through) => {
      const username = through ? `gone-${++serial}` : 'matrix.login';
      if (through) await account(username);
      return { path: `/v1/admin/users/${username}` };
    },
  },
  { method: 'GET', path: '/health', cells: 'public', build: async () => ({ path: '/health' }) },
  { method: 'GET', path: '/mailbox', cells: 'public', build: async () => ({ path: '/mailbox' }) },
  { method: 'GET', path: '/mailbox/thanks', cells: 'public', build: async () => ({ path: '/mailbox/thanks?ticketNo=M2026-000001' }) },
  // The files are evidence with personal details: the assigned office, supervisors and admins.
  { method: 'GET', path: '/v1/cases/{id}/attachments/{attachmentId}', cells: row(401, 404, 404, 404, 'ok', 404, 'ok', 'ok'), build: async () => ({ path: await withAttachment() }) },
  { method: 'POST', path: '/v1/intake/mailbox', cells: 'public', build: async () => ({ path: '/v1/intake/mailbox', json: { message: '食堂饭菜质量差' } }) },
  { method: 'POST', path: '/v1/intake/mailbox/uploads', cells: 'public', build: async () => ({ path: '/v1/intake/mailbox/uploads', json: { files: [{ name: '工资条.pdf', size: 100, contentType: 'application/pdf' }] } }) },
  {
    method: 'POST',
    path: '/v1/intake/mailbox/uploads/{uploadId}',
    cells: 'public',
    build: async () => {
      const pdf = new TextEncoder().encode('%PDF-1.7\n%%EOF\n');
      const { uploads } = await ok<{ uploads: { url: string; fields: Record<string, string> }[] }>(
        await call('none', 'POST', '/v1/intake/mailbox/uploads', { files: [{ name: '工资条.pdf', size: pdf.length, contentType: 'application/pdf' }] }),
        'uploads',
      );
      const form = new FormData();
      for (const [k, v] of Object.entries(uploads[0]!.fields)) form.append(k, v);
      form.append('file', new File([pdf], '工资条.pdf', { type: 'application/pdf' }));
      return { path: new URL(uploads[0]!.url).pathname, form };
    },
  },
  {
    method: 'GET',
    path: '/v1/track/{ticketNo}',
    cells: 'public',
    build: async () => {
      const receipt = await ok<{ ticketNo: string; trackingCode: string }>(await call('none', 'POST', '/v1/intake/mailbox', { message: '宿舍没有热水' }), 'mailbox');
      return { path: `/v1/track/${receipt.ticketNo}?code=${receipt.trackingCode}` };
    },
  },
  {
    method: 'POST',
    path: '/v1/track/{ticketNo}/follow-up',
    cells: 'public',
    build: async () => {
      const c = await caseIn('replied');
      return { path: `/v1/track/${c.ticketNo}/follow-up`, json: { code: c.trackingCode, resolved: true, satisfaction: 'satisfied' } };
    },
  },
];

beforeAll(async () => {
  h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
  for (const id of ['rights', 'legal', 'spare']) await putOffice(h.deps, { id, ...office(id) }, 'test');
  await putRouting(h.deps, { rules: [], defaultOffice: 'rights' }, 'test');
  for (const [caller, who] of Object.entries(WHO)) tokens.set(caller as Caller, await h.token(who.roles, { sub: who.sub, ...(who.office && { office: who.office }) }));
  shared = await caseIn('assigned');
});
afterAll(() => h.close());

it('covers every operation in openapi.yaml, each once (POST /v1/cases once per channel)', async () => {
  const spec = parse(await readFile(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  const covered = [...new Set(MATRIX.map((r) => `${r.method} ${r.path}`))];
  expect(covered.sort()).toEqual(operations.sort());
  expect(MATRIX.filter((r) => r.method === 'POST' && r.path === '/v1/cases').map((r) => r.variant)).toHaveLength(3);
});

for (const r of MATRIX) {
  describe(`${r.method} ${r.path}${r.variant ? ` (${r.variant})` : ''}`, () => {
    const cells = r.cells;
    if (cells === 'public') {
      it('public: answers without a token', async () => {
        const req = await r.build('none', true);
        const res = await call('none', r.method, req.path, req.json, req.headers, req.form);
        expect(res.status, await res.text()).toBeLessThan(300);
      });
      return;
    }
    for (const caller of CALLERS) {
      const expected = cells[caller];
      it(`${caller} → ${expected}`, async () => {
        const req = await r.build(caller, expected === 'ok');
        const res = await call(caller, r.method, req.path, req.json, req.headers);
        const text = await res.text();
        if (expected === 'ok') {
          expect(res.status, text).toBeGreaterThanOrEqual(200);
          expect(res.status, text).toBeLessThan(300);
        } else {
          expect(res.status, text).toBe(expected);
          expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        }
      });
    }
  });
}
