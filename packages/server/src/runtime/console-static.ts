import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ParleyError } from '@parley/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build` puts the console (packages/console/dist/app), seen from this file in dist/runtime. */
export const defaultConsoleDir = fileURLToPath(new URL('../../../console/dist/app', import.meta.url));

/**
 * The console's only sources are this node: no inline script, no eval, no
 * other host, no framing. Styles set from script (uPlot, React's `style`) go
 * through the CSSOM, which style-src does not govern.
 */
export const consoleCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = {
  'content-security-policy': consoleCsp,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  cache: string;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** Reads the built console into memory once: it is small, and a node serves it to a handful of people. */
export function loadConsole(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(join(dir, 'index.html'))) return assets;
  for (const file of walk(dir)) {
    const url = `/${relative(dir, file).split(sep).join('/')}`;
    const body = readFileSync(file);
    const type = types[extname(file)] ?? 'application/octet-stream';
    const compressible = /text|json|svg/.test(type) && body.length > 1024;
    assets.set(url, {
      body,
      gzip: compressible ? gzipSync(body) : undefined,
      type,
      // Vite names everything under /assets by content hash.
      cache: url.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  }
  return assets;
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  const gzip = asset.gzip && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
  void reply.headers(securityHeaders).header('cache-control', asset.cache).header('vary', 'accept-encoding');
  if (gzip) void reply.header('content-encoding', 'gzip');
  return reply.type(asset.type).send(gzip ? asset.gzip : asset.body);
}

/** Paths that belong to the node's APIs: never answered with the app. */
const apiPath = /^\/(api|control|healthz|metrics)(\/|$)/;

/**
 * Serves the console at `/` of the console port: its files, and index.html
 * for any other path (the app routes in the browser), each with a strict
 * Content-Security-Policy. Registered beside the APIs, whose routes are more
 * specific and so always win.
 */
export async function consoleStatic(app: FastifyInstance, options: { dir?: string }): Promise<void> {
  const assets = loadConsole(options.dir ?? defaultConsoleDir);
  const index = assets.get('/index.html');
  // Hidden from the OpenAPI document: it is the app, not the API.
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (apiPath.test(path)) throw new ParleyError('PARLEY_E_NOT_FOUND', { what: 'route', id: path });
    const asset = assets.get(path);
    if (asset) return send(request, reply, asset);
    if (path.startsWith('/assets/') || extname(path) !== '') {
      throw new ParleyError('PARLEY_E_NOT_FOUND', { what: 'file', id: path });
    }
    if (!index) {
      return reply
        .status(503)
        .headers(securityHeaders)
        .type('text/plain; charset=utf-8')
        .send('The console is not built on this node: run `npm run build`.\n');
    }
    return send(request, reply, index);
  });
}
