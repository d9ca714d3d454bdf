import type { Category } from '../domain/case';
import { ConflictError, NotFoundError, UnavailableError, ValidationError, VersionConflictError } from '../domain/errors';
import { unknownOffices, type Office, type RoutingConfig, type VersionedRoutingConfig } from '../domain/routing';
import type { Logger } from '../observability/logger';
import type { AccountStore, CaseQueue, CaseStore, Clock, OfficeStore, QueueDepth, RoutingStore } from '../ports';

export interface AdminDeps {
  cases: CaseStore;
  offices: OfficeStore;
  routing: RoutingStore;
  queue: CaseQueue;
  clock: Clock;
  logger: Logger;
  /** Local sign-in accounts: an office staff account names its office. */
  accounts?: AccountStore;
}

export async function putOffice(deps: AdminDeps, office: Office, actor: string): Promise<Office> {
  await deps.offices.put(office, actor, deps.clock.now());
  deps.logger.info('admin.office_stored', { office: office.id });
  return office;
}

/** By id in code-point order (as DynamoDB keeps them), not localeCompare, whose order depends on the host's ICU data. */
export function listOffices(deps: AdminDeps): Promise<Office[]> {
  return deps.offices.list().then((list) => list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
}

/** Refused while the office still has open cases, the routing rules in force name it, or sign-in accounts belong to it. */
export async function deleteOffice(deps: AdminDeps, id: string): Promise<void> {
  if (!(await deps.offices.get(id))) throw new NotFoundError(`No office ${id}`);
  const routing = await deps.routing.current();
  if (routing && (routing.defaultOffice === id || routing.rules.some((r) => r.office === id))) {
    throw new ConflictError(`Office ${id} is named by routing version ${routing.version}; change the routing first`);
  }
  if (await deps.cases.hasOpenCases(id)) throw new ConflictError(`Office ${id} still has open cases; reassign them first`);
  const staff = deps.accounts ? (await deps.accounts.list()).filter((a) => a.office === id).length : 0;
  if (staff) throw new ConflictError(`Office ${id} is the office of ${staff} sign-in account(s); move them to another office first`);
  await deps.offices.delete(id);
  deps.logger.info('admin.office_deleted', { office: id });
}

export async function getRouting(deps: AdminDeps): Promise<VersionedRoutingConfig> {
  const current = await deps.routing.current();
  if (!current) throw new NotFoundError('No routing configuration has been stored yet');
  return current;
}

/** Stores the next version; every office it names must exist. */
export async function putRouting(deps: AdminDeps, config: RoutingConfig, actor: string): Promise<VersionedRoutingConfig> {
  const existing = new Set((await deps.offices.list()).map((o) => o.id));
  const missing = new Set(unknownOffices(config, existing));
  if (missing.size) {
    const errors = [
      ...(missing.has(config.defaultOffice) ? [{ path: 'defaultOffice', message: `no office ${config.defaultOffice}` }] : []),
      ...config.rules.flatMap((r, i) => (missing.has(r.office) ? [{ path: `rules.${i}.office`, message: `no office ${r.office}` }] : [])),
    ];
    throw new ValidationError('The routing names offices that do not exist', errors);
  }
  const current = await deps.routing.current();
  try {
    const stored = await deps.routing.put(config, current?.version ?? 0, actor, deps.clock.now());
    deps.logger.info('admin.routing_stored', { version: stored.version, rules: stored.rules.length });
    return stored;
  } catch (err) {
    if (err instanceof VersionConflictError) throw new ConflictError('The routing was changed at the same time; read it again and retry');
    throw err;
  }
}

export function queueDepths(deps: AdminDeps): Promise<QueueDepth[]> {
  return fromQueue(deps, 'admin.queue_depths_failed', () => deps.queue.depths());
}

export async function redrive(deps: AdminDeps, category: Category): Promise<{ category: Category; moved: number }> {
  const moved = await fromQueue(deps, 'admin.redrive_failed', () => deps.queue.redrive(category), { category });
  deps.logger.info('admin.redrive', { category, moved });
  return { category, moved };
}

/** The queue service failing is an outage to retry (503), not a fault of ours (500). */
async function fromQueue<T>(deps: AdminDeps, event: string, call: () => Promise<T>, fields: Record<string, unknown> = {}): Promise<T> {
  try {
    return await call();
  } catch (err) {
    deps.logger.warn(event, { ...fields, error: err });
    throw new UnavailableError('The queue service did not answer; retry shortly');
  }
}
