/** The bridge page's Host check: names DNS rebinding cannot forge (IP literals, localhost), on our port. */
import { describe, expect, it } from 'vitest';
import { hostAllowed } from '../../../src/bridge/page/bridge-page.js';

describe('hostAllowed', () => {
  it.each([
    ['127.0.0.1:9090', true],
    ['localhost:9090', true],
    ['LOCALHOST:9090', true],
    ['192.168.1.20:9090', true],
    ['[::1]:9090', true],
    ['[fe80::1]:9090', true],
    ['127.0.0.1:9091', false],
    ['127.0.0.1', false],
    ['evil.example:9090', false],
    ['localhost.evil.example:9090', false],
    ['127.0.0.1.nip.io:9090', false],
    ['[evil]:9090', false],
    ['::1:9090', false],
    ['', false],
  ])('%s: %s', (host, ok) => {
    expect(hostAllowed(host, 9090)).toBe(ok);
  });

  it('refuses a request without a Host header', () => {
    expect(hostAllowed(undefined, 9090)).toBe(false);
  });
});
