/**
 * The client's address behind `hops` trusted reverse proxies. Each proxy appends the address it
 * was connected from to X-Forwarded-For, so the entry `hops` from the right is the one the
 * outermost trusted proxy wrote; everything left of it came from the client and proves nothing.
 * With no trusted proxy (or no header) the socket's address is the client.
 */
export function clientAddress(forwardedFor: string | undefined, socketAddress: string | undefined, hops: number): string | undefined {
  if (hops <= 0 || !forwardedFor) return socketAddress;
  const entries = forwardedFor
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return socketAddress;
  return entries[Math.max(0, entries.length - hops)];
}
