// The embedded DynamoDB engine in its own thread (see dynalite.ts): LevelDB's work, JSON and the
// HTTP parsing of every request run beside the API and the router instead of on their event loop.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

const { path, port } = workerData;

/** Opens the folder once before serving, so a locked, read-only or full folder fails here, clearly. */
async function probe() {
  if (!path) return;
  const { Level } = createRequire(createRequire(import.meta.url).resolve('dynalite'))('level');
  const db = new Level(path);
  try {
    await db.open();
  } finally {
    await db.close().catch(() => undefined);
  }
}

function describe(err) {
  const cause = err?.cause?.message ?? '';
  return { message: [err?.message ?? String(err), cause].filter(Boolean).join(': '), code: err?.cause?.code ?? err?.code };
}

let opened = true;
try {
  await probe();
} catch (err) {
  opened = false;
  parentPort.postMessage({ type: 'failed', ...describe(err) });
}
if (opened) serve();

function serve() {
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  server.once('error', (err) => parentPort.postMessage({ type: 'failed', ...describe(err) }));
  server.listen(port ?? 0, '127.0.0.1', () => parentPort.postMessage({ type: 'ready', port: server.address().port }));
  parentPort.on('message', (message) => {
    if (message !== 'close') return;
    server.closeAllConnections?.();
    server.close((err) => {
      parentPort.postMessage({ type: 'closed', ...(err && describe(err)) });
      parentPort.close();
    });
  });
}
