import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { Cleanup } from './cleanup.js';
import { EventWatch } from './parley-pair.js';
import { prosodyConfig } from './prosody.js';

/** The parts of `npm run bench:xmpp` that can be checked without Prosody or a network. */
describe('bench:xmpp', () => {
  it('configures Prosody as tuned for the job: no limits module, Nagle off, certificate-authenticated s2s', () => {
    const cfg = prosodyConfig('/tmp/run/prosody-127.0.0.2', '127.0.0.2', '/tmp/run/certs', '/tmp/run/certs/ca.pem');
    const modules = /modules_enabled = \{([^}]*)\}/.exec(cfg)?.[1] ?? '';
    assert.ok(modules.includes('"saslauth"') && modules.includes('"tls"'), modules);
    assert.ok(!modules.includes('"limits"'), 'the limits module must not be loaded');
    assert.match(cfg, /^network_settings = \{ nagle = false \}$/m);
    assert.match(cfg, /^s2s_secure_auth = true$/m);
    assert.match(cfg, /^s2s_require_encryption = true$/m);
    assert.match(cfg, /^interfaces = \{ "127\.0\.0\.2" \}$/m);
    assert.match(cfg, /cafile = "\/tmp\/run\/certs\/ca\.pem"/);
    assert.match(cfg, /^VirtualHost "127\.0\.0\.2"$/m);
    assert.match(cfg, /^data_path = "\/tmp\/run\/prosody-127\.0\.0\.2\/data"$/m);
  });

  describe('reading a console event stream', () => {
    let server: Server | undefined;
    after(() => server?.close());

    it('notes entries of the watched author and receipts covering them, across split chunks', async () => {
      const chunks = [
        ': heartbeat\n\n',
        'event: entry\ndata: {"channel":"c1","author":"us-js","seq":1,"type":"message"}\n\n',
        'event: entry\ndata: {"channel":"c1","author":"cn-jsd","seq":9,"type":"receipt"}\n\nevent: rec',
        'eipt\ndata: {"channel":"c1","author":"cn-jsd","seq":9,"heads":{"us-js":2}}\n',
        '\nevent: entry\ndata: {"channel":"other","author":"us-js","seq":7}\n\n',
        'event: entry\ndata: {"channel":"c1","author":"us-js","seq":2,"type":"message"}\n\n',
      ];
      let cookie = '';
      server = createServer((req, res) => {
        cookie = req.headers.cookie ?? '';
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let i = 0;
        const next = () => {
          if (i < chunks.length) {
            res.write(chunks[i++]);
            setTimeout(next, 5);
          }
        };
        next();
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const watch = await EventWatch.open(base, { cookie: 'parley_session=x', csrf: '' }, 'c1', 'us-js', 'cn-jsd');
      try {
        const first = await watch.entry(1, 5000);
        const second = await watch.entry(2, 5000);
        assert.ok(second >= first);
        // The receipt covers seq 2, so it confirms 1 and 2, not 3.
        const receipt = await watch.receipt(2, 5000);
        assert.equal(await watch.receipt(1, 5000), receipt);
        await assert.rejects(watch.entry(7, 200), /did not show entry 7/);
        await assert.rejects(watch.receipt(3, 200), /did not show a receipt covering 3/);
        assert.equal(cookie, 'parley_session=x');
      } finally {
        watch.close();
      }
    });
  });

  it('undoes what was started in reverse order, once, and refuses new steps after', async () => {
    const cleanup = new Cleanup();
    const done: string[] = [];
    cleanup.add('first', () => void done.push('first'));
    cleanup.add('failing', () => {
      throw new Error('boom');
    });
    cleanup.add('last', async () => void done.push('last'));
    const printed: unknown[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => void printed.push(args.join(' '));
    try {
      await Promise.all([cleanup.run(), cleanup.run()]);
    } finally {
      console.error = error;
    }
    assert.deepEqual(done, ['last', 'first']);
    assert.match(String(printed[0]), /cleanup: failing: Error: boom/);
    assert.throws(() => cleanup.add('late', () => undefined), /interrupted/);
  });
});
