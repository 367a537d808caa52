import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { forEachDialect } from '../store/_util.js';
import { apiHarness, type Harness } from './_util.js';
import { apiRoutes } from './routes.js';

interface Operation {
  summary?: string;
  security?: Array<Record<string, string[]>>;
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

forEachDialect('OpenAPI document and page', (t) => {
  let h: Harness;
  let doc: {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    components: Record<string, Record<string, unknown>>;
  };
  before(async () => {
    h = await apiHarness(t);
    const res = await h.call('GET', '/api/docs/json');
    assert.equal(res.statusCode, 200);
    doc = res.json();
  });

  describe('/api/docs/json', () => {
    it('lists every route with its summary, security, body and answers', () => {
      assert.equal(doc.openapi, '3.1.0');
      const routes = apiRoutes({ secureCookie: false });
      const listed = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      );
      const expected = routes.map((d) => `${d.method} /api/v1${d.url.replace(/:(\w+)/g, '{$1}')}`);
      assert.deepEqual(listed.sort(), expected.sort());
      for (const def of routes) {
        const op = doc.paths[`/api/v1${def.url.replace(/:(\w+)/g, '{$1}')}`]![def.method.toLowerCase()]!;
        assert.equal(op.summary, def.summary);
        assert.ok(op.responses[String(def.status ?? 200)], `${def.method} ${def.url} documents its success`);
        assert.ok(op.responses['4XX'] ?? op.responses['4xx'], `${def.method} ${def.url} documents its errors`);
        assert.equal(Boolean(op.requestBody), Boolean(def.body), `${def.method} ${def.url} body`);
        const expectSecurity =
          def.permission === 'public' ? [] : [def.method === 'GET' ? { session: [] } : { session: [], csrf: [] }];
        assert.deepEqual(op.security, expectSecurity);
      }
    });

    it('describes the session cookie and the CSRF header', () => {
      assert.deepEqual(doc.components.securitySchemes, {
        session: { type: 'apiKey', in: 'cookie', name: 'parley_session' },
        csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
      });
      assert.ok(doc.components.schemas?.User && doc.components.schemas.Session && doc.components.schemas.ApiError);
    });
  });

  describe('/api/docs', () => {
    it('serves a readable page whose assets come from this server, not a CDN', async () => {
      const page = await h.call('GET', '/api/docs/');
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-type']), /text\/html/);
      assert.doesNotMatch(page.body, /(src|href)="https?:/);
      const css = await h.call('GET', '/api/docs/static/swagger-ui.css');
      assert.equal(css.statusCode, 200);
      const js = await h.call('GET', '/api/docs/static/swagger-ui-bundle.js');
      assert.equal(js.statusCode, 200);
    });
  });
});
