/**
 * A stand-in for the Lambda Node.js runtime: one child `node` per function that imports the
 * handler from the function's built asset (the bytes `cdk deploy` would upload) and is invoked
 * over IPC, with exactly the environment the template gives the function plus what Lambda itself
 * sets (region, function name, credentials, `TZ=:UTC`, the task root). Only two things differ from
 * Lambda, both set up by a preload outside the function's code and environment:
 *  - the wall clock starts at the scenario's instant and runs at normal speed, so a run means the
 *    same whatever the day CI runs it (the month's first working day, deadlines passed);
 *  - HTTPS to Cognito's JWKS host goes to the suite's JWKS server (as the SDK's calls go to the
 *    local engines through AWS_ENDPOINT_URL_*, the standard SDK setting).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REGION, type FunctionDefinition } from './template';

/** Every function's secret access key (its access key id says whose call it is): what the suite checks their signatures with. */
export const LAMBDA_SECRET_KEY = 'local-secret';

export interface LocalEndpoints {
  dynamodb: string;
  sqs: string;
  sesv2: string;
  scheduler: string;
  s3: string;
  /** host:port of the JWKS server that answers for cognito-idp.<region>.amazonaws.com. */
  cognitoJwks: string;
}

export interface Invocation<T = unknown> {
  result?: T;
  error?: { errorType: string; errorMessage: string; stack?: string };
}

const RUNNER = `
const [file, name] = process.argv.slice(-2);
let handler;
process.on('message', async ({ id, event, context, clockOffsetMs }) => {
  if (clockOffsetMs !== undefined) return globalThis.__scenarioClock(clockOffsetMs);
  try {
    handler ??= (await import(file))[name];
    const deadline = Date.now() + context.timeoutMs;
    const result = await handler(event, { ...context, getRemainingTimeInMillis: () => deadline - Date.now() });
    process.send({ id, result: result === undefined ? null : result });
  } catch (err) {
    process.send({ id, error: { errorType: err?.name ?? 'Error', errorMessage: String(err?.message ?? err), stack: err?.stack } });
  }
});
process.send({ ready: true });
`;

function preload(clockOffsetMs: number, jwks: string): string {
  return `
import https from 'node:https';
import net from 'node:net';
let offset = ${clockOffsetMs};
globalThis.__scenarioClock = (ms) => { offset = ms; };
const RealDate = Date;
class ScenarioDate extends RealDate {
  constructor(...args) { if (args.length) super(...args); else super(RealDate.now() + offset); }
  static now() { return RealDate.now() + offset; }
}
globalThis.Date = ScenarioDate;
const [host, port] = ${JSON.stringify(jwks)}.split(':');
const agent = new https.Agent({ keepAlive: false });
const create = agent.createConnection.bind(agent);
agent.createConnection = (options, cb) =>
  /^cognito-idp\\.[a-z0-9-]+\\.amazonaws\\.com$/.test(options.host ?? options.hostname ?? '') ? net.connect({ host, port: Number(port) }, cb) : create(options, cb);
https.globalAgent = agent;
`;
}

export class LocalLambda {
  private child?: ChildProcess;
  private ready?: Promise<void>;
  private readonly pending = new Map<string, (r: Invocation) => void>();
  output = '';

  constructor(
    readonly fn: FunctionDefinition,
    /** The access key its calls are signed with: the suite's record of who called what. */
    readonly accessKeyId: string,
    private readonly endpoints: LocalEndpoints,
    /** Scenario time minus real time, the same for every function and the suite. */
    private clockOffsetMs: number,
    private readonly scratch: string,
  ) {}

  /** The environment of the function's process: the template's, and what Lambda adds. */
  environment(): Record<string, string> {
    return {
      ...this.fn.environment,
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_LAMBDA_FUNCTION_NAME: this.fn.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.fn.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${this.fn.name}`,
      AWS_EXECUTION_ENV: `AWS_Lambda_${this.fn.runtime}`,
      LAMBDA_TASK_ROOT: this.fn.assetDir,
      AWS_ACCESS_KEY_ID: this.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LAMBDA_SECRET_KEY,
      AWS_SESSION_TOKEN: 'local-session',
      // Lambda's own value: UTC, whatever the developer's machine says.
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      AWS_ENDPOINT_URL_DYNAMODB: this.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: this.endpoints.sqs,
      AWS_ENDPOINT_URL_SESV2: this.endpoints.sesv2,
      AWS_ENDPOINT_URL_SCHEDULER: this.endpoints.scheduler,
      // An IP endpoint: the SDK addresses buckets path-style (/<bucket>/<key>) by itself, no client option needed.
      AWS_ENDPOINT_URL_S3: this.endpoints.s3,
    };
  }

  private start(): Promise<void> {
    const [file, name] = this.fn.handler.split('.') as [string, string];
    const preloadFile = join(this.scratch, `${this.fn.logicalId}-preload.mjs`);
    writeFileSync(preloadFile, preload(this.clockOffsetMs, this.endpoints.cognitoJwks));
    const entry = pathToFileURL(join(this.fn.assetDir, `${file}.mjs`)).href;
    const child = spawn(process.execPath, ['--import', pathToFileURL(preloadFile).href, '--input-type=module', '--eval', RUNNER, entry, name], {
      cwd: this.fn.assetDir,
      env: this.environment(),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    const keep = (c: Buffer) => (this.output = (this.output + c.toString()).slice(-200_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return new Promise((resolve, reject) => {
      child.on('message', (m: { ready?: boolean; id?: string } & Invocation) => {
        if (m.ready) return resolve();
        if (m.id) this.pending.get(m.id)?.(m);
      });
      child.once('exit', (code) => {
        reject(new Error(`${this.fn.logicalId} exited with ${code}:\n${this.output}`));
        for (const done of this.pending.values()) done({ error: { errorType: 'Runtime.ExitError', errorMessage: `exited with ${code}` } });
      });
    });
  }

  async invoke<T = unknown>(event: unknown): Promise<Invocation<T>> {
    this.ready ??= this.start();
    await this.ready;
    const id = randomUUID();
    const context = {
      functionName: this.fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: this.fn.arn,
      memoryLimitInMB: String(this.fn.memoryMb),
      awsRequestId: id,
      logGroupName: `/aws/lambda/${this.fn.name}`,
      logStreamName: `local/${id}`,
      callbackWaitsForEmptyEventLoop: true,
      timeoutMs: this.fn.timeoutSeconds * 1000,
    };
    return new Promise((resolve) => {
      this.pending.set(id, (r) => {
        this.pending.delete(id);
        resolve(r as Invocation<T>);
      });
      this.child?.send({ id, event, context });
    });
  }

  /** Moves this function's clock (the suite moves every function's together). */
  setClock(offsetMs: number): void {
    this.clockOffsetMs = offsetMs;
    if (this.child && this.child.exitCode === null) this.child.send({ clockOffsetMs: offsetMs });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  }
}
