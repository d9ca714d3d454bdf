import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * A response that starts before its request's body was read (a 413 from the body limit, a 401 that
 * never looks at the body) says `Connection: close`. Without it the socket looks reusable while
 * part of the old body is still on the wire, the server ends up dropping it, and the client's next
 * request on that pooled connection fails ("socket hang up"). With it, the client opens a new one.
 */
export function closeWhenBodyUnread(server: Server): void {
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
      if (!req.complete && !res.headersSent) res.setHeader('Connection', 'close');
      return writeHead.apply(this, args);
    } as ServerResponse['writeHead'];
  });
}
