/**
 * What stands between a client and the functions on AWS, as the template defines it: the HTTP
 * API's routes and JWT authorizer turning a request into a payload-2.0 event (and the function's
 * result back into a response), and the SQS event source mapping turning queued messages into
 * batches with partial batch responses.
 */
import { createHash, createPublicKey, randomUUID, verify } from 'node:crypto';
import type { SQSClient} from '@aws-sdk/client-sqs';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LocalLambda } from './lambda';
import { ACCOUNT, REGION, type CloudAssembly } from './template';

interface Route {
  method: string;
  path: string;
  key: string;
  jwt: boolean;
}

export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  cookies: string[];
  bytes: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

export interface GatewayRequest {
  headers?: Record<string, string>;
  /** A string body, or bytes (multipart). */
  body?: string | Buffer;
  sourceIp?: string;
}

/** `[a b]`: how API Gateway's JWT authorizer hands an array claim to the integration. */
export const stringifyClaim = (v: unknown): string => (Array.isArray(v) ? `[${v.join(' ')}]` : String(v));

export class HttpApiGateway {
  readonly routes: Route[];
  private readonly issuer: string;
  private readonly audience: string[];

  constructor(
    assembly: CloudAssembly,
    private readonly fn: LocalLambda,
    private readonly jwks: { keys: Record<string, string>[] },
    private readonly now: () => number,
  ) {
    const authorizers = assembly.resources('AWS::ApiGatewayV2::Authorizer');
    if (authorizers.length !== 1) throw new Error(`expected one authorizer, found ${authorizers.length}`);
    const [a] = authorizers as [(typeof authorizers)[number]];
    const jwt = assembly.resolve(a.stack, a.resource.Properties?.JwtConfiguration) as { Audience: string[]; Issuer: string };
    if (a.resource.Properties?.AuthorizerType !== 'JWT') throw new Error('the authorizer is not a JWT authorizer');
    this.issuer = jwt.Issuer;
    this.audience = jwt.Audience;
    this.routes = assembly.resources('AWS::ApiGatewayV2::Route').map(({ resource }) => {
      const key = resource.Properties?.RouteKey as string;
      const [method, path] = key.split(' ') as [string, string];
      return { method, path, key, jwt: resource.Properties?.AuthorizationType === 'JWT' };
    });
  }

  /** The route API Gateway picks: exact method over ANY, then the most literal path, greedy last. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const candidates = this.routes
      .map((route) => ({ route, params: matchPath(route.path, path) }))
      .filter((c): c is { route: Route; params: Record<string, string> } => c.params !== undefined && (c.route.method === method || c.route.method === 'ANY'));
    const score = (r: Route) => [r.method === 'ANY' ? 1 : 0, r.path.includes('+}') ? 1 : 0, -r.path.split('/').filter((s) => s && !s.startsWith('{')).length, (r.path.match(/\{/g) ?? []).length];
    candidates.sort((a, b) => {
      const x = score(a.route);
      const y = score(b.route);
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
      return 0;
    });
    return candidates[0];
  }

  async request(method: string, target: string, req: GatewayRequest = {}): Promise<GatewayResponse> {
    const url = new URL(target, 'https://api.local');
    const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const found = this.match(method, url.pathname);
    if (!found) return response(404, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Not Found' }));
    let claims: Record<string, string> | undefined;
    if (found.route.jwt) {
      const verified = this.authorize(headers.authorization);
      if (!verified) return response(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }, JSON.stringify({ message: 'Unauthorized' }));
      claims = Object.fromEntries(Object.entries(verified).map(([k, v]) => [k, stringifyClaim(v)]));
    }
    const type = headers['content-type'] ?? '';
    const raw = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
    // HTTP APIs pass text bodies as they are and base64-encode the rest (forms, multipart, binary).
    const textual = /^(application\/json|text\/)/i.test(type);
    const now = this.now();
    const cookies = headers.cookie?.split(/;\s*/).filter(Boolean);
    delete headers.cookie;
    const query = new URLSearchParams(url.search);
    const queryParams: Record<string, string> = {};
    for (const [k, v] of query) queryParams[k] = k in queryParams ? `${queryParams[k]},${v}` : v;
    const sourceIp = req.sourceIp ?? '203.0.113.10';
    const event: APIGatewayProxyEventV2 & { requestContext: { authorizer?: unknown } } = {
      version: '2.0',
      routeKey: found.route.key,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      ...(cookies?.length && { cookies }),
      headers: { host: 'api.local', 'x-forwarded-for': sourceIp, 'x-forwarded-proto': 'https', 'x-forwarded-port': '443', 'user-agent': 'aws-suite', ...(raw && { 'content-length': String(raw.byteLength) }), ...headers },
      ...(Object.keys(queryParams).length && { queryStringParameters: queryParams }),
      ...(Object.keys(found.params).length && { pathParameters: found.params }),
      requestContext: {
        accountId: ACCOUNT,
        apiId: 'localapi',
        ...(claims && { authorizer: { jwt: { claims, scopes: null } } }),
        domainName: 'api.local',
        domainPrefix: 'api',
        http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp, userAgent: 'aws-suite' },
        requestId: randomUUID(),
        routeKey: found.route.key,
        stage: '$default',
        time: new Date(now).toUTCString(),
        timeEpoch: now,
      },
      ...(raw && { body: textual ? raw.toString('utf8') : raw.toString('base64') }),
      isBase64Encoded: Boolean(raw && !textual),
    } as APIGatewayProxyEventV2;
    const out = await this.fn.invoke<APIGatewayProxyStructuredResultV2>(event);
    if (out.error || !out.result) return response(500, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Internal Server Error', cause: out.error }));
    const r = out.result;
    const bytes = r.body === undefined ? Buffer.alloc(0) : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : Buffer.from(r.body, 'utf8');
    const res = response(r.statusCode ?? 200, Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])), bytes);
    res.cookies.push(...(r.cookies ?? []));
    return res;
  }

  /** The JWT authorizer: RS256 against the pool's JWKS, issuer, audience (or client_id), expiry. */
  private authorize(header: string | undefined): Record<string, unknown> | undefined {
    const token = header?.replace(/^Bearer /i, '');
    const [h, p, s] = token?.split('.') ?? [];
    if (!h || !p || !s) return undefined;
    const head = JSON.parse(Buffer.from(h, 'base64url').toString()) as { kid?: string; alg?: string };
    const jwk = this.jwks.keys.find((k) => k.kid === head.kid);
    if (!jwk || head.alg !== 'RS256') return undefined;
    if (!verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url'))) return undefined;
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const aud = [claims.aud ?? claims.client_id].flat();
    if (claims.iss !== this.issuer || !aud.some((a) => this.audience.includes(String(a))) || Number(claims.exp) * 1000 <= this.now()) return undefined;
    return claims;
  }
}

function matchPath(template: string, path: string): Record<string, string> | undefined {
  const t = template.split('/').filter(Boolean);
  const p = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const seg = t[i] as string;
    const greedy = /^\{(.+)\+\}$/.exec(seg);
    if (greedy) {
      if (i >= p.length) return undefined;
      params[greedy[1] as string] = p.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const part = p[i];
    if (part === undefined) return undefined;
    const param = /^\{(.+)\}$/.exec(seg);
    if (param) params[param[1] as string] = decodeURIComponent(part);
    else if (seg !== part) return undefined;
  }
  return t.length === p.length ? params : undefined;
}

function response(status: number, headers: Record<string, string>, body: string | Buffer): GatewayResponse {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return { status, headers, cookies: [], bytes, text: () => bytes.toString('utf8'), json: <T>() => JSON.parse(bytes.toString('utf8')) as T };
}

// ─── SQS event source mapping ─────────────────────────────────────────────────────────────────

export interface MappingRun {
  records: SQSRecord[];
  response: SQSBatchResponse | null;
  error?: string;
  deleted: string[];
}

/**
 * Lambda's SQS poller for one mapping of the template: receives a batch with the function's
 * credentials, invokes the function, deletes what the partial batch response does not name.
 */
export class SqsEventSourceMapping {
  constructor(
    private readonly sqs: SQSClient,
    readonly queueUrl: string,
    readonly queueArn: string,
    readonly batchSize: number,
    readonly reportBatchItemFailures: boolean,
    private readonly fn: LocalLambda,
  ) {}

  static async check(sqs: SQSClient, queueUrl: string): Promise<void> {
    // Lambda checks the queue when the mapping is created.
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn', 'VisibilityTimeout', 'RedrivePolicy'] }));
  }

  /** One poll; returns undefined when the queue had nothing. */
  async poll(): Promise<MappingRun | undefined> {
    const out = await this.sqs.send(new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: this.batchSize, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'], WaitTimeSeconds: 0 }));
    const messages = out.Messages ?? [];
    if (!messages.length) return undefined;
    return this.deliver(messages.map((m) => this.record(m)));
  }

  record(m: Message): SQSRecord {
    const a = m.Attributes ?? {};
    return {
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
        SentTimestamp: a.SentTimestamp ?? String(Date.now()),
        SenderId: a.SenderId ?? 'AROAEXAMPLE:api',
        ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? createHash('md5').update(m.Body ?? '').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: this.queueArn,
      awsRegion: REGION,
    };
  }

  /** Invokes the function with these records as one batch; deletes the ones it did not report failed. */
  async deliver(records: SQSRecord[]): Promise<MappingRun> {
    const event: SQSEvent = { Records: records };
    const out = await this.fn.invoke<SQSBatchResponse>(event);
    if (out.error) return { records, response: null, error: `${out.error.errorType}: ${out.error.errorMessage}`, deleted: [] };
    const failed = new Set((out.result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    const done = records.filter((r) => !failed.has(r.messageId));
    if (done.length) {
      await this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }));
    }
    return { records, response: out.result ?? null, deleted: done.map((r) => r.messageId) };
  }
}
