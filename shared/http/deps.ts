import type { Context } from 'hono';
import type { ConsoleAssets } from '../console/assets';
import type { ApiConfig, SignInConfig } from '../config';
import type { DocsFiles } from './docs';
import type { Logger } from '../observability/logger';
import type { CalendarService } from '../usecases/calendar';
import type { LifecyclePolicy } from '../domain/lifecycle';
import type { EscalationPolicy } from '../domain/sla';
import type {
  AccountStore,
  AttachmentStore,
  CaseQueue,
  CaseStore,
  Clock,
  ContactIndex,
  IdGenerator,
  IdempotencyStore,
  LoginAttemptStore,
  Mailer,
  NoticeLedger,
  OfficeStore,
  PasswordHasher,
  RateLimiter,
  ReportFactStore,
  RoutingStore,
  TimerService,
  TokenIssuer,
  TokenVerifier,
} from '../ports';

/** How people sign in: local accounts and tokens this server signs, or Cognito's managed login. */
export type SignIn = { provider: 'local'; issuer: TokenIssuer } | Extract<SignInConfig, { provider: 'cognito' }>;

/** Everything the HTTP app needs, passed in: AWS adapters on Lambda, local ones under `npm start`, test ones in tests. */
export interface AppDeps {
  cases: CaseStore;
  queue: CaseQueue;
  offices: OfficeStore;
  routing: RoutingStore;
  idempotency: IdempotencyStore;
  /** 重复件 at intake: cases by keyed hashes of their contacts. */
  contacts: ContactIndex;
  /** Report facts, kept beside the cases as they change. */
  reports: ReportFactStore;
  /** The working calendar in force (shipped + stored years, cached); shared with the workers. */
  calendar: CalendarService;
  /** Lifecycle actions move SLA timers and tell an office a case was transferred to it. */
  timers: TimerService;
  notices: NoticeLedger;
  mailer: Mailer;
  policy: EscalationPolicy;
  /** Sign-for time, pauses and the reopen window. */
  lifecycle: LifecyclePolicy;
  /** Base of the case links in e-mails. */
  publicBaseUrl: string;
  rateLimiter: RateLimiter;
  /** Files attached to mailbox letters; without it, letters with files are refused (and kept on the page). */
  attachments?: AttachmentStore;
  tokens: TokenVerifier;
  /** Local sign-in accounts and their wrong-password counts (unused when Cognito signs people in). */
  accounts: AccountStore;
  loginAttempts: LoginAttemptStore;
  signIn: SignIn;
  /** Default: scrypt (shared/adapters/auth/password.ts). */
  passwords?: PasswordHasher;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  config: Pick<ApiConfig, 'FORM_RATE_LIMIT' | 'TRACK_RATE_LIMIT' | 'LOGIN_RATE_LIMIT' | 'ALLOWED_ORIGINS' | 'ALLOWED_REDIRECT_ORIGINS'> & Partial<Pick<ApiConfig, 'MAILBOX_FIELDS' | 'TRACK_TICKET_RATE_LIMIT'>>;
  /** The caller's address as the runtime knows it (socket, or API Gateway's sourceIp). */
  clientIp(c: Context): string | undefined;
  /** The office console's built files (shared/console/build.ts); without them /console/ answers that it was not built. */
  console?: ConsoleAssets;
  /** openapi.yaml and Swagger UI's files, which the app serves itself (shared/http/docs.ts). */
  docs: DocsFiles;
}
