import { expect } from 'vitest';
import type { Role } from '../../shared/domain/principal';
import type { ProblemBody } from '../../shared/http/schemas/common';
import type { CaseBody, CaseListBody } from '../../shared/http/schemas/cases';
import type { Harness } from './harness';

/** Small helpers for the HTTP-level tests: typed bodies, problem checks, listing everything. */
export type { CaseBody, CaseListBody };

/** The source every uploaded calendar year must name (PUT /v1/admin/calendar/{year}). */
export const CALENDAR_NOTICE = { title: '国务院办公厅关于2027年部分节假日安排的通知', date: '2026-11-04' } as const;

export const TICKET_RE = /^[HMW]\d{4}-\d{6}$/;
export const TRACKING_RE = /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$/;
/** ISO 8601 in +08:00, optional milliseconds. */
export const SHANGHAI_ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+08:00$/;

export async function body<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** Asserts an RFC 9457 problem with the status and returns its body. */
export async function expectProblem(res: Response, status: number): Promise<ProblemBody> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(text) as ProblemBody;
  expect(problem.status).toBe(status);
  expect(typeof problem.type).toBe('string');
  expect(typeof problem.title).toBe('string');
  return problem;
}

/** A 400 problem whose `errors` names the given paths (each at least once). */
export async function expectValidation(res: Response, ...paths: string[]): Promise<ProblemBody> {
  const problem = await expectProblem(res, 400);
  expect(Array.isArray(problem.errors)).toBe(true);
  for (const e of problem.errors ?? []) {
    expect(typeof e.path).toBe('string');
    expect(typeof e.message).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
  }
  const seen = (problem.errors ?? []).map((e) => e.path);
  for (const p of paths) expect(seen, `errors should name ${p}`).toContain(p);
  return problem;
}

export async function postCase(h: Harness, json: unknown, roles: Role[] = ['operator'], headers: Record<string, string> = {}): Promise<Response> {
  return h.request('/v1/cases', { method: 'POST', roles, json, headers });
}

/** Creates a case and returns its body; fails the test unless 201. */
export async function createOk(h: Harness, json: unknown, roles: Role[] = ['operator']): Promise<CaseBody> {
  const res = await postCase(h, json, roles);
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text) as CaseBody;
}

/** Every case the list endpoint returns for a query, following cursors. */
export async function listAll(h: Harness, query = '', limit = 200): Promise<CaseBody[]> {
  const items: CaseBody[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 1000; i++) {
    const params = new URLSearchParams(query);
    params.set('limit', String(limit));
    if (cursor) params.set('cursor', cursor);
    const res = await h.request(`/v1/cases?${params}`, { roles: ['supervisor'] });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const page = JSON.parse(text) as CaseListBody;
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('listing did not end');
}

/** The next ticket sequence number a new case would get, read from the highest one so far. */
export function sequenceOf(ticketNo: string): number {
  return Number(ticketNo.split('-')[1]);
}
