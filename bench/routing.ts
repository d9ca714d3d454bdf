import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLocalRuntime, type LocalRuntime } from '../functions/local/runtime';
import { CATEGORIES, TOPICS } from '../shared/domain/case';
import { hotlineCase } from '../test/support/harness';
import { runBurst } from './burst';
import { countingLogger } from './warnings';

/** 1,000 cases over 50 connections; all must leave `received` within 120 s of the last 201. */
export const ROUTING = { cases: 1_000, connections: 50, timeoutMs: 120_000, pollMs: 50, pollLimit: 20 } as const;

export interface RoutingResult {
  cases: number;
  /** 201 answers; the other POSTs are counted in intakeErrors. */
  created: number;
  intakeErrors: number;
  errorKinds: Record<string, number>;
  firstError?: string;
  /** First POST sent → last 201 read. */
  intakeMs: number;
  /** Burst cases not yet assigned at the last 201 (by their assignedAt). */
  backlogAtLast201: number;
  /** Every created case left `received` before the timeout. */
  allAssigned: boolean;
  /** Last 201 → the last burst case's assignedAt; null on timeout. */
  drainMs: number | null;
  /** The same, as the polls saw it (upper bound, resolution ~ the poll interval). */
  observedDrainMs: number | null;
  /** First POST → the last assignedAt. */
  totalMs: number | null;
  perSecondTotal: number | null;
  perSecondDrain: number | null;
  /** Burst cases found in GET /v1/cases?status=assigned at the end. */
  assigned: number;
  /** New .eml files in the outbox, and last 201 → the newest one's mtime. */
  emails: number;
  emailsMs: number | null;
  byCategory: Record<string, number>;
  byOffice: Record<string, number>;
  /** The runtime's warn/error log lines by message (retries, failed batches…). */
  warnings: Record<string, number>;
}

interface Listed {
  id: string;
  status: string;
  category: string;
  office?: string;
  assignedAt?: string;
}

/**
 * The routing burst on a fresh default runtime (its own on-disk dynalite and embedded SQS under a
 * new temporary DATA_DIR), so neither the table nor the queues hold the intake benchmark's backlog.
 */
export async function benchRouting(): Promise<RoutingResult> {
  const dir = await mkdtemp(join(tmpdir(), 'union-bench-routing-'));
  const { logger, warnings } = countingLogger();
  let runtime: LocalRuntime | undefined;
  try {
    runtime = await startLocalRuntime({ env: { DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'error' }, logger });
    return await burst(runtime, warnings);
  } finally {
    await runtime?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function burst(runtime: LocalRuntime, warnings: Record<string, number>): Promise<RoutingResult> {
  const token = runtime.tokens.operator ?? '';
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${runtime.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  async function* pages(status: string, limit: number): AsyncGenerator<Listed[]> {
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ status, limit: String(limit), ...(cursor && { cursor }) });
      const page: { items: Listed[]; nextCursor: string | null } = await api(`/v1/cases?${query}`);
      yield page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }
  /** Whether any burst case is still `received`: small pages, stopping at the first hit. */
  const anyReceived = async (ids: Set<string>): Promise<boolean> => {
    for await (const items of pages('received', ROUTING.pollLimit)) if (items.some((c) => ids.has(c.id))) return true;
    return false;
  };

  // One case through the whole path first: proves the pollers, routing and mail are live.
  const emailsBefore = await emlFiles(runtime.outboxDir);
  const probe = await fetch(`${runtime.url}/v1/cases`, { method: 'POST', headers, body: JSON.stringify(hotlineCase()) });
  if (probe.status !== 201) throw new Error(`routing probe POST answered ${probe.status}: ${await probe.text()}`);
  const probeId = ((await probe.json()) as { id: string }).id;
  const probeUntil = Date.now() + 10_000;
  while ((await api<Listed>(`/v1/cases/${probeId}`)).status === 'received' || (await emlFiles(runtime.outboxDir)).length === emailsBefore.length) {
    if (Date.now() > probeUntil) throw new Error('routing probe: the case was not assigned and mailed within 10 s');
    await sleep(ROUTING.pollMs);
  }
  const mailBefore = new Set(await emlFiles(runtime.outboxDir));
  const newMail = async () => (await emlFiles(runtime.outboxDir)).filter((name) => !mailBefore.has(name));

  const b = await runBurst({ url: `${runtime.url}/v1/cases`, headers, bodies: bodies(ROUTING.cases), connections: ROUTING.connections, expectStatus: 201 });
  const ids = new Set(b.ids);
  const lastOk = Number.isFinite(b.lastOkAt) ? b.lastOkAt : Date.now();
  const deadline = lastOk + ROUTING.timeoutMs;

  let seenAt: number | undefined;
  while (seenAt === undefined && Date.now() < deadline) {
    if (!(await anyReceived(ids))) seenAt = Date.now();
    else await sleep(ROUTING.pollMs);
  }
  let mail = await newMail();
  while (seenAt !== undefined && mail.length < ids.size && Date.now() < deadline) {
    await sleep(ROUTING.pollMs);
    mail = await newMail();
  }
  const mtimes = await Promise.all(mail.map(async (name) => (await stat(join(runtime.outboxDir, name))).mtimeMs));

  const byCategory: Record<string, number> = {};
  const byOffice: Record<string, number> = {};
  const assignedAt: number[] = [];
  for await (const items of pages('assigned', 200)) {
    for (const c of items.filter((x) => ids.has(x.id))) {
      assignedAt.push(Date.parse(c.assignedAt ?? ''));
      byCategory[c.category] = (byCategory[c.category] ?? 0) + 1;
      byOffice[c.office ?? '?'] = (byOffice[c.office ?? '?'] ?? 0) + 1;
    }
  }
  const stamps = assignedAt.filter(Number.isFinite);
  const lastAssigned = seenAt === undefined || stamps.length === 0 ? undefined : Math.max(...stamps);
  const backlog = ids.size - stamps.filter((t) => t <= lastOk).length;
  const drainMs = lastAssigned === undefined ? null : Math.max(0, lastAssigned - lastOk);
  const totalMs = lastAssigned === undefined ? null : lastAssigned - b.startedAt;
  return {
    cases: ROUTING.cases,
    created: ids.size,
    intakeErrors: b.errors,
    errorKinds: b.errorKinds,
    firstError: b.firstError,
    intakeMs: lastOk - b.startedAt,
    backlogAtLast201: backlog,
    allAssigned: seenAt !== undefined && ids.size === ROUTING.cases,
    drainMs,
    observedDrainMs: seenAt === undefined ? null : seenAt - lastOk,
    totalMs,
    perSecondTotal: totalMs === null ? null : (ids.size * 1000) / totalMs,
    perSecondDrain: drainMs === null ? null : (backlog * 1000) / Math.max(drainMs, 1),
    assigned: assignedAt.length,
    emails: mail.length,
    emailsMs: mail.length >= ids.size && mail.length > 0 ? Math.max(...mtimes) - lastOk : null,
    byCategory,
    byOffice,
    warnings,
  };
}

/** Every category and topic in turn, so all three queues and every seeded office get work. */
function bodies(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify(
      hotlineCase({
        category: CATEGORIES[i % CATEGORIES.length],
        topic: TOPICS[Math.floor(i / CATEGORIES.length) % TOPICS.length],
        hotline: { callId: `burst-${i}`, operatorId: 'op-7' },
      }),
    ),
  );
}

/** The .eml files in the outbox (the mailer writes hidden temporaries, then renames them). */
async function emlFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith('.eml') && !name.startsWith('.'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
