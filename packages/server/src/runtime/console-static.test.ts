import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { installErrorHandler } from '../http/errors.js';
import { consoleCsp, consoleStatic } from './console-static.js';

const index = '<!doctype html><html><head><script type="module" src="/assets/index-abc.js"></script></head></html>';
const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;

async function appWith(dir: string): Promise<FastifyInstance> {
  const app = Fastify();
  installErrorHandler(app, pino({ level: 'silent' }));
  app.get('/api/v1/session', async () => ({ api: true }));
  app.get('/healthz', async () => ({ ok: true }));
  await app.register(consoleStatic, { dir });
  return app;
}

describe('the console on the console port', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-console-'));
  let app: FastifyInstance;
  before(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), index);
    writeFileSync(join(dir, 'assets', 'index-abc.js'), script);
    app = await appWith(dir);
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with a strict Content-Security-Policy', async () => {
    const res = await app.inject({ url: '/' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, index);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.equal(res.headers['content-security-policy'], consoleCsp);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['cache-control'], 'no-cache');
    const csp = consoleCsp.split('; ');
    for (const rule of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) {
      assert.ok(csp.includes(rule), rule);
    }
    assert.doesNotMatch(consoleCsp, /unsafe-inline|unsafe-eval|\*|https?:/);
  });

  it('answers index.html for the app routes, so a reload stays on its view', async () => {
    for (const url of ['/watch', '/messages/c1/abc?x=1', '/admin/users']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.body, index, url);
      assert.equal(res.headers['content-security-policy'], consoleCsp, url);
    }
  });

  it('serves hashed assets as immutable, gzipped when asked', async () => {
    const plain = await app.inject({ url: '/assets/index-abc.js' });
    assert.equal(plain.body, script);
    assert.match(String(plain.headers['content-type']), /^text\/javascript/);
    assert.match(String(plain.headers['cache-control']), /immutable/);
    const zipped = await app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(zipped.rawPayload).toString(), script);
  });

  it('leaves the APIs alone: their routes win, their unknown paths are 404 in the catalogue form', async () => {
    assert.deepEqual((await app.inject({ url: '/api/v1/session' })).json(), { api: true });
    assert.deepEqual((await app.inject({ url: '/healthz' })).json(), { ok: true });
    for (const url of ['/api/v1/nothing', '/control/v1', '/api']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().code, 'PARLEY_E_NOT_FOUND', url);
    }
  });

  it('answers 404 for a missing file rather than the app', async () => {
    for (const url of ['/assets/gone.js', '/favicon.ico', '/../package.json']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 404, url);
    }
  });

  it('never reads outside the built files: only what it loaded at start is served', async () => {
    const res = await app.inject({ url: '/../../etc/passwd' });
    assert.equal(res.body, index);
  });

  it('says plainly when the console is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'parley-console-empty-'));
    const bare = await appWith(empty);
    const res = await bare.inject({ url: '/watch' });
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /npm run build/);
    await bare.close();
    rmSync(empty, { recursive: true, force: true });
  });
});
