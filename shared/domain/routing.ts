import type { CaseRecord, Category, Channel } from './case';

/** 分类处理: the offices cases are routed to, and the ordered rules that choose one. Pure. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export interface Office {
  id: string;
  name: string;
  /** Where new-case notices go. */
  email: string;
  locale: Locale;
  /** 督办 ladder: who is told when a case is about to miss, or has missed, its deadline. */
  escalation: { head: string[]; supervisor: string[]; chairman: string[] };
}

export interface RuleCondition {
  category?: Category;
  topic?: string;
  channel?: Channel;
  region?: string;
  urgent?: boolean;
}

export interface RoutingRule {
  when: RuleCondition;
  office: string;
}

export interface RoutingConfig {
  rules: RoutingRule[];
  defaultOffice: string;
}

export interface VersionedRoutingConfig extends RoutingConfig {
  version: number;
  updatedBy: string;
  updatedAt: number;
}

/** Recorded on the case so anyone can later see why it went where it went. */
export interface RoutingDecision {
  office: string;
  /** Index of the first matching rule, or null when the default office took it. */
  ruleIndex: number | null;
  when: RuleCondition | null;
  rulesVersion: number;
  /** The version of the case the routing message carried, so a redelivery of it is recognised. */
  messageVersion: number;
  /** When the router decided (set by the router; the rules are timeless). */
  at?: number;
}

export function ruleMatches(when: RuleCondition, c: Pick<CaseRecord, 'category' | 'topic' | 'channel' | 'region' | 'urgent'>): boolean {
  return (
    (when.category === undefined || when.category === c.category) &&
    (when.topic === undefined || when.topic === c.topic) &&
    (when.channel === undefined || when.channel === c.channel) &&
    (when.region === undefined || when.region === c.region) &&
    (when.urgent === undefined || when.urgent === c.urgent)
  );
}

/** First match wins; no match goes to the default office. */
export function decideRoute(
  config: VersionedRoutingConfig,
  c: Pick<CaseRecord, 'category' | 'topic' | 'channel' | 'region' | 'urgent' | 'version'>,
): RoutingDecision {
  const ruleIndex = config.rules.findIndex((r) => ruleMatches(r.when, c));
  const rule = config.rules[ruleIndex];
  const common = { rulesVersion: config.version, messageVersion: c.version };
  return rule
    ? { office: rule.office, ruleIndex, when: rule.when, ...common }
    : { office: config.defaultOffice, ruleIndex: null, when: null, ...common };
}

/** Offices a configuration names that do not exist, for a 400 before it is stored. */
export function unknownOffices(config: RoutingConfig, existing: ReadonlySet<string>): string[] {
  const named = [config.defaultOffice, ...config.rules.map((r) => r.office)];
  return [...new Set(named.filter((o) => !existing.has(o)))];
}
