import { Agent, request } from 'node:http';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { runInWorker } from './load';

/**
 * A fixed burst: every body POSTed once over `connections` keep-alive connections, each sending the
 * next one as soon as the previous answer is read. Runs in a worker thread, like the load generator.
 */
export interface BurstOptions {
  url: string;
  headers: Record<string, string>;
  bodies: string[];
  connections: number;
  expectStatus: number;
}

export interface BurstResult {
  /** The `id` of every expected-status answer, in answer order. */
  ids: string[];
  errors: number;
  errorKinds: Record<string, number>;
  firstError?: string;
  /** Epoch ms (Date.now(), the clock the server stamps assignedAt with): first request sent, last expected-status answer read. */
  startedAt: number;
  lastOkAt: number;
}

export function runBurst(options: BurstOptions): Promise<BurstResult> {
  return runInWorker<BurstResult>(import.meta.url, { burst: options });
}

async function generate(o: BurstOptions): Promise<BurstResult> {
  const url = new URL(o.url);
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const send = (body: Buffer): Promise<{ status: number; text: string } | { error: string }> =>
    new Promise((done) => {
      const headers = { ...o.headers, 'content-length': String(body.length) };
      const req = request(url, { method: 'POST', agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', (err: NodeJS.ErrnoException) => done({ error: err.code ?? err.message }));
      req.end(body);
    });

  const result: BurstResult = { ids: [], errors: 0, errorKinds: {}, startedAt: Date.now(), lastOkAt: Number.NaN };
  let next = 0;
  const connection = async (): Promise<void> => {
    for (let i = next++; i < o.bodies.length; i = next++) {
      const out = await send(Buffer.from(o.bodies[i] ?? ''));
      if ('status' in out && out.status === o.expectStatus) {
        result.ids.push((JSON.parse(out.text) as { id: string }).id);
        result.lastOkAt = Date.now();
        continue;
      }
      const kind = 'error' in out ? out.error : String(out.status);
      result.errors++;
      result.errorKinds[kind] = (result.errorKinds[kind] ?? 0) + 1;
      result.firstError ??= `${kind}: ${('text' in out ? out.text : '').slice(0, 300)}`;
    }
  };
  await Promise.all(Array.from({ length: o.connections }, connection));
  agent.destroy();
  return result;
}

if (!isMainThread && (workerData as { burst?: BurstOptions } | null)?.burst) {
  parentPort?.postMessage(await generate((workerData as { burst: BurstOptions }).burst));
}
