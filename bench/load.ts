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

/** One run's raw figures; several runs of the same endpoint are summarised together. */
export interface LoadSample {
  /** Latencies of successful requests, milliseconds. */
  latencies: number[];
  errors: number;
  errorKinds: Record<string, number>;
  firstError?: string;
  elapsedMs: number;
}

interface Outcome {
  status?: number;
  error?: string;
  text?: string;
}

/** Runs the load in a worker thread (this same module, loaded through tsx) and resolves with its raw figures. */
export function runLoad(options: LoadOptions): Promise<LoadSample> {
  return runInWorker<LoadSample>(import.meta.url, { load: options });
}

/**
 * Loads `moduleUrl` through tsx in a new worker thread with `data` as its workerData and resolves with the first
 * message it posts; the module decides from `workerData` what to run.
 */
export function runInWorker<T>(moduleUrl: string, data: Record<string, unknown>): Promise<T> {
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(moduleUrl)}, ${JSON.stringify(moduleUrl)}))`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(boot, { eval: true, workerData: data });
    worker.once('message', (result: T) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker ${moduleUrl} exited with code ${code} before reporting`)));
  });
}

async function generate(o: LoadOptions): Promise<LoadSample> {
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

  return { latencies, errors, errorKinds, firstError, elapsedMs: lastDone - measureFrom };
}

/** Throughput over the summed measured time, percentiles over all latencies. */
export function summarize(samples: LoadSample[]): LoadResult {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
  const elapsedMs = samples.reduce((t, s) => t + s.elapsedMs, 0);
  const errors = samples.reduce((t, s) => t + s.errors, 0);
  const errorKinds: Record<string, number> = {};
  for (const s of samples) for (const [k, n] of Object.entries(s.errorKinds)) errorKinds[k] = (errorKinds[k] ?? 0) + n;
  const firstError = samples.find((s) => s.firstError)?.firstError;
  return { requests: latencies.length + errors, errors, errorKinds, firstError, rps: (latencies.length * 1000) / elapsedMs, p50: pct(50), p99: pct(99), elapsedMs };
}

if (!isMainThread && (workerData as { load?: LoadOptions } | null)?.load) {
  const options = (workerData as { load: LoadOptions }).load;
  parentPort?.postMessage(await generate(options));
}
