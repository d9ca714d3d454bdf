import { Worker } from 'node:worker_threads';

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/** The engine could not open its folder (locked by another server, read-only, full…). */
export class EngineStartError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly code?: string,
  ) {
    super(`cannot open the embedded database in ${path}: ${reason}`);
    this.name = 'EngineStartError';
  }
}

type FromWorker = { type: 'ready'; port: number } | { type: 'failed'; message: string; code?: string } | { type: 'closed'; message?: string };

/**
 * The embedded DynamoDB engine: dynalite on loopback, persisted under `path` (LevelDB) or in memory,
 * in a worker thread of its own, so the engine's work runs beside the API and the router rather than
 * on their event loop. The same SDK adapters talk to it over HTTP as to AWS. The folder is opened
 * once before it serves: a folder another server holds, a read-only or a full one is an
 * EngineStartError naming the folder and LevelDB's reason.
 */
export async function startDynalite(options: { path?: string; port?: number } = {}): Promise<LocalDynamo> {
  const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url), { workerData: { path: options.path, port: options.port } });
  const next = () =>
    new Promise<FromWorker>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve(m);
      };
      const onError = (err: Error) => {
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        reject(err);
      };
      const onExit = (code: number) => onError(new Error(`the engine thread exited (code ${code})`));
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
    });
  const first = await next();
  if (first.type !== 'ready') {
    await worker.terminate();
    throw new EngineStartError(options.path ?? '(memory)', first.type === 'failed' ? first.message : 'unexpected message', first.type === 'failed' ? first.code : undefined);
  }
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${first.port}`,
    close: () =>
      (closing ??= (async () => {
        const done = next();
        worker.postMessage('close');
        const m = await done.catch(() => undefined);
        await worker.terminate();
        if (m?.type === 'closed' && m.message) throw new Error(`closing the embedded database: ${m.message}`);
      })()),
  };
}
