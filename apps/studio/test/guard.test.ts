import { describe, expect, it } from 'vitest';
import {
  checkRequest,
  corsHeaders,
  DRIZZLE_STUDIO_ORIGIN,
  hostName,
  type Target,
} from '../src/guard/policy.ts';

describe('hostName', () => {
  it.each([
    ['localhost:4983', 'localhost'],
    ['LOCALHOST', 'localhost'],
    ['127.0.0.1:80', '127.0.0.1'],
    ['[::1]:4983', '[::1]'],
    ['[::1]', '[::1]'],
    ['evil.example:4983', 'evil.example'],
  ])('%s → %s', (header, name) => expect(hostName(header)).toBe(name));
});

describe('checkRequest', () => {
  const allowed = (headers: Record<string, string>, target: Target, extraHosts?: string[]) =>
    checkRequest(headers, target, { extraHosts }).allow;

  it.each(['localhost:4983', '127.0.0.1:4983', '[::1]:4983', '127.0.0.1'])(
    'accepts Host %s',
    (host) => {
      expect(allowed({ host }, 'drizzle-kit')).toBe(true);
      expect(allowed({ host }, 'browser')).toBe(true);
    },
  );

  it.each([
    'evil.example:4983',
    'localhost.evil.example',
    '127.0.0.1.nip.io:4983',
    '0.0.0.0:4983',
    '',
  ])('rejects Host %j (DNS rebinding)', (host) => {
    expect(allowed({ host, origin: DRIZZLE_STUDIO_ORIGIN }, 'drizzle-kit')).toBe(false);
    expect(allowed({ host }, 'browser')).toBe(false);
  });

  it('accepts an explicitly bound host name only when given', () => {
    expect(allowed({ host: '192.168.1.5:4983' }, 'drizzle-kit')).toBe(false);
    expect(allowed({ host: '192.168.1.5:4983' }, 'drizzle-kit', ['192.168.1.5'])).toBe(true);
  });

  it('lets drizzle-kit answer the Drizzle Studio page and origin-less clients only', () => {
    const host = '127.0.0.1:4983';
    expect(allowed({ host }, 'drizzle-kit')).toBe(true);
    expect(allowed({ host, origin: DRIZZLE_STUDIO_ORIGIN }, 'drizzle-kit')).toBe(true);
    for (const origin of [
      'https://evil.example',
      'http://local.drizzle.studio',
      'null',
      'http://127.0.0.1:4983',
    ]) {
      expect(allowed({ host, origin }, 'drizzle-kit')).toBe(false);
    }
  });

  it('lets the offline browser answer itself and origin-less clients only', () => {
    const host = 'localhost:4983';
    expect(allowed({ host, origin: 'http://localhost:4983' }, 'browser')).toBe(true);
    expect(allowed({ host, origin: DRIZZLE_STUDIO_ORIGIN }, 'browser')).toBe(false);
    expect(allowed({ host, origin: 'http://localhost:9999' }, 'browser')).toBe(false);
    expect(allowed({ host, 'sec-fetch-site': 'cross-site' }, 'browser')).toBe(false);
    expect(allowed({ host, 'sec-fetch-site': 'same-origin' }, 'browser')).toBe(true);
  });
});

describe('checkRequest for the API (reads, exports, the SQL box)', () => {
  const allowed = (headers: Record<string, string>, target: Target) =>
    checkRequest(headers, target).allow;
  const host = 'localhost:4983';

  it('answers the page itself, a typed address and clients without Origin', () => {
    expect(allowed({ host }, 'api')).toBe(true);
    expect(
      allowed({ host, origin: 'http://localhost:4983', 'sec-fetch-site': 'same-origin' }, 'api'),
    ).toBe(true);
    expect(allowed({ host, 'sec-fetch-site': 'none' }, 'api')).toBe(true);
  });

  it('refuses other sites, other local ports and other hosts', () => {
    // Another port on localhost is same-site: it may link to the page, not load the API.
    expect(allowed({ host, 'sec-fetch-site': 'same-site' }, 'api')).toBe(false);
    expect(allowed({ host, 'sec-fetch-site': 'same-site' }, 'browser')).toBe(true);
    expect(allowed({ host, 'sec-fetch-site': 'cross-site' }, 'api')).toBe(false);
    expect(allowed({ host, origin: 'http://localhost:9999' }, 'api')).toBe(false);
    expect(allowed({ host, origin: DRIZZLE_STUDIO_ORIGIN }, 'api')).toBe(false);
    expect(allowed({ host: 'evil.example:4983' }, 'api')).toBe(false);
  });
});

describe("checkRequest for the API's writes (retrying dead letters)", () => {
  const allowed = (headers: Record<string, string>) => checkRequest(headers, 'api-write').allow;
  const host = 'localhost:4983';
  const json = 'application/json';

  it('takes a JSON body from the page itself or a client without Origin', () => {
    expect(
      allowed({
        host,
        origin: 'http://localhost:4983',
        'sec-fetch-site': 'same-origin',
        'content-type': json,
      }),
    ).toBe(true);
    expect(allowed({ host, 'content-type': 'application/json; charset=utf-8' })).toBe(true);
  });

  it('refuses what a form on another page could send, and every other site', () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data']) {
      expect(allowed({ host, 'content-type': type })).toBe(false);
    }
    expect(allowed({ host })).toBe(false);
    // A typed address never POSTs; another localhost port is same-site.
    for (const site of ['none', 'same-site', 'cross-site']) {
      expect(allowed({ host, 'sec-fetch-site': site, 'content-type': json })).toBe(false);
    }
    expect(allowed({ host, origin: 'http://localhost:9999', 'content-type': json })).toBe(false);
    expect(allowed({ host, origin: DRIZZLE_STUDIO_ORIGIN, 'content-type': json })).toBe(false);
    expect(allowed({ host: 'evil.example:4983', 'content-type': json })).toBe(false);
  });
});

describe('corsHeaders', () => {
  it('names the Drizzle Studio origin, never *, and nothing for anyone else', () => {
    expect(corsHeaders(DRIZZLE_STUDIO_ORIGIN)).toMatchObject({
      'access-control-allow-origin': DRIZZLE_STUDIO_ORIGIN,
      'access-control-allow-private-network': 'true',
    });
    expect(corsHeaders('https://evil.example')).toEqual({});
    expect(corsHeaders(undefined)).toEqual({});
  });
});
