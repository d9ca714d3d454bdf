/**
 * The use cases' deps, built once per process from the adapters a runtime made. The AWS root
 * (shared/compose/aws.ts), the local one (functions/local/runtime.ts) and the tests' harness all
 * build them here, so no runtime (and no test) wires a use case its own way.
 */
import type { ApiConfig } from '../config';
import type { AppDeps } from '../http/deps';
import type { LifecyclePolicy } from '../domain/lifecycle';
import type { ReturnReason } from '../domain/vocabulary';
import type { EscalationPolicy } from '../domain/sla';
import type { Logger } from '../observability/logger';
import type {
  AccountStore,
  AttachmentStore,
  CalendarStore,
  CaseQueue,
  CaseStore,
  Clock,
  IdGenerator,
  ContactIndex,
  IdempotencyStore,
  InboundMailStore,
  LoginAttemptStore,
  Mailer,
  NoticeLedger,
  OfficeStore,
  RateLimiter,
  ReportFactStore,
  RoutingStore,
  TimerService,
} from '../ports';
import type { CalendarService } from '../usecases/calendar';
import type { EscalatorDeps } from '../usecases/escalate';
import type { MonthlyReportDeps } from '../usecases/monthly-report';
import type { ReconcileDeps } from '../usecases/reconcile';
import type { RouterDeps } from '../usecases/route-case';
import { RoutingConfigCache } from '../usecases/routing-config';
import type { InboundMailDeps } from '../usecases/inbound-mail';
import { calendarService, escalationPolicy, ownMail } from './policies';

/** The table-backed ports (shared/adapters/dynamo `dynamoStores`), as the use cases see them. */
export interface TableStores {
  cases: CaseStore;
  reports: ReportFactStore;
  idempotency: IdempotencyStore;
  calendarStore: CalendarStore;
  rateLimiter: RateLimiter;
  offices: OfficeStore;
  routing: RoutingStore;
  notices: NoticeLedger;
  accounts: AccountStore;
  loginAttempts: LoginAttemptStore;
  inboundMail: InboundMailStore;
  /** 重复件 at intake: cases by keyed hashes of their contacts. */
  contacts: ContactIndex;
}

/** What every use case is built from: the stores, the SLA timers, the calendar in force and the escalation policy, time and logs. */
export interface Core extends TableStores {
  timers: TimerService;
  calendar: CalendarService;
  policy: EscalationPolicy;
  clock: Clock;
  logger: Logger;
}

/** E-mail with case links: the transport and the base of the links (PUBLIC_BASE_URL, checked once by the root). */
export interface CaseMail {
  mailer: Mailer;
  publicBaseUrl: string;
  /** The mailbox's e-mail address (MAILBOX_ADDRESS), when it has one: receipts to e-mailed letters answer there. */
  mailboxAddress?: string;
}

export function core(stores: TableStores, parts: { timers: TimerService; clock: Clock; logger: Logger; config: Parameters<typeof calendarService>[0]['config'] }): Core {
  const { timers, clock, logger, config } = parts;
  return { ...stores, timers, calendar: calendarService({ ...stores, timers, clock, logger, config }), policy: escalationPolicy(config), clock, logger };
}

/** Routing rules and offices through a cache of ROUTING_CACHE_SECONDS, for the router and the transfers of the API alike. */
export function routingCache(c: Pick<Core, 'routing' | 'offices' | 'clock'>, config: Pick<ApiConfig, 'ROUTING_CACHE_SECONDS'>): RoutingConfigCache {
  return new RoutingConfigCache({ routing: c.routing, offices: c.offices, clock: c.clock }, config.ROUTING_CACHE_SECONDS * 1000);
}

export function routerDeps(c: Core, mail: CaseMail, routing: RoutingConfigCache): RouterDeps {
  return { ...c, ...mail, routing };
}

/** Filing what reaches the mailbox address: intake's parts, the office notice of a supplement, files, and what counts as our own mail. */
export function inboundMailDeps(c: Core, mail: CaseMail, parts: { queue: CaseQueue; ids: IdGenerator; attachments?: AttachmentStore; config: Pick<ApiConfig, 'MAIL_FROM' | 'MAILBOX_ADDRESS'> }): InboundMailDeps {
  return { ...c, ...mail, queue: parts.queue, ids: parts.ids, ...(parts.attachments && { attachments: parts.attachments }), own: ownMail(parts.config) };
}

export function escalatorDeps(c: Core, mail: CaseMail): EscalatorDeps {
  return { ...c, ...mail };
}

export function reconcileDeps(c: Core, queue: CaseQueue, config: Pick<ApiConfig, 'RECONCILE_GRACE_SECONDS' | 'QUEUE_VISIBILITY_SECONDS'>): ReconcileDeps {
  return {
    ...c,
    queue,
    graceMs: config.RECONCILE_GRACE_SECONDS * 1000,
    // A case the router may still hold (its message hidden while in flight) is not sent again.
    redeliveryMs: config.QUEUE_VISIBILITY_SECONDS * 1000,
  };
}

export function monthlyReportDeps(c: Core, mailer: Mailer, config: Pick<ApiConfig, 'LEADERSHIP_EMAILS' | 'MONTHLY_REPORT_HOUR'>): MonthlyReportDeps {
  return { ...c, mailer, recipients: config.LEADERSHIP_EMAILS, hour: config.MONTHLY_REPORT_HOUR };
}

/** What the HTTP app is built from: the core, the queue and mail, and the HTTP-only parts (tokens, sign-in, docs, …). */
export type AppParts = Core &
  CaseMail &
  Omit<AppDeps, 'useCases' | 'config'> & {
    queue: CaseQueue;
    lifecycle: LifecyclePolicy;
    /** The send-back reasons (RETURN_REASONS); default: 非本部门职责, 信息不全, 重复件, 其他. */
    returnReasons?: readonly ReturnReason[];
    config: AppDeps['config'] & Pick<ApiConfig, 'ROUTING_CACHE_SECONDS'>;
    /** The process's routing cache when its router shares it (locally); else one is made from the config. */
    routingCache?: RoutingConfigCache;
  };

/** The HTTP app's deps with its use cases built: what `createApp` takes, on every runtime and in tests. */
export function appDeps(parts: AppParts): AppDeps {
  const { routingCache: given, lifecycle, mailer, publicBaseUrl, ...http } = parts;
  const routing = given ?? routingCache(parts, parts.config);
  return {
    ...http,
    useCases: {
      intake: { cases: parts.cases, queue: parts.queue, idempotency: parts.idempotency, contacts: parts.contacts, calendar: parts.calendar, clock: parts.clock, ids: parts.ids, logger: parts.logger },
      act: { ...parts, lifecycle, mailer, publicBaseUrl, routing },
    },
  };
}
