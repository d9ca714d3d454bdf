import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../functions/local/client-ip';

describe('the client address behind trusted proxies (TRUST_PROXY)', () => {
  it('ignores X-Forwarded-For with no trusted proxy', () => {
    expect(clientAddress('203.0.113.7', '198.51.100.1', 0)).toBe('198.51.100.1');
  });

  it('takes the entry the trusted proxy appended, never one the client wrote', () => {
    // The client sent "X-Forwarded-For: 1.2.3.4" to buy a fresh rate-limit budget; the proxy appended its real address.
    expect(clientAddress('1.2.3.4, 203.0.113.7', '10.0.0.2', 1)).toBe('203.0.113.7');
    expect(clientAddress('1.2.3.4,5.6.7.8 , 203.0.113.7', '10.0.0.2', 1)).toBe('203.0.113.7');
  });

  it('counts hops from the right behind a chain of proxies', () => {
    // CDN → load balancer → us: the CDN appended the client, the balancer appended the CDN.
    expect(clientAddress('1.2.3.4, 203.0.113.7, 192.0.2.10', '10.0.0.2', 2)).toBe('203.0.113.7');
    // Fewer entries than hops: all were written by trusted proxies; the first is the farthest seen.
    expect(clientAddress('203.0.113.7', '10.0.0.2', 3)).toBe('203.0.113.7');
  });

  it('falls back to the socket address when the header is missing or empty', () => {
    expect(clientAddress(undefined, '10.0.0.2', 1)).toBe('10.0.0.2');
    expect(clientAddress(' , ', '10.0.0.2', 1)).toBe('10.0.0.2');
  });
});
