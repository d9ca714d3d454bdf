import { Agent, request } from 'node:http';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/**
 * A closed-loop HTTP load generator: `connections` keep-alive connections, each sending the next
 * request as soon as the previous answer is read. It runs in a worker thread so the client does
 * not share the event loop with the servers under test.
 */
export interface LoadOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Any other status, or a failed request, counts as an error. */
  expectStatus: number;
}

export interface LoadResult {
  /** Requests answered in the measured window, errors included. */
  requests: number;
  errors: number;
  /** Error count by status code or error code. */
  errorKinds: Record<string, number>;
  /** First error body or message, for diagnosis. */
  firstError?: string;
  /** Successful (expected-status) responses per second. */
  rps: number;
  /** Latency of successful requests, milliseconds. */
  p50: number;
  p99: number;
  elapsedMs: number;
}

interface Outcome {
  status?: number;
  error?: string;
  text?: string;
}

/** Runs the load in a worker thread (this same module, loaded through tsx) and resolves with its result. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)}))`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(boot, { eval: true, workerData: { load: options } });
    worker.once('message', (result: LoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`load worker exited with code ${code} before reporting`)));
  });
}

async function generate(o: LoadOptions): Promise<LoadResult> {
  const url = new URL(o.url);
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const body = o.body === undefined ? undefined : Buffer.from(o.body);
  const headers = { ...o.headers, ...(body && { 'content-length': String(body.length) }) };

  const send = (): Promise<Outcome> =>
    new Promise((done) => {
      const req = request(url, { method: o.method ?? 'POST', agent, headers }, (res) => {
        const status = res.statusCode ?? 0;
        if (status === o.expectStatus) {
          res.on('end', () => done({ status })).resume();
          return;
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done({ status, text }));
      });
      req.on('error', (err: NodeJS.ErrnoException) => done({ error: err.code ?? err.message }));
      req.end(body);
    });

  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  let firstError: string | undefined;
  let errors = 0;
  const start = performance.now();
  const measureFrom = start + o.warmupMs;
  const end = measureFrom + o.durationMs;
  let lastDone = measureFrom;

  const connection = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const out = await send();
      const t1 = performance.now();
      if (t0 < measureFrom) continue;
      lastDone = Math.max(lastDone, t1);
      if (out.status === o.expectStatus) {
        latencies.push(t1 - t0);
        continue;
      }
      errors++;
      const kind = out.error ?? String(out.status);
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
      firstError ??= `${kind}: ${(out.text ?? '').slice(0, 300)}`;
    }
  };
  await Promise.all(Array.from({ length: o.connections }, connection));
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
  const elapsedMs = lastDone - measureFrom;
  const requests = latencies.length + errors;
  return { requests, errors, errorKinds, firstError, rps: (latencies.length * 1000) / elapsedMs, p50: pct(50), p99: pct(99), elapsedMs };
}

if (!isMainThread && (workerData as { load?: LoadOptions } | null)?.load) {
  const options = (workerData as { load: LoadOptions }).load;
  parentPort?.postMessage(await generate(options));
}
