import { hc } from 'hono/client';
import type { Action } from '../../domain/lifecycle';
import type { AppType } from '../../http/app';
import type { CaseBody } from '../../http/schemas/cases';
import type { ProblemBody } from '../../http/schemas/common';
import type { ActionBody } from '../../http/schemas/lifecycle';
import { currentToken, onUnauthorized } from './session';

/**
 * The API as the console calls it: hono/client typed by the app's own routes (AppType), with the
 * session's bearer token in a header (never in a URL). The lifecycle actions are registered in a
 * loop, which the client's types cannot see, so they go through `act` typed by the same schemas.
 */
export type { ActionBody, CaseBody, ProblemBody };
export type { CaseEventBody } from '../../http/schemas/lifecycle';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemBody,
    readonly retryAfter?: number,
  ) {
    super(problem.detail ?? problem.title);
  }
}

const authHeaders = (): Record<string, string> => {
  const token = currentToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
};

export const api = hc<AppType>(location.origin, { headers: authHeaders });

/** The body of a successful answer, or an ApiError with the problem (a 401 also ends the session). */
export async function ok<T>(response: Promise<{ ok: boolean; status: number; headers: Headers; json(): Promise<T> }> | { ok: boolean; status: number; headers: Headers; json(): Promise<T> }): Promise<T> {
  const res = await response;
  if (res.ok) return res.json();
  throw await problemOf(res as unknown as Response);
}

export async function problemOf(res: Response): Promise<ApiError> {
  let body: ProblemBody;
  try {
    body = (await res.json()) as ProblemBody;
  } catch {
    body = { type: 'about:blank', title: res.statusText || 'Error', status: res.status };
  }
  if (res.status === 401) onUnauthorized();
  const retry = Number(res.headers.get('Retry-After'));
  return new ApiError(res.status, body, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

/** A case and the ETag to act on it with. */
export async function getCase(id: string): Promise<{ record: CaseBody; etag: string }> {
  const res = await api.v1.cases[':id'].$get({ param: { id } });
  if (!res.ok) throw await problemOf(res as unknown as Response);
  return { record: (await res.json()) as CaseBody, etag: res.headers.get('ETag') ?? '' };
}

/** POST /v1/cases/{id}/<action> with If-Match: the changed case and its new ETag. */
export async function act<A extends Action>(id: string, action: A, body: ActionBody<A>, etag: string): Promise<{ record: CaseBody; etag: string }> {
  const res = await fetch(`/v1/cases/${encodeURIComponent(id)}/${action}`, {
    method: 'POST',
    headers: { ...authHeaders(), 'Content-Type': 'application/json', 'If-Match': etag },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await problemOf(res);
  return { record: (await res.json()) as CaseBody, etag: res.headers.get('ETag') ?? '' };
}

/**
 * Saves a file attached to the case. Locally the API answers the file itself; on AWS it would
 * redirect to a presigned S3 link, which a fetch cannot follow with the token (nor may it, under the
 * console's CSP), so the console asks for the link as JSON and lets the browser navigate to it.
 */
export async function downloadAttachment(caseId: string, file: { id: string; name: string; contentType: string }): Promise<void> {
  const res = await fetch(`/v1/cases/${encodeURIComponent(caseId)}/attachments/${encodeURIComponent(file.id)}`, {
    headers: { ...authHeaders(), Accept: `application/json, ${file.contentType}` },
  });
  if (!res.ok) throw await problemOf(res);
  if (res.headers.get('Content-Type')?.startsWith('application/json')) {
    window.location.assign(((await res.json()) as { url: string }).url);
    return;
  }
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = file.name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** A report in another format than JSON (HTML to show, CSV to save), fetched with the token. */
export async function fetchReport(path: string, format: 'html' | 'csv'): Promise<{ blob: Blob; filename: string }> {
  const sep = path.includes('?') ? '&' : '?';
  const res = await fetch(`${path}${sep}format=${format}`, { headers: authHeaders() });
  if (!res.ok) throw await problemOf(res);
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `report.${format}`;
  // As bytes: text() would drop the CSV's BOM, which Excel needs to read UTF-8.
  return { blob: await res.blob(), filename };
}

/**
 * Routes where hono/client's types fall short (a PUT and a DELETE or GET on one path merge into
 * one signature there): the same call by hand, its answer typed by the route's schema.
 */
export async function send<T>(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: { ...authHeaders(), ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw await problemOf(res);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

let officeNames: Promise<Map<string, string>> | undefined;
/**
 * Office names by id, for showing: supervisors read the offices; office staff (who may not) get
 * their own office's name from the queue counts.
 */
export function loadOfficeNames(supervisor: boolean): Promise<Map<string, string>> {
  officeNames ??= (
    supervisor
      ? ok(api.v1.admin.offices.$get()).then((r) => r.items.map((o) => [o.id, o.name] as const))
      : ok(api.v1.reports.queue.$get()).then((r) => r.offices.map((o) => [o.office, o.officeName ?? o.office] as const))
  ).then((pairs) => new Map(pairs));
  officeNames.catch(() => (officeNames = undefined));
  return officeNames;
}
