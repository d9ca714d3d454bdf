/**
 * The local stand-ins for AWS services that the suite starts besides DynamoDB Local: a recording
 * proxy in front of each engine (every SDK call, by the function whose credentials signed it, as
 * CloudTrail would list it), an EventBridge Scheduler that validates like the real API and keeps
 * what it was given, aws-ses-v2-local, and the Cognito user pool's JWKS with RS256 ID tokens.
 */
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACCOUNT, REGION } from './template';

export interface RecordedCall {
  /** The access key id that signed the request: whose call it was. */
  accessKeyId: string;
  /** IAM action, e.g. dynamodb:PutItem (a batch counts as its single action, as IAM does). */
  action: string;
  /** The ARNs IAM would authorize the call against. */
  resources: string[];
}

export type Recorder = (call: RecordedCall) => void;

const listen = (server: Server) =>
  new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
export const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The access key of a SigV4 Authorization header. */
export function accessKeyOf(req: IncomingMessage): string {
  return /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '(unsigned)';
}

const BATCH_ACTIONS: Record<string, string> = { SendMessageBatch: 'SendMessage', DeleteMessageBatch: 'DeleteMessage', ChangeMessageVisibilityBatch: 'ChangeMessageVisibility', BatchGetItem: 'BatchGetItem', BatchWriteItem: 'BatchWriteItem' };

/** What IAM sees in a request to DynamoDB, SQS or SES v2. */
export type Describe = (req: IncomingMessage, payload: Buffer) => { action: string; resources: string[] } | undefined;

export const describeDynamo: Describe = (req, payload) => {
  const op = String(req.headers['x-amz-target'] ?? '').split('.')[1];
  if (!op) return undefined;
  const b = JSON.parse(payload.toString() || '{}') as { TableName?: string; IndexName?: string };
  const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${b.TableName ?? '*'}`;
  return { action: `dynamodb:${op}`, resources: [b.IndexName ? `${table}/index/${b.IndexName}` : table] };
};

export const describeSqs: Describe = (req, payload) => {
  const op = String(req.headers['x-amz-target'] ?? '').split('.')[1];
  if (!op) return undefined;
  const b = JSON.parse(payload.toString() || '{}') as { QueueUrl?: string; QueueName?: string };
  const name = b.QueueName ?? (b.QueueUrl ? new URL(b.QueueUrl).pathname.split('/').pop() : '*');
  return { action: `sqs:${BATCH_ACTIONS[op] ?? op}`, resources: [`arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`] };
};

export const describeSes: Describe = (req, payload) => {
  if (req.method !== 'POST' || req.url !== '/v2/email/outbound-emails') return undefined;
  const b = JSON.parse(payload.toString() || '{}') as { FromEmailAddress?: string; ConfigurationSetName?: string };
  const address = /<([^>]+)>\s*$/.exec(b.FromEmailAddress ?? '')?.[1] ?? b.FromEmailAddress ?? '';
  // SES authorizes the sending identity (the address, or its domain) and the configuration set.
  return {
    action: 'ses:SendEmail',
    resources: [`arn:aws:ses:${REGION}:${ACCOUNT}:identity/${address}`, ...(b.ConfigurationSetName ? [`arn:aws:ses:${REGION}:${ACCOUNT}:configuration-set/${b.ConfigurationSetName}`] : [])],
  };
};

/**
 * An HTTP proxy to `target` that records each call it passes on. `rewrite` maps the request body
 * first (SQS: the queue URLs the functions were given, on this proxy's origin as on AWS they are
 * on the endpoint's, become the engine's own).
 */
export async function recordingProxy(target: string, describe: Describe, record: Recorder, now: () => number, rewrite: (payload: Buffer) => Buffer = (p) => p): Promise<{ url: string; close(): Promise<void> }> {
  const to = new URL(target);
  const server = createServer((req, res) => {
    void body(req).then((original) => {
      const payload = rewrite(original);
      const d = describe(req, payload);
      if (d) record({ accessKeyId: accessKeyOf(req), ...d });
      const forward = request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host, 'content-length': String(payload.byteLength) } },
        (upstream) => {
          // The scenario's time, as the functions' clocks read it: the SDK corrects a skewed clock from this header (and retries).
          res.writeHead(upstream.statusCode ?? 502, { ...upstream.headers, date: new Date(now()).toUTCString() });
          upstream.pipe(res);
        },
      );
      forward.on('error', (err) => {
        res.writeHead(502);
        res.end(String(err));
      });
      forward.end(payload);
    });
  });
  const url = await listen(server);
  return { url, close: () => close(server) };
}

// ─── EventBridge Scheduler ────────────────────────────────────────────────────────────────────

export interface StoredSchedule {
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  FlexibleTimeWindow: { Mode: string; MaximumWindowInMinutes?: number };
  Target: { Arn: string; RoleArn: string; Input?: string; RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number }; DeadLetterConfig?: { Arn?: string } };
  ActionAfterCompletion?: string;
  State?: string;
  Description?: string;
}

class SchedulerError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone').concat(['UTC', 'Etc/UTC']));

/** The checks the real CreateSchedule / UpdateSchedule make (API reference, Scheduler), in its words. */
export function validateSchedule(name: string, s: Partial<StoredSchedule>, groups: ReadonlySet<string>): void {
  const invalid = (m: string) => new SchedulerError(400, 'ValidationException', m);
  if (name.length < 1 || name.length > 64 || !/^[0-9a-zA-Z\-_.]+$/.test(name)) throw invalid(`1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+ and length 1-64`);
  const group = s.GroupName ?? 'default';
  if (!/^[0-9a-zA-Z\-_.]{1,64}$/.test(group)) throw invalid(`Value '${group}' at 'groupName' failed to satisfy constraint`);
  const expr = s.ScheduleExpression ?? '';
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expr);
  if (at) {
    const [, y, mo, d, h, mi, se] = at.map(Number) as number[];
    const date = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, se));
    if (date.getUTCMonth() !== (mo ?? 1) - 1 || date.getUTCDate() !== d || (h ?? 0) > 23 || (mi ?? 0) > 59 || (se ?? 0) > 59) throw invalid(`Invalid Schedule Expression ${expr}.`);
  } else if (!/^rate\(\d+ (minute|minutes|hour|hours|day|days)\)$/.test(expr) && !/^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/.test(expr)) {
    throw invalid(`Invalid Schedule Expression ${expr}.`);
  }
  if (s.ScheduleExpressionTimezone !== undefined && !TIME_ZONES.has(s.ScheduleExpressionTimezone)) throw invalid(`Invalid time zone ${s.ScheduleExpressionTimezone}.`);
  const w = s.FlexibleTimeWindow;
  if (!w) throw invalid("1 validation error detected: Value null at 'flexibleTimeWindow' failed to satisfy constraint: Member must not be null");
  if (w.Mode !== 'OFF' && w.Mode !== 'FLEXIBLE') throw invalid(`Value '${w.Mode}' at 'flexibleTimeWindow.mode' failed to satisfy constraint: Member must satisfy enum value set: [OFF, FLEXIBLE]`);
  if (w.Mode === 'FLEXIBLE' && !(Number.isInteger(w.MaximumWindowInMinutes) && (w.MaximumWindowInMinutes ?? 0) >= 1 && (w.MaximumWindowInMinutes ?? 0) <= 1440)) throw invalid('MaximumWindowInMinutes must be 1-1440 with Mode FLEXIBLE');
  const t = s.Target;
  if (!t?.Arn || t.Arn.length > 1600) throw invalid("Value null at 'target.arn' failed to satisfy constraint");
  if (!/^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(t.RoleArn ?? '')) throw invalid(`Value '${t.RoleArn}' at 'target.roleArn' failed to satisfy constraint`);
  if (t.Input !== undefined && (t.Input.length < 1 || t.Input.length > 8192)) throw invalid("Value at 'target.input' failed to satisfy constraint: Member must have length less than or equal to 8192");
  const r = t.RetryPolicy;
  if (r?.MaximumRetryAttempts !== undefined && (r.MaximumRetryAttempts < 0 || r.MaximumRetryAttempts > 185)) throw invalid('MaximumRetryAttempts must be 0-185');
  if (r?.MaximumEventAgeInSeconds !== undefined && (r.MaximumEventAgeInSeconds < 60 || r.MaximumEventAgeInSeconds > 86_400)) throw invalid('MaximumEventAgeInSeconds must be 60-86400');
  if (s.Description !== undefined && s.Description.length > 512) throw invalid('Description must be at most 512 characters');
  if (s.ActionAfterCompletion !== undefined && !['NONE', 'DELETE'].includes(s.ActionAfterCompletion)) throw invalid('ActionAfterCompletion must be NONE or DELETE');
  if (s.State !== undefined && !['ENABLED', 'DISABLED'].includes(s.State)) throw invalid('State must be ENABLED or DISABLED');
  if (!groups.has(group)) throw new SchedulerError(404, 'ResourceNotFoundException', `Schedule group ${group} does not exist.`);
}

export interface SchedulerStandIn {
  url: string;
  /** Schedules in force, by `${group}/${name}`. */
  schedules: Map<string, StoredSchedule>;
  /** Every request, in order, with the outcome. */
  log: { op: string; name: string; status: number; by: string }[];
  close(): Promise<void>;
}

/** EventBridge Scheduler's REST API (CreateSchedule, UpdateSchedule, DeleteSchedule, GetSchedule) for the groups given. */
export async function startScheduler(groups: ReadonlySet<string>, record: Recorder, now: () => number): Promise<SchedulerStandIn> {
  const schedules = new Map<string, StoredSchedule>();
  const log: SchedulerStandIn['log'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void body(req).then((payload) => {
      const url = new URL(req.url ?? '/', 'http://scheduler');
      const m = /^\/schedules\/([^/]+)$/.exec(url.pathname);
      const name = decodeURIComponent(m?.[1] ?? '');
      const op = ({ POST: 'CreateSchedule', PUT: 'UpdateSchedule', DELETE: 'DeleteSchedule', GET: 'GetSchedule' } as Record<string, string>)[req.method ?? ''] ?? '?';
      const input = payload.length ? (JSON.parse(payload.toString()) as Partial<StoredSchedule>) : {};
      const group = input.GroupName ?? url.searchParams.get('groupName') ?? 'default';
      const key = `${group}/${name}`;
      const scheduleArn = `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${group}/${name}`;
      const reply = (status: number, out: object, type?: string) => {
        log.push({ op, name, status, by: accessKeyOf(req) });
        res.writeHead(status, { 'content-type': 'application/json', date: new Date(now()).toUTCString(), ...(type && { 'x-amzn-errortype': type }) });
        res.end(JSON.stringify(type ? { message: (out as { message: string }).message } : out));
      };
      try {
        if (!m) throw new SchedulerError(404, 'UnknownOperationException', `no route ${req.method} ${url.pathname}`);
        record({ accessKeyId: accessKeyOf(req), action: `scheduler:${op}`, resources: [scheduleArn] });
        if (op === 'CreateSchedule' || op === 'UpdateSchedule') {
          validateSchedule(name, input, groups);
          // Handing Scheduler a role is iam:PassRole on that role, checked with the caller's policies.
          record({ accessKeyId: accessKeyOf(req), action: 'iam:PassRole', resources: [input.Target?.RoleArn ?? ''] });
          if (op === 'CreateSchedule' && schedules.has(key)) throw new SchedulerError(409, 'ConflictException', `Schedule ${name} already exists.`);
          if (op === 'UpdateSchedule' && !schedules.has(key)) throw new SchedulerError(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
          schedules.set(key, { ...(input as StoredSchedule), Name: name, GroupName: group });
          return reply(200, { ScheduleArn: scheduleArn });
        }
        if (!groups.has(group)) throw new SchedulerError(404, 'ResourceNotFoundException', `Schedule group ${group} does not exist.`);
        const found = schedules.get(key);
        if (!found) throw new SchedulerError(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
        if (op === 'DeleteSchedule') {
          schedules.delete(key);
          return reply(200, {});
        }
        return reply(200, { ...found, Arn: scheduleArn });
      } catch (err) {
        if (err instanceof SchedulerError) return reply(err.status, { message: err.message }, err.type);
        return reply(500, { message: String(err) }, 'InternalServerException');
      }
    });
  });
  const url = await listen(server);
  return { url, schedules, log, close: () => close(server) };
}

// ─── aws-ses-v2-local ─────────────────────────────────────────────────────────────────────────

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  attachments: { filename?: string; contentType?: string; content: string }[];
  headers?: { name: string; value: string }[];
}

export async function startSes(): Promise<{ url: string; emails(): Promise<StoredEmail[]>; close(): Promise<void> }> {
  const { default: server } = (await import('aws-ses-v2-local')) as unknown as { default: (c: { host: string; port: number }) => Promise<Server> };
  const s = await server({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return {
    url,
    emails: async () => ((await (await fetch(`${url}/store`)).json()) as { emails: StoredEmail[] }).emails,
    close: () => close(s),
  };
}

// ─── Cognito: the pool's JWKS and its ID tokens ───────────────────────────────────────────────

export interface CognitoStandIn {
  /** Serves `/<poolId>/.well-known/jwks.json`, where Cognito serves it on cognito-idp.<region>.amazonaws.com. */
  url: string;
  issuer: string;
  jwks: { keys: Record<string, string>[] };
  /** An ID token as Cognito issues it to a user of the pool signed in through the app client. */
  idToken(user: { sub: string; groups: string[]; office?: string }, nowSeconds: number): string;
  close(): Promise<void>;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export async function startCognito(userPoolId: string, clientId: string): Promise<CognitoStandIn> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url').slice(0, 43);
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid, alg: 'RS256', use: 'sig' };
  const jwks = { keys: [jwk] };
  const issuer = `https://cognito-idp.${REGION}.amazonaws.com/${userPoolId}`;
  const server = createServer((req, res) => {
    if (req.url === `/${userPoolId}/.well-known/jwks.json`) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(jwks));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  const url = await listen(server);
  return {
    url,
    issuer,
    jwks,
    idToken: (user, now) => signJwt(privateKey, kid, {
      sub: user.sub,
      'cognito:groups': user.groups,
      ...(user.office && { 'custom:office': user.office }),
      email_verified: true,
      iss: issuer,
      'cognito:username': user.sub,
      origin_jti: randomUUID(),
      aud: clientId,
      event_id: randomUUID(),
      token_use: 'id',
      auth_time: now - 60,
      exp: now + 3600,
      iat: now - 60,
      jti: randomUUID(),
      email: `${user.sub}@union.example.org`,
    }),
    close: () => close(server),
  };
}

function signJwt(key: KeyObject, kid: string, payload: Record<string, unknown>): string {
  const input = `${b64url(JSON.stringify({ kid, alg: 'RS256' }))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`;
}
