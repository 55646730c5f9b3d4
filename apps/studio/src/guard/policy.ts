import type { IncomingHttpHeaders } from 'node:http';

/** The hosted Drizzle Studio page; the only foreign origin allowed to talk to drizzle-kit. */
export const DRIZZLE_STUDIO_ORIGIN = 'https://local.drizzle.studio';

/** Names that always mean this machine. A Host header naming anything else is DNS rebinding. */
export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** `Host` without its port, lowercased: `[::1]:4983` → `[::1]`, `LocalHost:80` → `localhost`. */
export function hostName(hostHeader: string): string {
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

export function isLoopbackAddress(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address);
}

export interface GuardOptions {
  /** Host names accepted besides the loopback names (the explicit `--host`, if any). */
  extraHosts?: readonly string[];
}

export type Verdict = { allow: true } | { allow: false; reason: string };

/**
 * Which service a request is for: the offline browser's page and assets, its API (reads, exports,
 * the SQL box), its API's writes (`POST /api/...`: retrying dead letters), or drizzle-kit's server.
 */
export type Target = 'browser' | 'api' | 'api-write' | 'drizzle-kit';

/** `Sec-Fetch-Site` values the API accepts: the page itself, or the user typing the address. */
const apiFetchSites = new Set(['same-origin', 'none']);

/**
 * Decides a request before it reaches anything that reads the database.
 * - `Host` must be a loopback name (or an explicitly bound host): stops DNS rebinding, where a
 *   foreign page re-points its own name at 127.0.0.1 and so looks same-origin to the browser.
 * - drizzle-kit accepts requests with no `Origin` (curl, scripts) or from the Drizzle Studio page.
 * - the offline browser accepts requests with no `Origin` or from itself, and never cross-site
 *   navigations' subresource loads (`Sec-Fetch-Site: cross-site`).
 * - its API also refuses `Sec-Fetch-Site: same-site`: a page on another localhost port is
 *   same-site, and its `<img src>` or `<script src>` would start queries (no Origin is sent).
 * - a write takes only a JSON body, sent by the page itself (`same-origin`) or a client without
 *   `Sec-Fetch-Site`: a form on another page cannot send `application/json`, and another origin's
 *   fetch with it needs a CORS preflight the API never grants.
 */
export function checkRequest(
  headers: IncomingHttpHeaders,
  target: Target,
  options: GuardOptions = {},
): Verdict {
  const host = headers.host;
  if (!host) return { allow: false, reason: 'missing Host header' };
  const name = hostName(host);
  if (!LOOPBACK_NAMES.includes(name) && !(options.extraHosts ?? []).includes(name)) {
    return { allow: false, reason: `Host ${JSON.stringify(host)} is not a loopback name` };
  }
  const origin = headers.origin;
  if (target === 'drizzle-kit') {
    if (origin === undefined || origin === DRIZZLE_STUDIO_ORIGIN) return { allow: true };
    return { allow: false, reason: `Origin ${JSON.stringify(origin)} is not allowed` };
  }
  if (origin !== undefined && origin !== `http://${host}`) {
    return { allow: false, reason: `Origin ${JSON.stringify(origin)} is not allowed` };
  }
  const fetchSite = headers['sec-fetch-site'];
  if (fetchSite === 'cross-site') {
    return { allow: false, reason: 'cross-site requests are not allowed' };
  }
  if (target === 'api' && fetchSite !== undefined && !apiFetchSites.has(fetchSite)) {
    return {
      allow: false,
      reason: `Sec-Fetch-Site ${fetchSite}: only the studio's own page may call its API`,
    };
  }
  if (target === 'api-write') {
    if (fetchSite !== undefined && fetchSite !== 'same-origin') {
      return {
        allow: false,
        reason: `Sec-Fetch-Site ${fetchSite}: only the studio's own page may change data`,
      };
    }
    const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      return {
        allow: false,
        reason: 'a change takes a JSON body (Content-Type: application/json)',
      };
    }
  }
  return { allow: true };
}

/**
 * CORS headers for a response to the Drizzle Studio page: its own origin instead of drizzle-kit's
 * `*`, and private-network access only for it. Other requests get no CORS headers at all.
 */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  if (origin !== DRIZZLE_STUDIO_ORIGIN) return {};
  return {
    'access-control-allow-origin': DRIZZLE_STUDIO_ORIGIN,
    'access-control-allow-private-network': 'true',
    vary: 'Origin',
  };
}
