import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface GracefulHttpOptions {
  /** How long requests already being served may take to finish once a stop begins. */
  graceMs?: number;
}

export interface GracefulHttp {
  /** Requests being served now. */
  readonly inFlight: number;
  /**
   * Stops accepting connections, lets the requests in flight finish (their responses say
   * `Connection: close`), then closes what is left after the grace. Resolves when no request is
   * in flight and the listener is closed; `true` if every request finished within the grace.
   */
  stop(): Promise<boolean>;
}

/**
 * What a server does on SIGTERM: no new connections, no reset for work already accepted. Idle
 * keep-alive sockets are closed at once (a client retries those on a new connection); a request
 * arriving on an open socket during the grace is still served, with `Connection: close`.
 */
export function gracefulHttp(server: Server, options: GracefulHttpOptions = {}): GracefulHttp {
  const { graceMs = 10_000 } = options;
  const open = new Set<ServerResponse>();
  let stopping = false;
  let drained: (() => void) | undefined;

  const onRequest = (_req: IncomingMessage, res: ServerResponse) => {
    open.add(res);
    if (stopping) res.setHeader('Connection', 'close');
    res.once('close', () => {
      open.delete(res);
      if (open.size === 0) drained?.();
    });
  };
  server.prependListener('request', onRequest);

  return {
    get inFlight() {
      return open.size;
    },
    async stop() {
      stopping = true;
      for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let finished = true;
      if (open.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        finished = await Promise.race([
          new Promise<boolean>((resolve) => (drained = () => resolve(true))),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
        ]);
        clearTimeout(timer);
      }
      // Past the grace (or with only idle sockets left): nothing more is owed to anyone.
      server.closeAllConnections();
      await closed;
      return finished;
    },
  };
}
