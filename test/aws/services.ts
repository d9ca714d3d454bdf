/**
 * The local stand-ins for AWS services that the suite starts besides DynamoDB Local: a recording
 * proxy in front of each engine (every SDK call, by the function whose credentials signed it, as
 * CloudTrail would list it), an EventBridge Scheduler that validates like the real API and keeps
 * what it was given, aws-ses-v2-local, and the Cognito user pool's JWKS with RS256 ID tokens.
 */
import { createHash, createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
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

/** The access key of a SigV4 Authorization header, or of a presigned URL's X-Amz-Credential (IAM authorizes a presigned request as its signer's). */
export function accessKeyOf(req: IncomingMessage): string {
  const presigned = new URL(req.url ?? '/', 'http://local').searchParams.get('X-Amz-Credential');
  return /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? presigned?.split('/')[0] ?? '(unsigned)';
}

const BATCH_ACTIONS: Record<string, string> = { SendMessageBatch: 'SendMessage', DeleteMessageBatch: 'DeleteMessage', ChangeMessageVisibilityBatch: 'ChangeMessageVisibility', BatchGetItem: 'BatchGetItem', BatchWriteItem: 'BatchWriteItem' };

/** What IAM sees in a request to DynamoDB, SQS or SES v2 (some requests are two actions: a copy reads one object and writes another). */
export type Describe = (req: IncomingMessage, payload: Buffer) => { action: string; resources: string[] } | { action: string; resources: string[] }[] | undefined;

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

const SUBRESOURCES = ['acl', 'tagging', 'uploads', 'uploadId', 'retention', 'legal-hold', 'attributes', 'restore', 'select', 'torrent'];

/** S3 on path-style URLs (`/<bucket>/<key>`, as the SDK addresses an IP endpoint): object calls on `arn:aws:s3:::<bucket>/<key>`, bucket calls on the bucket. */
export const describeS3: Describe = (req) => {
  const url = new URL(req.url ?? '/', 'http://s3');
  const [, bucket = '', ...rest] = url.pathname.split('/');
  const key = rest.map(decodeURIComponent).join('/');
  if (!bucket) return { action: 's3:ListAllMyBuckets', resources: ['*'] };
  if (!key) {
    // DeleteObjects (POST ?delete) is authorized as s3:DeleteObject on each key; the suite's functions don't send it, so it counts on the bucket.
    if (req.method === 'POST' && url.searchParams.has('delete')) return { action: 's3:DeleteObject', resources: [`arn:aws:s3:::${bucket}/*`] };
    const bucketAction = ({ PUT: 'CreateBucket', DELETE: 'DeleteBucket', GET: 'ListBucket', HEAD: 'ListBucket' } as Record<string, string>)[req.method ?? ''] ?? `?${req.method}`;
    return { action: `s3:${bucketAction}`, resources: [`arn:aws:s3:::${bucket}`] };
  }
  const object = `arn:aws:s3:::${bucket}/${key}`;
  // A subresource (tagging, ACLs, multipart uploads…) is another IAM action: shown as unknown, so the IAM test names it.
  const sub = SUBRESOURCES.find((q) => url.searchParams.has(q));
  if (sub) return { action: `s3:?${req.method} ?${sub}`, resources: [object] };
  const action = ({ PUT: 'PutObject', GET: 'GetObject', HEAD: 'GetObject', DELETE: 'DeleteObject' } as Record<string, string>)[req.method ?? ''] ?? `?${req.method}`;
  // CopyObject is authorized as PutObject on the target and GetObject on the source.
  const source = req.method === 'PUT' ? req.headers['x-amz-copy-source'] : undefined;
  if (typeof source === 'string') return [{ action: 's3:PutObject', resources: [object] }, { action: 's3:GetObject', resources: [`arn:aws:s3:::${decodeURIComponent(source).replace(/^\//, '').replace(/\?.*$/, '')}`] }];
  return { action: `s3:${action}`, resources: [object] };
};

// ─── S3 browser-based uploads (POST Object with a policy) ────────────────────────────────────

export interface CorsRule {
  AllowedMethods: string[];
  AllowedOrigins: string[];
}

const s3Error = (status: number, code: string, message: string, cors: Record<string, string>) => ({
  status,
  headers: { 'content-type': 'application/xml', ...cors },
  body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
});

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * S3's POST Object for browsers, which fauxqs (1.9) does not speak: `POST /<bucket>` with a
 * multipart form of fields and the file. Held to what S3 checks (AWS docs, "Browser-based uploads
 * using POST" and "Creating a POST policy"): the SigV4 signature of the policy with the signer's
 * secret key, the policy's expiration, every condition (exact, starts-with, content-length-range
 * on the file) and no form field the policy does not cover; the CORS headers from the bucket's
 * rules. Accepted, the object is put into the engine (Content-Type and x-amz-meta-* from the
 * form) and the call recorded as s3:PutObject by the signer, as IAM authorizes it. 204 like S3.
 */
export function s3BrowserPost(options: { bucket: string; cors: CorsRule[]; secretOf: (accessKeyId: string) => string | undefined; put: (o: { key: string; body: Buffer; contentType?: string; metadata: Record<string, string> }) => Promise<void>; record: Recorder; now: () => number }) {
  return async (req: IncomingMessage, payload: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://s3');
    if (req.method !== 'POST' || url.pathname.replace(/\/$/, '') !== `/${options.bucket}` || !/^multipart\/form-data/i.test(String(req.headers['content-type'] ?? ''))) return undefined;
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const allowed = origin && options.cors.some((r) => r.AllowedMethods.includes('POST') && r.AllowedOrigins.includes(origin));
    const cors: Record<string, string> = allowed ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
    const form = await new Response(payload, { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
    const fields = new Map<string, string>();
    let file: File | undefined;
    for (const [name, value] of form) {
      if (typeof value === 'string') fields.set(name.toLowerCase(), value);
      else if (name === 'file') file = value;
    }
    if (!file) return s3Error(400, 'InvalidArgument', 'POST requires exactly one file upload per request.', cors);
    const policyText = fields.get('policy') ?? '';
    const credential = fields.get('x-amz-credential') ?? '';
    const [accessKeyId = '', date = '', region = '', service = ''] = credential.split('/');
    const secret = options.secretOf(accessKeyId);
    if (!secret || fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') return s3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', cors);
    const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
    if (hmac(signingKey, policyText).toString('hex') !== fields.get('x-amz-signature')) return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.', cors);
    const policy = JSON.parse(Buffer.from(policyText, 'base64').toString('utf8')) as { expiration: string; conditions: (Record<string, string> | [string, string | number, string | number])[] };
    if (Date.parse(policy.expiration) < options.now()) return s3Error(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.', cors);
    const covered = new Set(['policy', 'x-amz-signature', 'file']);
    const value = (f: string) => (f.toLowerCase() === 'bucket' ? options.bucket : fields.get(f.toLowerCase()));
    for (const c of policy.conditions) {
      if (Array.isArray(c)) {
        const [op, a, b] = c;
        if (op === 'content-length-range') {
          if (file.size < Number(a) || file.size > Number(b)) return s3Error(400, file.size > Number(b) ? 'EntityTooLarge' : 'EntityTooSmall', 'Your proposed upload exceeds the maximum allowed size', cors);
          continue;
        }
        const field = String(a).replace(/^\$/, '').toLowerCase();
        covered.add(field);
        const v = value(field) ?? '';
        if ((op === 'eq' && v !== b) || (op === 'starts-with' && !v.startsWith(String(b)))) return s3Error(403, 'AccessDenied', `Invalid according to Policy: Policy Condition failed: ["${op}", "$${field}", "${String(b)}"]`, cors);
      } else {
        const [[field, expected] = ['', '']] = Object.entries(c);
        covered.add(field.toLowerCase());
        if (value(field) !== expected) return s3Error(403, 'AccessDenied', `Invalid according to Policy: Policy Condition failed: ["eq", "$${field}", "${expected}"]`, cors);
      }
    }
    const extra = [...fields.keys()].filter((f) => !covered.has(f) && !f.startsWith('x-ignore-'));
    if (extra.length) return s3Error(403, 'AccessDenied', `Invalid according to Policy: Extra input fields: ${extra.join(', ')}`, cors);
    const key = fields.get('key') ?? '';
    options.record({ accessKeyId, action: 's3:PutObject', resources: [`arn:aws:s3:::${options.bucket}/${key}`] });
    const metadata = Object.fromEntries([...fields].filter(([f]) => f.startsWith('x-amz-meta-')).map(([f, v]) => [f.slice('x-amz-meta-'.length), v]));
    await options.put({ key, body: Buffer.from(await file.arrayBuffer()), ...(fields.has('content-type') && { contentType: fields.get('content-type') }), metadata });
    return { status: 204, headers: cors, body: '' };
  };
}

/** The proxy has read the whole body already (Node answered any `Expect: 100-continue`): the engine gets it in one piece. */
function withoutExpect(headers: IncomingMessage['headers']): IncomingMessage['headers'] {
  const { expect: _expect, ...rest } = headers;
  return rest;
}

/**
 * An HTTP proxy to `target` that records each call it passes on. `rewrite` maps the request body
 * first (SQS: the queue URLs the functions were given, on this proxy's origin as on AWS they are
 * on the endpoint's, become the engine's own).
 */
export async function recordingProxy(
  target: string,
  describe: Describe,
  record: Recorder,
  now: () => number,
  rewrite: (payload: Buffer) => Buffer = (p) => p,
  /** Answers a request the engine does not speak itself (S3's browser POST), or undefined to pass it on. */
  intercept?: (req: IncomingMessage, payload: Buffer) => Promise<{ status: number; headers: Record<string, string>; body: string } | undefined>,
): Promise<{ url: string; close(): Promise<void> }> {
  const to = new URL(target);
  const server = createServer((req, res) => {
    void body(req).then(async (original) => {
      const own = await intercept?.(req, original);
      if (own) {
        res.writeHead(own.status, { ...own.headers, date: new Date(now()).toUTCString() });
        res.end(own.body);
        return;
      }
      const payload = rewrite(original);
      const d = describe(req, payload);
      for (const one of [d ?? []].flat()) record({ accessKeyId: accessKeyOf(req), ...one });
      const forward = request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...withoutExpect(req.headers), host: to.host, 'content-length': String(payload.byteLength) } },
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
