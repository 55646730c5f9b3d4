import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { handleApi, handleApiWrite, type ApiResponse } from './browser/api.ts';
import type { DatabaseCatalog } from './browser/catalog.ts';
import { SqlBox } from './browser/sql-box.ts';
import { loadAssets } from './browser/static.ts';
import {
  checkRequest,
  corsHeaders,
  DRIZZLE_STUDIO_ORIGIN,
  type GuardOptions,
  type Target,
} from './guard/policy.ts';

export interface StudioServerOptions extends GuardOptions {
  catalog: DatabaseCatalog;
  /** drizzle-kit's private loopback port; undefined when only the offline browser runs. */
  upstreamPort?: number;
  /** The SQL box's runner; default: one with the default limits, stopped when the server closes. */
  sqlBox?: SqlBox;
}

/** Headers for every page and API answer: nothing is loaded from anywhere but this server. */
const browserHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function requestTarget(method: string, path: string): Target {
  if (method === 'POST' && path.startsWith('/api/')) return 'api-write';
  if (method !== 'GET' && method !== 'HEAD') return 'drizzle-kit';
  if (path.startsWith('/api/')) return 'api';
  if (path === '/' || path === '/index.html' || path.startsWith('/assets/')) return 'browser';
  return 'drizzle-kit';
}

function deny(res: ServerResponse, reason: string): void {
  res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`forbidden: ${reason}\n`);
}

/** drizzle-kit's CORS answers (`*`) are dropped; the page's own origin is set instead. */
const droppedUpstreamHeaders = new Set([
  'access-control-allow-origin',
  'access-control-allow-private-network',
  'access-control-allow-credentials',
]);

function proxyToDrizzleKit(req: IncomingMessage, res: ServerResponse, port: number): void {
  const origin = req.headers.origin;
  if (req.method === 'OPTIONS') {
    // Preflights are answered here, for the Drizzle Studio page only (checkRequest let it through).
    const requested = req.headers['access-control-request-headers'];
    res.writeHead(204, {
      ...corsHeaders(origin),
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      ...(requested ? { 'access-control-allow-headers': requested } : {}),
      'access-control-max-age': '600',
    });
    res.end();
    return;
  }
  const upstream = httpRequest(
    {
      host: '127.0.0.1',
      port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: `127.0.0.1:${port}` },
    },
    (answer) => {
      const headers: Record<string, string | string[]> = {};
      for (const [key, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !droppedUpstreamHeaders.has(key)) headers[key] = value;
      }
      res.writeHead(answer.statusCode ?? 502, { ...headers, ...corsHeaders(origin) });
      answer.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`drizzle-kit is not answering: ${error.message}\n`);
    } else res.destroy(error);
  });
  req.pipe(upstream);
}

/** A change's JSON body is a few bytes; anything this long is not one. */
const MAX_BODY_BYTES = 16 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.once('end', () => {
      if (length > MAX_BODY_BYTES) reject(new Error(`body: longer than ${MAX_BODY_BYTES} bytes`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.once('error', reject);
  });
}

/** Sends an API answer; a streamed body is piped, so the client's pace sets the reading pace. */
async function sendApi(res: ServerResponse, method: string, answer: ApiResponse): Promise<void> {
  res.writeHead(answer.status, {
    ...browserHeaders,
    ...answer.headers,
    'content-type': answer.contentType,
  });
  if (method === 'HEAD') res.end();
  else if (typeof answer.body === 'string') res.end(answer.body);
  else {
    // If the client goes away, pipeline destroys the source, which ends the export's query.
    await pipeline(Readable.from(answer.body, { objectMode: false }), res).catch(() => {});
  }
}

/**
 * The one server on the user's port: the offline browser (`GET /`, `/assets/*`, `/api/*`, and its
 * one change, `POST /api/databases/<db>/dead-letters/retry`) and,
 * behind the guard, drizzle-kit's studio server for the Drizzle Studio page.
 */
export function createStudioServer(options: StudioServerOptions): Server {
  const assets = loadAssets();
  const sqlBox = options.sqlBox ?? new SqlBox();
  const context = { catalog: options.catalog, sqlBox };
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://studio.invalid');
    const target = requestTarget(method, url.pathname);
    const verdict = checkRequest(req.headers, target, options);
    if (!verdict.allow) {
      req.resume();
      deny(res, verdict.reason);
      return;
    }
    if (target === 'drizzle-kit') {
      if (options.upstreamPort === undefined) {
        res.writeHead(404, {
          'content-type': 'text/plain; charset=utf-8',
          ...corsHeaders(req.headers.origin),
        });
        res.end(
          `drizzle-kit studio is not running (started with --no-drizzle-kit); the Drizzle Studio page (${DRIZZLE_STUDIO_ORIGIN}) needs it\n`,
        );
        return;
      }
      proxyToDrizzleKit(req, res, options.upstreamPort);
      return;
    }
    const send = (status: number, contentType: string, body: string | Buffer): void => {
      res.writeHead(status, { ...browserHeaders, 'content-type': contentType });
      res.end(method === 'HEAD' ? undefined : body);
    };
    if (target === 'api-write') {
      void readBody(req).then(
        (body) => sendApi(res, method, handleApiWrite(context, url, body)),
        (error: Error) => {
          res.writeHead(413, { ...browserHeaders, 'content-type': 'text/plain; charset=utf-8' });
          res.end(`${error.message}\n`);
        },
      );
      return;
    }
    if (target === 'api') {
      const aborted = new AbortController();
      res.once('close', () => aborted.abort());
      void handleApi(context, url, aborted.signal).then((answer) => {
        if (!res.destroyed) return sendApi(res, method, answer);
      });
      return;
    }
    const name = url.pathname.startsWith('/assets/')
      ? url.pathname.slice('/assets/'.length)
      : 'index.html';
    const asset = assets.get(name);
    if (!asset) send(404, 'text/plain; charset=utf-8', 'not found\n');
    else send(200, asset.contentType, asset.body);
  });
  server.once('close', () => sqlBox.close());
  return server;
}
