import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { isParleyError } from '@parley/contract';
import { type ApiPair, apiPair } from '../api/_node-util.js';
import { forEachDialect } from '../store/_util.js';
import { cli } from '../test-util/nodes.js';
import { bodyOf } from './engagement-operations.js';
import { operations } from './operations.js';

const dtl = {
  id: 'dtl',
  names: { en: 'Defense Telephone Link' },
  level: 2,
  kinds: ['call'],
  counterparts: [],
};

forEachDialect('the act operation (parley act, the control API)', (t) => {
  let p: ApiPair;
  const dir = mkdtempSync(join(tmpdir(), 'parley-act-'));
  before(async () => {
    p = await apiPair(t, { live: true });
  });
  after(async () => {
    await p.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes through the rules as the provisional cli person, fills defaults, and refuses what they forbid', async () => {
    const us = p.usApi.ctx;
    const cn = p.cnApi.ctx;
    const file = join(dir, 'amend.json');
    writeFileSync(file, JSON.stringify({ charter: { ...p.charter, mechanisms: [dtl] }, summary: 'Adds the DTL' }));
    const amend = (await operations.act(us, {
      channel: p.channel,
      type: 'charter-amend',
      body: bodyOf({ body: `@${file}` }),
    })) as {
      id: string;
      by: string;
      provisional: boolean;
    };
    assert.equal(amend.by, 'cli');
    assert.equal(amend.provisional, true);
    await p.settle();
    await operations.act(cn, {
      channel: p.channel,
      type: 'charter-accept',
      body: JSON.stringify({ amendment: amend.id }),
    });
    await p.settle();
    const start = new Date(p.clock.now() + 24 * 3_600_000).toISOString();
    const request = {
      mechanism: 'dtl',
      kind: 'call',
      subject: 'Call',
      language: 'en',
      principals: {
        requester: [{ name: 'A', title: 'Chairman', party: 'us-js' }],
        responder: [{ name: 'B', title: 'Chief', party: 'cn-jsd' }],
      },
      slots: [{ start, durationMinutes: 30, timeZone: 'UTC' }],
      agenda: ['Crisis communication'],
    };
    const r = (await operations.act(us, { channel: p.channel, type: 'request', body: request })) as { id: string };
    const stored = await p.us.store.getEntryById(r.id);
    // 48 h is after the only slot: the deadline defaults to the slot's start.
    assert.equal(JSON.parse(stored!.body).deadline, start);
    await p.settle();
    await assert.rejects(
      operations.act(us, { channel: p.channel, type: 'request-accept', body: { request: r.id, slot: 0 } }),
      (e) =>
        isParleyError(e, 'PARLEY_E_RULE') &&
        e.message === `request-accept refused: us-js made request ${r.id.slice(0, 8)}: only another member answers it`,
    );
    await assert.rejects(
      operations.act(us, { channel: p.channel, type: 'request', body: '{nope' }),
      (e) => isParleyError(e, 'PARLEY_E_USAGE') && /^--body is not JSON: /.test(e.message),
    );
    const views = (await operations.engagements(us, { channel: p.channel })) as { requests: Array<{ state: string }> };
    assert.equal(views.requests[0]?.state, 'open');
  });

  it('the CLI explains act and reports a missing body with its code', async () => {
    const help = await cli(['help', 'act']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^parley act --dir D --channel C --type T --body JSON\|@FILE/);
    const missing = await cli(['act', '--dir', dir, '--channel', 'x', '--type', 'request']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /PARLEY_E_USAGE: --body is required/);
  });
});
