import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { createApp } from '../../shared/http/app';
import { routingBackpressure } from './backpressure';
import { gracefulHttp, type GracefulHttp } from './graceful-http';
import { closeWhenBodyUnread } from './unread-body';

type App = ReturnType<typeof createApp>;

export interface LocalServer {
  url: string;
  /** Requests wait for the app until it is given (it needs the URL for its links). */
  serve(app: App): void;
  http: GracefulHttp;
}

/** Where new cases come in: these wait while routing is behind (ROUTING_BACKLOG_LIMIT). */
const INTAKE_PATHS = new Set(['/v1/cases', '/v1/intake/mailbox']);
/** How long requests in flight may take to finish when the runtime stops (SIGTERM, SIGINT). */
const STOP_GRACE_MS = 10_000;

/**
 * @hono/node-server, listening before the app is built: with PORT=0 the address, and so the
 * default base of e-mail links, is known only then. Intakes wait while more than `backlogLimit`
 * routing messages are queued; a response sent before its request body was read says
 * `Connection: close`; a stop lets the requests in flight finish (gracefulHttp).
 */
export async function startServer(options: { port: number; host: string; backlogLimit: number; backlog: () => Promise<number> }): Promise<LocalServer> {
  const built: { app?: App; ready?: (app: App) => void } = {};
  const appReady = new Promise<App>((resolve) => (built.ready = resolve));
  const admitIntake = routingBackpressure({ limit: options.backlogLimit, backlog: options.backlog });
  const fetch = async (req: Request, env: unknown) => {
    const { pathname } = new URL(req.url);
    if (req.method === 'POST' && INTAKE_PATHS.has(pathname)) await admitIntake();
    return (built.app ?? (await appReady)).fetch(req, env);
  };
  const server = await new Promise<Server>((resolveServer) => {
    const s = serve({ fetch, port: options.port, hostname: options.host }, () => resolveServer(s as Server));
  });
  closeWhenBodyUnread(server);
  const http = gracefulHttp(server, { graceMs: STOP_GRACE_MS });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    serve: (app) => {
      built.app = app;
      built.ready?.(app);
    },
    http,
  };
}
