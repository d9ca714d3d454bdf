/**
 * Stateless resources: the HTTP API with the Hono app in one Lambda, the router, escalator,
 * reconciler and reporter functions, the Scheduler role and schedules, the Cognito users, and the
 * alarms. It takes the stateful resources as props, so it can be rebuilt without touching data.
 */
import { ArnFormat, Aws, CfnCondition, CfnOutput, CfnParameter, Duration, Fn, Stack, TimeZone, type StackProps } from 'aws-cdk-lib';
import type { CfnStage} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpApi, HttpMethod, type HttpRoute, type HttpRouteIntegration } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, type ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { CfnReceiptRule, CfnReceiptRuleSet, EmailIdentity, Identity as SesIdentity, type ConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Category } from '../shared/domain/case';
import { join } from 'node:path';
import { DOCS_ASSETS, DOCS_DIR, repositoryDocsFiles, SWAGGER_UI_FILES } from '../shared/http/docs';
import { Alarms } from './alarms';
import { LambdaFunction } from './function';
import { Identity } from './identity';
import { INBOUND_MAIL_PREFIX } from '../shared/domain/inbound-mail';
import { QUEUE_VISIBILITY, ROUTER_TIMEOUT, type CategoryQueue } from './stateful-stack';

export interface StatelessStackProps extends StackProps {
  table: TableV2;
  queues: Record<Category, CategoryQueue>;
  timerDlq: Queue;
  scheduleGroup: ScheduleGroup;
  configurationSet: ConfigurationSet;
  /** The bucket of files attached to mailbox letters (attachmentsBucketName of the stateful stack). */
  attachmentsBucketName?: string;
  /** The mailbox as an e-mail address: SES receives for it (only in regions with SES email receiving). */
  mailbox?: { address: string; bucketName: string; receiptRuleSetName: string };
}

/**
 * Routes anyone may call (the web form, tracking, docs, the console's static files and how to sign
 * in); everything else needs a Cognito ID token. `POST /v1/auth/login` is public so a client that
 * tries it hears the app's own answer (local sign-in is off on Cognito: 404), not the authorizer's.
 */
export const PUBLIC_ROUTES: readonly [HttpMethod, string][] = [
  [HttpMethod.POST, '/v1/intake/mailbox'],
  [HttpMethod.OPTIONS, '/v1/intake/mailbox'],
  // The page's script declaring a letter's files (the files themselves go to S3, not through here).
  [HttpMethod.POST, '/v1/intake/mailbox/uploads'],
  [HttpMethod.OPTIONS, '/v1/intake/mailbox/uploads'],
  [HttpMethod.GET, '/v1/track/{ticketNo}'],
  [HttpMethod.POST, '/v1/track/{ticketNo}/follow-up'],
  [HttpMethod.OPTIONS, '/v1/track/{proxy+}'],
  [HttpMethod.GET, '/track'],
  [HttpMethod.GET, '/mailbox'],
  [HttpMethod.GET, '/mailbox/thanks'],
  [HttpMethod.GET, '/docs'],
  [HttpMethod.GET, `${DOCS_ASSETS}/{proxy+}`],
  [HttpMethod.GET, '/openapi.json'],
  [HttpMethod.GET, '/openapi.yaml'],
  [HttpMethod.GET, '/health'],
  [HttpMethod.GET, '/console'],
  [HttpMethod.GET, '/console/{proxy+}'],
  [HttpMethod.GET, '/v1/auth/config'],
  [HttpMethod.POST, '/v1/auth/login'],
];

/** Per client address, on top of the app's own per-IP limits stored in the table. */
export const PUBLIC_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;
export const API_THROTTLE = { rateLimit: 200, burstLimit: 400 } as const;

export class StatelessStack extends Stack {
  readonly api: HttpApi;
  readonly functions: Record<'api' | 'router' | 'escalator' | 'reconciler' | 'reporter', LambdaFunction> & { 'inbound-mail'?: LambdaFunction };
  /** The SES receipt rule set of the mailbox address (activate it once: see the README). */
  readonly receiptRuleSet?: CfnReceiptRuleSet;
  readonly identity: Identity;
  readonly schedulerRole: Role;
  /** The role the reconcile and monthly-report schedules invoke their functions with. */
  readonly scheduleRole: Role;
  readonly publicRoutes: HttpRoute[] = [];

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const param = (name: string, description: string, defaultValue?: string) =>
      new CfnParameter(this, name, { type: 'String', description, ...(defaultValue !== undefined && { default: defaultValue }) }).valueAsString;
    const senderEmail = param('SenderEmail', 'The address e-mails come from; SES sends it a verification link on first deploy');
    const publicBaseUrl = param('PublicBaseUrl', 'Base of the case links in e-mails, e.g. https://cases.union.example.org');
    const allowedOrigins = param('AllowedOrigins', "Origins of the union's web pages that may call the form and tracking endpoints, comma-separated", '');
    const redirectOrigins = param('AllowedRedirectOrigins', 'Origins the mailbox form may redirect back to, comma-separated', '');
    const calendarOverrides = param('CalendarOverrides', 'Working calendars as JSON {"2027":{"holidays":[...],"workdays":[...]}}; admins can also PUT /v1/admin/calendar/{year}', '');
    const leadershipEmails = param('LeadershipEmails', 'Addresses for the monthly report, comma-separated (empty: none)', '');
    const alarmEmail = param('AlarmEmail', 'Address subscribed to the operators alarm topic (empty: none)', '');
    const loginPrefix = param('LoginDomainPrefix', "Prefix of the console's Cognito managed login domain, <prefix>.auth.<region>.amazoncognito.com (auto: derived from the stack and account)", 'auto');
    // Unique per account and stage, and free of the words Cognito refuses in a prefix (aws, amazon, cognito).
    const derivedPrefix = Fn.join('-', [this.stackName.toLowerCase().replace(/-stateless$/, ''), Aws.ACCOUNT_ID]);
    const prefixGiven = new CfnCondition(this, 'LoginDomainPrefixGiven', { expression: Fn.conditionNot(Fn.conditionEquals(loginPrefix, 'auto')) });
    const domainPrefix = Fn.conditionIf(prefixGiven.logicalId, loginPrefix, derivedPrefix).toString();

    const { table, queues, timerDlq, scheduleGroup, configurationSet } = props;
    this.identity = new Identity(this, 'Identity', { publicBaseUrl, domainPrefix });
    const sender = new EmailIdentity(this, 'Sender', { identity: SesIdentity.email(senderEmail), configurationSet });

    const fn = (name: keyof StatelessStack['functions'], description: string, extra: Partial<ConstructorParameters<typeof LambdaFunction>[2]> = {}) =>
      new LambdaFunction(this, `${name[0]?.toUpperCase()}${name.slice(1)}`, { name, description, ...extra });
    // What every function reads (shared/config.ts FUNCTION_VARIABLES), and the links in e-mails for those that send case notices.
    const calendar = { CALENDAR_OVERRIDES: calendarOverrides };
    const common = { ...calendar, PUBLIC_BASE_URL: publicBaseUrl };
    // A physical name: the escalator hands its own ARN to Scheduler, which it cannot take from itself without a cycle.
    const escalatorName = `${this.stackName}-escalator`;
    const escalatorArn = this.formatArn({ service: 'lambda', resource: 'function', resourceName: escalatorName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const escalator = fn('escalator', 'SLA timers: warn and escalate by e-mail, close replied cases nobody followed up', { environment: common, functionName: escalatorName });

    // EventBridge Scheduler assumes this role to deliver SLA timers: it may invoke the escalator and nothing else.
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
      description: 'Lets EventBridge Scheduler deliver SLA timers to the escalator (and failed ones to the timer DLQ)',
    });
    this.schedulerRole.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [escalatorArn] }));
    this.schedulerRole.addToPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [timerDlq.queueArn] }));
    const timers = (f: LambdaFunction, access?: 'schedule') => f.bindTimers(scheduleGroup, escalatorArn, this.schedulerRole, timerDlq.queueArn, access);

    escalator.bindTable(table, ['PutItem', 'UpdateItem']).bindMail(sender, senderEmail, configurationSet);
    timers(escalator);

    const docs = repositoryDocsFiles();
    const api = fn('api', 'The HTTP API (Hono): intake, lifecycle, tracking, reports, administration', {
      // Served by the function itself (shared/http/docs.ts): the generated openapi.yaml and Swagger UI's files.
      assetFiles: {
        [`${DOCS_DIR}/openapi.yaml`]: docs.openapiYaml,
        ...Object.fromEntries(Object.keys(SWAGGER_UI_FILES).map((f) => [`${DOCS_DIR}/${f}`, join(docs.swaggerUiDir, f)])),
      },
      // The office console too, built into the asset as console/ (infra/console-assets.ts).
      console: true,
      memorySize: 1024,
      timeout: Duration.seconds(29),
      environment: {
        ...common,
        ALLOWED_ORIGINS: allowedOrigins,
        ALLOWED_REDIRECT_ORIGINS: redirectOrigins,
        COGNITO_USER_POOL_ID: this.identity.userPool.userPoolId,
        COGNITO_CLIENT_ID: this.identity.client.userPoolClientId,
        // The console signs in through the managed login; /v1/auth/config hands these to it.
        COGNITO_DOMAIN: this.identity.domain.baseUrl(),
        COGNITO_CONSOLE_CLIENT_ID: this.identity.consoleClient.userPoolClientId,
      },
    });
    // Deletes: offices (the only items ever deleted).
    api.bindTable(table, ['PutItem', 'UpdateItem', 'DeleteItem']).bindQueues(queues, 'operate').bindMail(sender, senderEmail, configurationSet);
    if (props.attachmentsBucketName) api.bindAttachments(Bucket.fromBucketName(this, 'Attachments', props.attachmentsBucketName));
    timers(api);

    // Receipts to e-mailed letters answer with Reply-To the mailbox address.
    const mailboxEnv: Record<string, string> = props.mailbox ? { MAILBOX_ADDRESS: props.mailbox.address } : {};
    const router = fn('router', 'Routes each new case to its office and e-mails the office', { timeout: ROUTER_TIMEOUT, environment: { ...common, ...mailboxEnv } });
    router.bindTable(table, ['PutItem', 'UpdateItem']).bindMail(sender, senderEmail, configurationSet);
    timers(router, 'schedule');
    for (const { queue } of Object.values(queues)) {
      router.fn.addEventSource(new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 5 }));
    }

    const reconciler = fn('reconciler', 'Rebuilds queues, timers and report facts from the table', {
      timeout: Duration.minutes(5),
      // The queues' own visibility: a case whose message the router may still hold is not sent again before it lapses.
      environment: { ...calendar, QUEUE_VISIBILITY_SECONDS: String(QUEUE_VISIBILITY.toSeconds()) },
    });
    // Case and report-fact puts, and marking a re-sent case's last send (a conditional update); no
    // counters, no notice marks (it only reads the ledger).
    reconciler.bindTable(table, ['PutItem', 'UpdateItem']).bindQueues(queues, 'send');
    timers(reconciler);

    const reporter = fn('reporter', 'The monthly report to leadership on the first working day', {
      timeout: Duration.minutes(2),
      environment: { ...calendar, LEADERSHIP_EMAILS: leadershipEmails },
    });
    reporter.bindTable(table, ['PutItem', 'UpdateItem']).bindMail(sender, senderEmail, configurationSet);
    this.functions = { api, router, escalator, reconciler, reporter };

    if (props.mailbox) {
      const inbound = new LambdaFunction(this, 'InboundMail', {
        name: 'inbound-mail',
        description: 'Files each message SES received for the mailbox address: a case, a supplement, nothing (loops) or held',
        timeout: Duration.seconds(60),
        memorySize: 1024,
        environment: { ...common, ...mailboxEnv },
      });
      const attachments = Bucket.fromBucketName(this, 'InboundAttachments', props.attachmentsBucketName ?? '');
      // Puts: the message's claim, the case, held messages; updates: its outcome, the ticket counter, the flood count.
      inbound.bindTable(table, ['PutItem', 'UpdateItem']).bindQueues(queues, 'send').bindMail(sender, senderEmail, configurationSet).bindAttachments(attachments, 'store');
      inbound.bindInboundMail(Bucket.fromBucketName(this, 'InboundMailBucket', props.mailbox.bucketName), INBOUND_MAIL_PREFIX);
      this.functions['inbound-mail'] = inbound;

      // SES receiving: one rule for the mailbox address — store the raw message, then invoke the function with the event.
      this.receiptRuleSet = new CfnReceiptRuleSet(this, 'MailboxRuleSet', { ruleSetName: props.mailbox.receiptRuleSetName });
      const ruleName = 'mailbox';
      const ruleArn = this.formatArn({ service: 'ses', resource: 'receipt-rule-set', resourceName: `${props.mailbox.receiptRuleSetName}:receipt-rule/${ruleName}`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
      const permission = new CfnPermission(this, 'SesInvokesInboundMail', { action: 'lambda:InvokeFunction', functionName: inbound.fn.functionName, principal: 'ses.amazonaws.com', sourceAccount: this.account, sourceArn: ruleArn });
      const rule = new CfnReceiptRule(this, 'MailboxRule', {
        ruleSetName: props.mailbox.receiptRuleSetName,
        rule: {
          name: ruleName,
          enabled: true,
          recipients: [props.mailbox.address],
          // SES's spam and virus verdicts: FAIL is held for review, not filed.
          scanEnabled: true,
          tlsPolicy: 'Optional',
          actions: [
            { s3Action: { bucketName: props.mailbox.bucketName, objectKeyPrefix: INBOUND_MAIL_PREFIX } },
            { lambdaAction: { functionArn: inbound.fn.functionArn, invocationType: 'Event' } },
          ],
        },
      });
      rule.node.addDependency(this.receiptRuleSet);
      // SES checks it may invoke the function when the rule is created.
      rule.node.addDependency(permission);
    }

    this.scheduleRole = new Role(this, 'ScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
      description: 'Lets the reconcile and monthly-report schedules invoke their functions',
    });
    new Schedule(this, 'ReconcileEvery5Minutes', {
      schedule: ScheduleExpression.rate(Duration.minutes(5)),
      target: new LambdaInvoke(reconciler.fn, { role: this.scheduleRole }),
      description: 'The table is the truth: re-send stuck cases, re-create lost timers, re-sync report facts',
    });
    new Schedule(this, 'MonthlyReportCheck', {
      // Every day at 09:05 Shanghai time; the function sends only on the month's first working day, once.
      schedule: ScheduleExpression.cron({ minute: '5', hour: '9', timeZone: TimeZone.ASIA_SHANGHAI }),
      target: new LambdaInvoke(reporter.fn, { role: this.scheduleRole }),
      description: 'Monthly report to leadership on the first working day of each month',
    });

    this.api = this.httpApi(api);
    new Alarms(this, 'Alarms', { queues, timerDlq, escalator: escalator.fn, router: router.fn, api: this.api, alarmEmail });

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint, description: 'The API; the tracking page is at /track, the docs at /docs' });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.client.userPoolClientId, description: 'App client for API clients signing in with SRP' });
    new CfnOutput(this, 'ConsoleUrl', { value: `${publicBaseUrl}/console/`, description: 'The office console (served by the API function)' });
    new CfnOutput(this, 'ConsoleClientId', { value: this.identity.consoleClient.userPoolClientId, description: "The console's app client (managed login, authorization code with PKCE)" });
    new CfnOutput(this, 'LoginDomain', { value: this.identity.domain.baseUrl(), description: "Cognito's managed login for the console" });
  }

  /** One Lambda behind the HTTP API: public routes without a token, every other route with a Cognito ID token. */
  private httpApi(fn: LambdaFunction): HttpApi {
    const integration: HttpRouteIntegration = new HttpLambdaIntegration('App', fn.fn);
    const authorizer = new HttpUserPoolAuthorizer('Staff', this.identity.userPool, { userPoolClients: [this.identity.client, this.identity.consoleClient] });
    const api = new HttpApi(this, 'HttpApi', { description: 'Union case routing API', createDefaultStage: true });
    for (const [method, path] of PUBLIC_ROUTES) this.publicRoutes.push(...api.addRoutes({ path, methods: [method], integration }));
    api.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration, authorizer });

    const stage = api.defaultStage?.node.defaultChild as CfnStage;
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    // No caller identity beyond the address API Gateway saw; the app's own logs carry no personal data either.
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({ requestId: '$context.requestId', ip: '$context.identity.sourceIp', method: '$context.httpMethod', route: '$context.routeKey', status: '$context.status', latency: '$context.responseLatency' }),
    };
    stage.defaultRouteSettings = { throttlingRateLimit: API_THROTTLE.rateLimit, throttlingBurstLimit: API_THROTTLE.burstLimit };
    // RouteSettings is free-form JSON to CDK: written in CloudFormation's own casing.
    stage.routeSettings = Object.fromEntries(
      PUBLIC_ROUTES.filter(([m]) => m !== HttpMethod.OPTIONS).map(([m, p]) => [`${m} ${p}`, { ThrottlingRateLimit: PUBLIC_THROTTLE.rateLimit, ThrottlingBurstLimit: PUBLIC_THROTTLE.burstLimit }]),
    );
    return api;
  }
}
