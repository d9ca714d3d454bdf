import type { Context } from 'hono';
import type { ConsoleAssets } from '../console/assets';
import type { ApiConfig, SignInConfig } from '../config';
import type { DocsFiles } from './docs';
import type { Logger } from '../observability/logger';
import type { ActDeps } from '../usecases/act';
import type { CalendarService } from '../usecases/calendar';
import type { IntakeDeps } from '../usecases/intake';
import type {
  AccountStore,
  AttachmentStore,
  CaseQueue,
  CaseStore,
  Clock,
  IdGenerator,
  LoginAttemptStore,
  OfficeStore,
  PasswordHasher,
  RateLimiter,
  ReportFactStore,
  RoutingStore,
  TokenIssuer,
  TokenVerifier,
} from '../ports';

/** The use cases the routes call into, with their deps. */
export interface HttpUseCases {
  intake: IntakeDeps;
  /** Lifecycle actions (and the complainant's follow-up): they move SLA timers and tell an office a case was transferred to it. */
  act: ActDeps;
}

/** How people sign in: local accounts and tokens this server signs, or Cognito's managed login. */
export type SignIn = { provider: 'local'; issuer: TokenIssuer } | Extract<SignInConfig, { provider: 'cognito' }>;

/**
 * Everything the HTTP app needs, passed in ready-made: AWS adapters on Lambda, local ones under
 * `npm start`, the same local ones in tests. The use cases' own deps come built (shared/compose/
 * use-cases.ts `appDeps`), so the app wires nothing itself.
 */
export interface AppDeps {
  /** The use cases behind the routes, built once by the runtime's composition root. */
  useCases: HttpUseCases;
  cases: CaseStore;
  /** Admins' queue depths and dead-letter redrive. */
  queue: CaseQueue;
  offices: OfficeStore;
  /** The stored routing rules, which admins read and replace. */
  routing: RoutingStore;
  /** Report facts, kept beside the cases as they change. */
  reports: ReportFactStore;
  /** The working calendar in force (shipped + stored years, cached); shared with the workers. */
  calendar: CalendarService;
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
