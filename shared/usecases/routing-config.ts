import type { Office, VersionedRoutingConfig } from '../domain/routing';
import type { Clock, OfficeStore, RoutingStore } from '../ports';

export interface RoutingSnapshot {
  config: VersionedRoutingConfig;
  offices: ReadonlyMap<string, Office>;
}

/**
 * Routing rules and offices read through a short cache: a burst of messages reads the table once,
 * and a change made by an administrator is in force everywhere within `ttlMs`.
 */
export class RoutingConfigCache {
  private cached?: { snapshot: RoutingSnapshot | undefined; until: number };
  private loading?: Promise<RoutingSnapshot | undefined>;

  constructor(
    private readonly deps: { routing: RoutingStore; offices: OfficeStore; clock: Clock },
    private readonly ttlMs: number,
  ) {}

  /** The configuration in force, or undefined when none was ever stored. */
  async get(): Promise<RoutingSnapshot | undefined> {
    if (this.cached && this.cached.until > this.deps.clock.now()) return this.cached.snapshot;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<RoutingSnapshot | undefined> {
    const [config, offices] = await Promise.all([this.deps.routing.current(), this.deps.offices.list()]);
    const snapshot = config ? { config, offices: new Map(offices.map((o) => [o.id, o])) } : undefined;
    this.cached = { snapshot, until: this.deps.clock.now() + this.ttlMs };
    return snapshot;
  }
}
