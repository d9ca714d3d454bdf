/**
 * The deployable system, synthesised in-process with cdk-nag's AWS Solutions checks (no CLI, no
 * Docker, no AWS): resources and their key properties, every IAM policy action by action, and no
 * unacknowledged finding. Bundling is skipped here (CI's `npm run synth` bundles for real).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { type CfnElement, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app-builder';
import { FUNCTION_DEFAULTS } from '../../infra/function';
import { API_THROTTLE, PUBLIC_ROUTES, PUBLIC_THROTTLE } from '../../infra/stateless-stack';
import { MAX_RECEIVES } from '../../infra/stateful-stack';
import { INDEXES } from '../../shared/adapters/dynamo/table';
import { ROLES } from '../../shared/domain/principal';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
const outdir = mkdtempSync(join(tmpdir(), 'cdk-stateless-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const built = buildApp({ appProps: { outdir, context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } } });
const assembly = built.app.synth(); // throws on any unacknowledged cdk-nag finding
const stateless = Template.fromStack(built.stateless);
const stateful = Template.fromStack(built.stateful);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** Every statement of the inline policies attached to a role, by the role's logical id. */
function statementsOf(roleLogicalId: string): Statement[] {
  const policies = stateless.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => list((p.Properties as { Roles: { Ref: string }[] }).Roles).some((r) => r.Ref === roleLogicalId))
    .flatMap((p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement);
}

function roleOf(fn: 'api' | 'router' | 'escalator' | 'reconciler' | 'reporter'): string {
  const role = built.stateless.functions[fn].fn.role;
  return built.stateless.getLogicalId(role?.node.defaultChild as CfnElement);
}

const actionsOf = (roleId: string) => [...new Set(statementsOf(roleId).flatMap((s) => list(s.Action)))].sort();

const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
const TABLE_RW = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'];
const TIMERS = ['iam:PassRole', 'scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:UpdateSchedule'];
const MAIL = ['ses:SendEmail'];
const CONSUME = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'];

describe('synthesis', () => {
  it('passes cdk-nag AwsSolutions with every acknowledgment giving its reason', () => {
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['CaseRouting-dev-Stateful', 'CaseRouting-dev-Stateless']);
    // Each acknowledgment is metadata { "<source>::<rule id>": "<reason>" } on the construct it covers.
    const acks = built.app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ id, reason })));
    expect(acks.length).toBeGreaterThan(10);
    expect(new Set(acks.map((a) => a.id.split('::')[1]?.replace(/\[.*$/, '')))).toEqual(new Set(['AwsSolutions-SQS3', 'AwsSolutions-L1', 'AwsSolutions-IAM5', 'AwsSolutions-APIG4', 'AwsSolutions-COG8', 'AwsSolutions-S1']));
    for (const a of acks) expect(a.reason.length, `acknowledgment ${a.id}`).toBeGreaterThanOrEqual(40);
  });
});

describe('attachments', () => {
  it('the API alone may put, read and delete letters’ files, under attachments/ of the private bucket', () => {
    const bucket = Object.values(stateful.findResources('AWS::S3::Bucket'))[0]?.Properties as Record<string, unknown>;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(JSON.stringify(bucket.BucketEncryption)).toContain('AES256');
    expect(JSON.stringify(bucket.LifecycleConfiguration)).toContain('NoncurrentVersionExpiration');
    expect(JSON.stringify(bucket.LifecycleConfiguration)).toContain('AbortIncompleteMultipartUpload');
    for (const name of ['router', 'escalator', 'reconciler', 'reporter'] as const) expect(actionsOf(roleOf(name)).filter((a) => a.startsWith('s3:'))).toEqual([]);
    expect(JSON.stringify(stateless.toJSON())).toContain('-attachments-');
  });

  it('files sent ahead: browsers may POST to the bucket from the API’s origin and the union’s sites; incoming/ expires after a day; the API’s S3 rights are on attachments/ and incoming/ only', () => {
    const bucket = Object.values(stateful.findResources('AWS::S3::Bucket'))[0]?.Properties as {
      CorsConfiguration: { CorsRules: { AllowedMethods: string[]; AllowedOrigins: unknown; MaxAge: number }[] };
      LifecycleConfiguration: { Rules: { Id?: string; Prefix?: string; ExpirationInDays?: number; NoncurrentVersionExpiration?: { NoncurrentDays: number }; ExpiredObjectDeleteMarker?: boolean; Status: string }[] };
    };
    const [cors] = bucket.CorsConfiguration.CorsRules;
    expect(cors?.AllowedMethods).toEqual(['POST']);
    // PublicBaseUrl, plus AllowedOrigins when given (stateful stack parameters of the same names as the stateless stack's).
    expect(cors?.AllowedOrigins).toEqual({ 'Fn::If': ['NoAllowedOrigins', [{ Ref: 'PublicBaseUrl' }], { 'Fn::Split': [',', { 'Fn::Join': [',', [{ Ref: 'PublicBaseUrl' }, { Ref: 'AllowedOrigins' }]] }] }] });
    const incoming = bucket.LifecycleConfiguration.Rules.filter((r) => r.Prefix === 'incoming/');
    expect(incoming).toEqual([
      { Id: 'Incoming', Prefix: 'incoming/', ExpirationInDays: 1, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Status: 'Enabled' },
      { Id: 'IncomingDeleteMarkers', Prefix: 'incoming/', ExpiredObjectDeleteMarker: true, Status: 'Enabled' },
    ]);
    const s3 = statementsOf(roleOf('api')).filter((st) => list(st.Action).some((a) => a.startsWith('s3:')));
    expect(s3).toHaveLength(1);
    expect(JSON.stringify(s3[0]?.Resource)).toMatch(/-attachments-.*\/attachments\/\*.*\/incoming\/\*/);
    expect(list(s3[0]!.Resource)).toHaveLength(2);
  });

  it('the page’s declaration of files is a public route; the local upload route is not (uploads go to S3)', () => {
    const keys = Object.values(stateless.findResources('AWS::ApiGatewayV2::Route')).map((r) => ({ key: (r.Properties as { RouteKey: string }).RouteKey, auth: (r.Properties as { AuthorizationType?: string }).AuthorizationType }));
    expect(keys).toContainEqual({ key: 'POST /v1/intake/mailbox/uploads', auth: 'NONE' });
    expect(keys).toContainEqual({ key: 'OPTIONS /v1/intake/mailbox/uploads', auth: 'NONE' });
    expect(keys.some((k) => k.key.startsWith('POST /v1/intake/mailbox/uploads/'))).toBe(false);
  });
});

describe('cdk-nag', () => {
  it('stops synthesis on a finding nobody acknowledged', () => {
    const b = buildApp({ appProps: { outdir: join(outdir, 'bad'), context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } } });
    new Queue(b.stateless, 'Careless', { encryption: QueueEncryption.UNENCRYPTED });
    expect(() => b.app.synth()).toThrow(/AwsSolutions-SQS4|SQS Queue/);
  });
});

describe('functions', () => {
  it('are five, on Node 22 arm64 with X-Ray and JSON logs in their own group, without --enable-source-maps', () => {
    stateless.resourceCountIs('AWS::Lambda::Function', 5);
    stateless.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: Match.anyValue() }),
      Environment: { Variables: Match.objectLike({ NODE_ENV: 'production' }) },
      Handler: 'index.handler',
    });
    // Its cost at every cold start buys nothing the shipped source map does not give (README: Deploy to AWS).
    for (const f of Object.values(stateless.findResources('AWS::Lambda::Function'))) expect((f.Properties as { Environment: { Variables: object } }).Environment.Variables).not.toHaveProperty('NODE_OPTIONS');
    stateless.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    expect(FUNCTION_DEFAULTS.architecture.name).toBe('arm64');
  });

  it('get exactly the actions they use, and no wildcard action anywhere', () => {
    expect(actionsOf(roleOf('api'))).toEqual([...LOGS, ...TABLE_RW, 'dynamodb:DeleteItem', ...TIMERS, ...MAIL, 's3:DeleteObject', 's3:GetObject', 's3:PutObject', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:SendMessage', ...XRAY].sort());
    expect(actionsOf(roleOf('router'))).toEqual([...LOGS, ...TABLE_RW, ...TIMERS.filter((a) => a !== 'scheduler:DeleteSchedule'), ...MAIL, ...CONSUME, ...XRAY].sort());
    expect(actionsOf(roleOf('escalator'))).toEqual([...LOGS, ...TABLE_RW, ...TIMERS, ...MAIL, ...XRAY].sort());
    expect(actionsOf(roleOf('reconciler'))).toEqual([...LOGS, ...TABLE_RW, ...TIMERS, 'sqs:SendMessage', ...XRAY].sort());
    expect(actionsOf(roleOf('reporter'))).toEqual([...LOGS, ...TABLE_RW, ...MAIL, ...XRAY].sort());
    const all = Object.values(stateless.findResources('AWS::IAM::Policy')).flatMap((p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement);
    for (const s of all) for (const a of list(s.Action)) expect(a).not.toMatch(/\*/);
  });

  it('use "*" as a resource only for X-Ray, which has no resource-level permissions', () => {
    const all = Object.values(stateless.findResources('AWS::IAM::Policy')).flatMap((p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement);
    const starred = all.filter((s) => list(s.Resource as unknown).includes('*'));
    expect(starred.length).toBe(5);
    for (const s of starred) expect(list(s.Action).sort()).toEqual(XRAY);
  });

  it('read and write the table and name each index, never Scan', () => {
    const reads = statementsOf(roleOf('api')).find((s) => list(s.Action).includes('dynamodb:Query'));
    const resources = JSON.stringify(reads?.Resource);
    for (const index of INDEXES) expect(resources).toContain(`/index/${index.name}`);
    expect(resources).not.toContain('index/*');
  });

  it('the router consumes the three category queues with partial batch responses', () => {
    stateless.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
    stateless.allResourcesProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });
});

describe('timers and schedules', () => {
  it('Scheduler may invoke the escalator only (and drop failed timers in their DLQ)', () => {
    const roleId = built.stateless.getLogicalId(built.stateless.schedulerRole.node.defaultChild as CfnElement);
    const statements = statementsOf(roleId);
    expect(statements.map((s) => list(s.Action)).sort()).toEqual([['lambda:InvokeFunction'], ['sqs:SendMessage']]);
    expect(JSON.stringify(statements.find((s) => list(s.Action).includes('lambda:InvokeFunction'))?.Resource)).toContain('-escalator');
    stateless.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } } })] },
      Description: Match.stringLikeRegexp('SLA timers'),
    });
  });

  it('reconciles every 5 minutes and checks the monthly report daily at 09:05 Shanghai time', () => {
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)' });
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(5 9 * * ? *)', ScheduleExpressionTimezone: 'Asia/Shanghai' });
  });
});

describe('the HTTP API', () => {
  it('lets the public routes through without a token and sends everything else through the Cognito authorizer', () => {
    const routes = Object.values(stateless.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties as { RouteKey: string; AuthorizationType?: string });
    const open = routes.filter((r) => (r.AuthorizationType ?? 'NONE') === 'NONE').map((r) => r.RouteKey).sort();
    expect(open).toEqual(PUBLIC_ROUTES.map(([m, p]) => `${m} ${p}`).sort());
    expect(routes.filter((r) => r.AuthorizationType === 'JWT').map((r) => r.RouteKey)).toEqual(['ANY /{proxy+}']);
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'] });
  });

  it("opens the console's static files and its sign-in routes; GET /v1/auth/me stays behind the authorizer", () => {
    const keys = PUBLIC_ROUTES.map(([m, p]) => `${m} ${p}`);
    expect(keys).toEqual(expect.arrayContaining(['GET /console', 'GET /console/{proxy+}', 'GET /v1/auth/config', 'POST /v1/auth/login']));
    expect(keys.some((k) => k.includes('/v1/auth/me') || k.includes('/v1/admin'))).toBe(false);
    // The authorizer takes ID tokens of both app clients: API clients' and the console's.
    const authorizer = Object.values(stateless.findResources('AWS::ApiGatewayV2::Authorizer'))[0]?.Properties as { JwtConfiguration: { Audience: unknown[] } };
    expect(authorizer.JwtConfiguration.Audience).toHaveLength(2);
  });

  it('throttles the public routes harder than the rest, and logs access without identities', () => {
    const stage = Object.values(stateless.findResources('AWS::ApiGatewayV2::Stage'))[0]?.Properties as {
      DefaultRouteSettings: { ThrottlingRateLimit: number };
      RouteSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
      AccessLogSettings: { Format: string };
    };
    expect(stage.DefaultRouteSettings.ThrottlingRateLimit).toBe(API_THROTTLE.rateLimit);
    expect(stage.RouteSettings['POST /v1/intake/mailbox']).toEqual({ ThrottlingRateLimit: PUBLIC_THROTTLE.rateLimit, ThrottlingBurstLimit: PUBLIC_THROTTLE.burstLimit });
    expect(stage.RouteSettings['GET /v1/track/{ticketNo}']?.ThrottlingRateLimit).toBe(PUBLIC_THROTTLE.rateLimit);
    expect(stage.AccessLogSettings.Format).not.toMatch(/authorizer|claims|email/);
  });
});

describe('users', () => {
  it('a user pool with required TOTP MFA, no self sign-up, custom:office, and a group per role', () => {
    stateless.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Schema: Match.arrayWith([Match.objectLike({ Name: 'office', Mutable: true })]),
    });
    const groups = Object.values(stateless.findResources('AWS::Cognito::UserPoolGroup')).map((g) => (g.Properties as { GroupName: string }).GroupName);
    expect(groups.sort()).toEqual([...ROLES].sort());
  });

  it("a console app client: authorization code only, no secret, back to the console's callback, openid + profile", () => {
    const clients = Object.values(stateless.findResources('AWS::Cognito::UserPoolClient')).map((c) => c.Properties as Record<string, unknown>);
    expect(clients).toHaveLength(2);
    const consoleClient = clients.find((c) => c.AllowedOAuthFlowsUserPoolClient === true);
    expect(consoleClient).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'profile'],
      SupportedIdentityProviders: ['COGNITO'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      EnableTokenRevocation: true,
    });
    expect(consoleClient?.GenerateSecret).not.toBe(true);
    expect(JSON.stringify(consoleClient?.CallbackURLs)).toMatch(/\{"Ref":"PublicBaseUrl"\},"\/console\/callback"/);
    expect(JSON.stringify(consoleClient?.LogoutURLs)).toMatch(/\{"Ref":"PublicBaseUrl"\},"\/console\/"/);
    // The SRP client for API clients has no OAuth flows: no implicit grant to CDK's example.com placeholder.
    const apiClient = clients.find((c) => c !== consoleClient);
    expect(apiClient).toMatchObject({ AllowedOAuthFlowsUserPoolClient: false, ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
    expect(apiClient?.AllowedOAuthFlows).toBeUndefined();
    expect(apiClient?.CallbackURLs).toBeUndefined();
  });

  it('a managed login domain (prefix a parameter, else derived) with a style for the console, handed to the API function', () => {
    stateless.hasResourceProperties('AWS::Cognito::UserPoolDomain', { ManagedLoginVersion: 2, Domain: { 'Fn::If': ['LoginDomainPrefixGiven', { Ref: 'LoginDomainPrefix' }, Match.anyValue()] } });
    stateless.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', { UseCognitoProvidedValues: true, ClientId: Match.anyValue() });
    expect(stateless.toJSON().Parameters.LoginDomainPrefix).toMatchObject({ Type: 'String', Default: 'auto' });
    const apiFn = stateless.findResources('AWS::Lambda::Function')[built.stateless.getLogicalId(built.stateless.functions.api.fn.node.defaultChild as CfnElement)];
    const vars = (apiFn?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    expect(Object.keys(vars)).toEqual(expect.arrayContaining(['COGNITO_USER_POOL_ID', 'COGNITO_CLIENT_ID', 'COGNITO_DOMAIN', 'COGNITO_CONSOLE_CLIENT_ID']));
    expect(JSON.stringify(vars.COGNITO_DOMAIN)).toMatch(/https:\/\/.*\.auth\..*amazoncognito\.com/);
  });
});

describe('alarms', () => {
  it('tell the operators topic about dead letters, queue age, escalator and router errors and the 5xx rate', () => {
    const alarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties as { MetricName?: string; AlarmActions: unknown[]; Threshold: number });
    expect(alarms).toHaveLength(10);
    for (const a of alarms) expect(a.AlarmActions).toHaveLength(1);
    expect(alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible').map((a) => a.Threshold)).toEqual([1, 1, 1, 1]);
    expect(alarms.filter((a) => a.MetricName === 'ApproximateAgeOfOldestMessage')).toHaveLength(3);
    expect(alarms.filter((a) => a.MetricName === 'Errors')).toHaveLength(2);
    stateless.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: Match.stringLikeRegexp('escalator.escalated'), MetricTransformations: [Match.objectLike({ MetricName: 'Breaches' })] });
    stateless.hasResourceProperties('AWS::SNS::Topic', { DisplayName: Match.anyValue() });
  });
});

describe('stateful resources', () => {
  it('three encrypted category queues with their DLQs (5 receives), and the timer DLQ', () => {
    stateful.resourceCountIs('AWS::SQS::Queue', 7);
    stateful.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    const redrives = Object.values(stateful.findResources('AWS::SQS::Queue')).filter((q) => (q.Properties as { RedrivePolicy?: unknown }).RedrivePolicy);
    expect(redrives).toHaveLength(3);
    for (const q of redrives) expect((q.Properties as { RedrivePolicy: { maxReceiveCount: number } }).RedrivePolicy.maxReceiveCount).toBe(MAX_RECEIVES);
  });

  it('the Scheduler group for SLA timers and the SES configuration set', () => {
    stateful.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'CaseRouting-dev-Stateful-timers' });
    stateful.resourceCountIs('AWS::SES::ConfigurationSet', 1);
  });
});
