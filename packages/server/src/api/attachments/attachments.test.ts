import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, it } from 'node:test';
import { attachmentUploadBytes, limits } from '@parley/contract';
import { forEachDialect } from '../../store/_util.js';
import { type ApiPair, apiPair, failure } from '../_node-util.js';
import { contentDisposition } from './index.js';

const bytes = Buffer.from('%PDF-1.7\nintercept track, 21 Dec 13:05Z\n');
const hash = createHash('sha256').update(bytes).digest('base64url');
const upload = { name: 'track.pdf', contentType: 'application/pdf', data: bytes.toString('base64') };

forEachDialect('console API: attachments', (t) => {
  let pair: ApiPair;
  before(async () => {
    pair = await apiPair(t);
  });
  after(() => pair.close());

  it('POST /attachments: 401 → 400 (exact message) → 403 → 201', async () => {
    const h = pair.usApi;
    assert.equal(failure(await h.call('POST', '/api/v1/attachments', { body: { nonsense: true } })).status, 401);
    const operator = await h.signedIn(['operator']);
    assert.deepEqual(
      failure(await h.call('POST', '/api/v1/attachments', { as: operator, body: { ...upload, data: 'abc' } })),
      {
        status: 400,
        code: 'PARLEY_E_INVALID_REQUEST',
        message: 'invalid request body at data: must be standard padded base64',
      },
    );
    const analyst = await h.signedIn(['analyst']);
    assert.deepEqual(
      failure(await h.call('POST', '/api/v1/attachments', { as: analyst, body: { ...upload, data: 'abc' } })),
      {
        status: 403,
        code: 'PARLEY_E_FORBIDDEN',
        message: 'forbidden: attachments.write needs the role operator',
      },
    );
    const res = await h.call('POST', '/api/v1/attachments', { as: operator, body: upload });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json(), {
      sha256: hash,
      name: 'track.pdf',
      contentType: 'application/pdf',
      size: bytes.byteLength,
    });
  });

  it('GET /attachments/:sha256: 401 → 400 (exact message) → 404 → 200, as a sandboxed download', async () => {
    const h = pair.usApi;
    assert.equal(failure(await h.call('GET', `/api/v1/attachments/${hash}`)).status, 401);
    const translator = await h.signedIn(['translator']);
    assert.deepEqual(failure(await h.call('GET', '/api/v1/attachments/nope', { as: translator })), {
      status: 400,
      code: 'PARLEY_E_INVALID_REQUEST',
      message: 'invalid request path at sha256: expected a SHA-256 digest (43-char base64url of 32 bytes)',
    });
    const missing = createHash('sha256').update('missing').digest('base64url');
    assert.deepEqual(failure(await h.call('GET', `/api/v1/attachments/${missing}`, { as: translator })), {
      status: 404,
      code: 'PARLEY_E_NOT_FOUND',
      message: `no attachment ${missing}`,
    });
    const res = await h.call('GET', `/api/v1/attachments/${hash}`, { as: translator });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.rawPayload, bytes);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.equal(res.headers['content-disposition'], `attachment; filename="track.pdf"; filename*=UTF-8''track.pdf`);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['content-security-policy'], "sandbox; default-src 'none'");
  });

  it('GET /attachments/:sha256/status: 401 → 400 (exact message) → 200, held or not', async () => {
    const h = pair.usApi;
    assert.equal(failure(await h.call('GET', `/api/v1/attachments/${hash}/status`)).status, 401);
    const analyst = await h.signedIn(['analyst']);
    assert.deepEqual(failure(await h.call('GET', '/api/v1/attachments/x/status', { as: analyst })), {
      status: 400,
      code: 'PARLEY_E_INVALID_REQUEST',
      message: 'invalid request path at sha256: expected a SHA-256 digest (43-char base64url of 32 bytes)',
    });
    const held = await h.call('GET', `/api/v1/attachments/${hash}/status`, { as: analyst });
    assert.deepEqual(held.json(), { sha256: hash, held: true, attempts: 0, lastError: null, refusedAt: null });
    const missing = createHash('sha256').update('not here').digest('base64url');
    const absent = await h.call('GET', `/api/v1/attachments/${missing}/status`, { as: analyst });
    assert.deepEqual(absent.json(), { sha256: missing, held: false, attempts: 0, lastError: null, refusedAt: null });
  });

  it('refuses a type off the allowlist (415) and oversize bytes (413), with exact messages', async () => {
    const h = pair.usApi;
    const operator = await h.signedIn(['operator']);
    for (const contentType of ['text/html', 'image/svg+xml', 'application/xhtml+xml']) {
      assert.deepEqual(
        failure(await h.call('POST', '/api/v1/attachments', { as: operator, body: { ...upload, contentType } })),
        {
          status: 415,
          code: 'PARLEY_E_ATTACHMENT_TYPE',
          message: `attachment type ${contentType} is not allowed (allowed: ${limits.attachmentTypes.join(', ')})`,
        },
      );
    }
    const over = Buffer.alloc(limits.attachmentBytes + 1, 1).toString('base64');
    assert.deepEqual(
      failure(await h.call('POST', '/api/v1/attachments', { as: operator, body: { ...upload, data: over } })),
      {
        status: 413,
        code: 'PARLEY_E_OVERSIZE',
        message: `attachment is ${limits.attachmentBytes + 1} bytes, over the limit of ${limits.attachmentBytes}`,
      },
    );
    const huge = { ...upload, data: 'A'.repeat(attachmentUploadBytes) };
    const size = Buffer.byteLength(JSON.stringify(huge));
    assert.deepEqual(failure(await h.call('POST', '/api/v1/attachments', { as: operator, body: huge })), {
      status: 413,
      code: 'PARLEY_E_OVERSIZE',
      message: `request body is ${size} bytes, over the limit of ${attachmentUploadBytes}`,
    });
  });

  it('never serves a stored HTML-ish type as such, and names files safely', async () => {
    assert.equal(
      contentDisposition('Ответ "draft".pdf'),
      `attachment; filename="_____ _draft_.pdf"; filename*=UTF-8''%D0%9E%D1%82%D0%B2%D0%B5%D1%82%20%22draft%22.pdf`,
    );
    const db = (await import('../../hotline/hotline-db.js')).databaseOf(pair.us.store);
    const html = Buffer.from('<script>alert(1)</script>');
    const sha = createHash('sha256').update(html).digest('base64url');
    // A blob that predates a narrower allowlist: it is served as bytes, never as its own type.
    await db
      .insertInto('attachments')
      .values({
        sha256: sha,
        name: 'x.html',
        content_type: 'text/html',
        size: html.byteLength,
        bytes: html,
        created_at: pair.us.now(),
      })
      .execute();
    const h = pair.usApi;
    const res = await h.call('GET', `/api/v1/attachments/${sha}`, { as: await h.signedIn(['analyst']) });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/octet-stream');
    assert.match(String(res.headers['content-disposition']), /^attachment; /);
  });
});
