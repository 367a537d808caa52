import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { pino } from 'pino';
import { HandlingAlarms } from '../../hotline/alarms.js';
import { forEachDialect } from '../../store/_util.js';
import { type ApiPair, apiPair, failure } from '../_node-util.js';
import { apiHarness, type Client } from '../_util.js';

const minute = 60_000;

forEachDialect('the hotline through the console API', (t) => {
  let p: ApiPair;
  // us-js people
  let ann: Client; // operator
  let rex: Client; // releaser
  let both: Client; // operator + releaser
  // cn-jsd people
  let duty: Client; // operator
  let tr: Client; // translator
  let analyst: Client;
  let routine = '';
  const base = () => `/api/v1/channels/${p.channel}`;
  const msg = (over: Record<string, unknown> = {}) => ({
    precedence: 'ROUTINE',
    subject: 'Request for a call',
    text: 'We propose a call on the hotline at 1400Z.',
    ...over,
  });

  before(async () => {
    p = await apiPair(t, {
      live: true,
      charter: { languages: ['en', 'zh-Hans'], glossary: [{ terms: { en: 'hotline', 'zh-Hans': '热线' } }] },
    });
    ann = await p.usApi.signedIn(['operator']);
    rex = await p.usApi.signedIn(['releaser']);
    both = await p.usApi.signedIn(['operator', 'releaser']);
    duty = await p.cnApi.signedIn(['operator']);
    tr = await p.cnApi.signedIn(['translator']);
    analyst = await p.cnApi.signedIn(['analyst']);
  });
  after(async () => {
    await p.close();
    assert.deepEqual(p.linkErrors, []);
  });

  it('lists the channel with its hotline rules', async () => {
    const res = await p.usApi.call('GET', '/api/v1/channels', { as: ann });
    assert.equal(res.statusCode, 200, res.body);
    const [c] = res.json().channels;
    assert.equal(c.id, p.channel);
    assert.equal(c.state, 'active');
    assert.deepEqual(c.members.map((m: { id: string }) => m.id).sort(), ['cn-jsd', 'us-js']);
    assert.deepEqual(c.twoPersonRelease, ['FLASH', 'IMMEDIATE']);
    assert.deepEqual(c.markings, ['UNCLASSIFIED']);
  });

  it('sends ROUTINE at once, numbered, with its DTG, and the peer lists it as stored there', async () => {
    const res = await p.usApi.call('POST', `${base()}/messages`, { as: ann, body: msg() });
    assert.equal(res.statusCode, 201, res.body);
    const sent = res.json();
    assert.equal(sent.kind, 'sent');
    assert.equal(sent.serial, 1);
    assert.match(sent.dtg, /^\d{6}Z [A-Z]{3} \d{2}$/);
    assert.deepEqual(sent.release, { drafter: ann.name, emergency: false });
    routine = sent.id;
    await p.quiet();

    const list = await p.cnApi.call('GET', `${base()}/messages`, { as: analyst });
    assert.equal(list.statusCode, 200, list.body);
    const [m] = list.json().messages;
    assert.equal(m.id, routine);
    assert.equal(m.own, false);
    assert.equal(m.serial, 1);
    assert.equal(m.language, 'en', "the node's language");
    assert.equal(m.marking, 'UNCLASSIFIED', "the charter's first marking");
    assert.equal(m.targetMinutes, 360);
    assert.equal(m.dueInSeconds, 360 * 60);
    assert.equal(m.overdue, false);
    assert.deepEqual(
      m.recipients.map((r: { party: string; state: string }) => [r.party, r.state]),
      [['cn-jsd', 'stored']],
    );
    assert.deepEqual(
      m.glossary.text.map((g: { text: string; translations: unknown }) => [g.text, g.translations]),
      [['hotline', { 'zh-Hans': '热线' }]],
    );
    const atUs = (await p.usApi.call('GET', `${base()}/messages`, { as: ann })).json().messages[0];
    assert.equal(atUs.own, true);
    assert.equal(atUs.recipients[0].state, 'stored', "cn-jsd's receipt came back");
  });

  it('drafts FLASH for a second person; its drafter may not release it; a releaser does', async () => {
    const res = await p.usApi.call('POST', `${base()}/messages`, {
      as: both,
      body: msg({ precedence: 'FLASH', subject: 'Flash' }),
    });
    assert.equal(res.statusCode, 201, res.body);
    const { kind, draft } = res.json();
    assert.equal(kind, 'drafted');
    assert.equal(draft.state, 'pending');
    const queue = (await p.usApi.call('GET', '/api/v1/drafts', { as: rex })).json().drafts;
    assert.deepEqual(
      queue.map((d: { id: string }) => d.id),
      [draft.id],
    );
    assert.deepEqual(
      failure(await p.usApi.call('POST', `/api/v1/drafts/${draft.id}/release`, { as: both, body: {} })),
      {
        status: 403,
        code: 'PARLEY_E_FORBIDDEN',
        message:
          'forbidden: FLASH is under two-person release (charter): a different user holding the releaser role must release it, or a releaser may release it alone as an emergency',
      },
    );
    const released = await p.usApi.call('POST', `/api/v1/drafts/${draft.id}/release`, { as: rex, body: {} });
    assert.equal(released.statusCode, 200, released.body);
    assert.deepEqual(released.json().release, { drafter: both.name, releaser: rex.name, emergency: false });
    assert.equal(released.json().serial, 2);
    assert.deepEqual(failure(await p.usApi.call('POST', `/api/v1/drafts/${draft.id}/release`, { as: rex, body: {} })), {
      status: 409,
      code: 'PARLEY_E_DRAFT_STATE',
      message: `draft ${draft.id} is released, not pending`,
    });
    assert.deepEqual((await p.usApi.call('GET', '/api/v1/drafts', { as: rex })).json().drafts, []);
    const done = (await p.usApi.call('GET', '/api/v1/drafts?state=released', { as: rex })).json().drafts;
    assert.equal(done[0].entry, released.json().id);
    const audit = await p.usApi.accounts.auditRows({ action: 'messages.release' });
    const rows = [];
    for await (const row of audit) rows.push(row);
    assert.deepEqual(
      rows.filter((r) => r.target === draft.id).map((r) => [r.user, r.details.refused ?? 'released']),
      [
        [both.name, 'PARLEY_E_FORBIDDEN'],
        [rex.name, 'released'],
        [rex.name, 'PARLEY_E_DRAFT_STATE'],
      ],
      'the release, and both refusals with their codes',
    );
  });

  it('lets a drafter holding the releaser role release their own draft alone as a flagged emergency', async () => {
    const { draft } = (
      await p.usApi.call('POST', `${base()}/messages`, { as: both, body: msg({ precedence: 'IMMEDIATE' }) })
    ).json();
    const res = await p.usApi.call('POST', `/api/v1/drafts/${draft.id}/release`, {
      as: both,
      body: { emergency: true },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().release, { drafter: both.name, emergency: true });
  });

  it('sends FLASH alone through the emergency route, flagged; refuses it for a precedence without two-person release', async () => {
    const res = await p.usApi.call('POST', `${base()}/messages/emergency`, {
      as: rex,
      body: msg({ precedence: 'FLASH', subject: 'Emergency' }),
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json().release, { drafter: rex.name, emergency: true });
    assert.deepEqual(failure(await p.usApi.call('POST', `${base()}/messages/emergency`, { as: rex, body: msg() })), {
      status: 403,
      code: 'PARLEY_E_FORBIDDEN',
      message: 'forbidden: ROUTINE is not under two-person release: send it without an emergency release',
    });
  });

  it('acknowledges a received message once, and the sender sees who read it', async () => {
    const url = `${base()}/messages/${routine}/ack`;
    const first = await p.cnApi.call('POST', url, { as: duty });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().already, false);
    const again = await p.cnApi.call('POST', url, { as: duty });
    await p.quiet();
    assert.deepEqual(again.json(), { ...first.json(), already: true });
    const own = await p.usApi.call('POST', url, { as: ann });
    assert.deepEqual(failure(own), {
      status: 400,
      code: 'PARLEY_E_USAGE',
      message: `${routine} is this party's own message: its receivers answer it`,
    });
    const seen = (await p.usApi.call('GET', `${base()}/messages/${routine}`, { as: ann })).json();
    assert.equal(seen.recipients[0].state, 'read');
    assert.equal(seen.recipients[0].read.by, duty.name);
  });

  it('reports a message unread with its reason', async () => {
    const sent = (
      await p.usApi.call('POST', `${base()}/messages`, { as: ann, body: msg({ subject: 'Garbled' }) })
    ).json();
    await p.quiet();
    const res = await p.cnApi.call('POST', `${base()}/messages/${sent.id}/unread`, {
      as: duty,
      body: { reason: 'unreadable', note: 'The text is garbled.' },
    });
    assert.equal(res.statusCode, 200, res.body);
    await p.quiet();
    const seen = (await p.usApi.call('GET', `${base()}/messages/${sent.id}`, { as: ann })).json();
    assert.equal(seen.recipients[0].state, 'unread');
    assert.deepEqual(
      [seen.recipients[0].unread.reason, seen.recipients[0].unread.note],
      ['unreadable', 'The text is garbled.'],
    );
  });

  it("carries the sender's official translation to the peer; keeps the receiver's working translation at home", async () => {
    const official = await p.usApi.call('POST', `${base()}/messages/${routine}/translations`, {
      as: ann,
      body: { language: 'zh-Hans', text: '我们提议在热线上通话。' },
    });
    assert.equal(official.statusCode, 201, official.body);
    await p.quiet();
    assert.deepEqual(
      failure(
        await p.cnApi.call('POST', `${base()}/messages/${routine}/translations`, {
          as: duty,
          body: { language: 'zh-Hans', text: '译文' },
        }),
      ),
      {
        status: 400,
        code: 'PARLEY_E_USAGE',
        message: `${routine} is us-js's message: only its sender adds an official translation (add a working translation instead)`,
      },
    );
    const working = await p.cnApi.call('POST', `${base()}/messages/${routine}/working-translations`, {
      as: tr,
      body: { language: 'zh-Hans', text: '我们建议在热线上通话（工作译文）。' },
    });
    assert.equal(working.statusCode, 201, working.body);
    assert.deepEqual(
      failure(
        await p.cnApi.call('POST', `${base()}/messages/${routine}/working-translations`, {
          as: tr,
          body: { language: 'en', text: 'Same language.' },
        }),
      ),
      { status: 400, code: 'PARLEY_E_USAGE', message: `message ${routine} is already in en` },
    );

    const atCn = (await p.cnApi.call('GET', `${base()}/messages/${routine}`, { as: analyst })).json();
    assert.deepEqual(
      atCn.translations.map((x: { kind: string; by: string; language: string }) => [x.kind, x.by, x.language]),
      [
        ['official', 'us-js', 'zh-Hans'],
        ['working', tr.name, 'zh-Hans'],
      ],
    );
    assert.deepEqual(
      atCn.translations[0].glossary.map((g: { text: string; language: string }) => [g.text, g.language]),
      [['热线', 'zh-Hans']],
    );
    const atUs = (await p.usApi.call('GET', `${base()}/messages/${routine}`, { as: ann })).json();
    assert.deepEqual(
      atUs.translations.map((x: { kind: string }) => x.kind),
      ['official'],
      'the working translation never left cn-jsd',
    );
  });

  it('pages the release queue oldest first with a stable cursor, and enforces its limit', async () => {
    const ids: string[] = [];
    for (const subject of ['Q1', 'Q2', 'Q3']) {
      // Same clock reading for all three: the cursor breaks the tie by id.
      const res = await p.usApi.call('POST', `${base()}/messages`, {
        as: ann,
        body: msg({ precedence: 'FLASH', subject }),
      });
      assert.equal(res.statusCode, 201, res.body);
      ids.push(res.json().draft.id);
    }
    const all = (await p.usApi.call('GET', '/api/v1/drafts?limit=200', { as: rex })).json();
    assert.equal(all.next, null);
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/drafts?limit=2${next ? `&after=${encodeURIComponent(next)}` : ''}`;
      const page = (await p.usApi.call('GET', url, { as: rex })).json();
      assert.ok(page.drafts.length <= 2);
      seen.push(...page.drafts.map((d: { id: string }) => d.id));
      next = page.next;
      pages++;
    } while (next !== null && pages < 10);
    assert.deepEqual(
      seen,
      all.drafts.map((d: { id: string }) => d.id),
    );
    for (const id of ids) assert.ok(seen.includes(id), id);
    assert.equal(new Set(seen).size, seen.length, 'no draft twice');
    assert.deepEqual(failure(await p.usApi.call('GET', '/api/v1/drafts?limit=201', { as: rex })), {
      status: 400,
      code: 'PARLEY_E_INVALID_REQUEST',
      message: 'invalid request query at limit: Too big: expected number to be <=200',
    });
    assert.equal(
      failure(await p.usApi.call('GET', '/api/v1/drafts?after=nonsense', { as: rex })).message,
      'invalid request query at after: expected the `next` of a previous page',
    );
    // Leave the queue as it was for the tests after this one.
    for (const id of ids)
      assert.equal((await p.usApi.call('POST', `/api/v1/drafts/${id}/release`, { as: rex, body: {} })).statusCode, 200);
  });

  it('pages the message list newest first', async () => {
    const first = (await p.usApi.call('GET', `${base()}/messages?limit=2`, { as: ann })).json();
    assert.equal(first.messages.length, 2);
    assert.ok(first.next);
    const rest = (
      await p.usApi.call('GET', `${base()}/messages?limit=200&before=${encodeURIComponent(first.next)}`, { as: ann })
    ).json();
    const all = (await p.usApi.call('GET', `${base()}/messages?limit=200`, { as: ann })).json();
    assert.deepEqual(
      [...first.messages, ...rest.messages].map((m: { id: string }) => m.id),
      all.messages.map((m: { id: string }) => m.id),
    );
    assert.equal(rest.next, null);
    const serials = all.messages.map((m: { serial: number }) => m.serial);
    assert.deepEqual(
      serials,
      [...serials].sort((a, b) => b - a),
    );
  });

  it('lists what is overdue, counts down to the target, and raises alarms for it', async () => {
    const sent = (await p.usApi.call('POST', `${base()}/messages`, { as: ann, body: msg({ subject: 'Late' }) })).json();
    await p.quiet();
    p.clock.advance(361 * minute);
    // Six hours on, every session has ended (idle limit): sign in again.
    ann = await p.usApi.login(ann.name);
    const overdue = (await p.usApi.call('GET', `${base()}/overdue`, { as: ann })).json().overdue;
    const late = overdue.find((o: { id: string }) => o.id === sent.id);
    assert.ok(late, JSON.stringify(overdue));
    assert.deepEqual(late.missing, [{ party: 'cn-jsd', stored: true }]);
    assert.equal(late.overdueSeconds, 60);
    assert.ok(!overdue.some((o: { id: string }) => o.id === routine), 'the acknowledged one is not overdue');
    const view = (await p.usApi.call('GET', `${base()}/messages/${sent.id}`, { as: ann })).json();
    assert.equal(view.overdue, true);
    assert.equal(view.dueInSeconds, -60);

    await new HandlingAlarms(p.us, { log: pino({ level: 'silent' }) }).check();
    const alarms = (await p.usApi.call('GET', `/api/v1/alarms?channel=${p.channel}`, { as: ann })).json().alarms;
    assert.ok(
      alarms.some(
        (a: { kind: string; message: string }) => a.kind === 'handling-target' && a.message.includes('"Late"'),
      ),
      JSON.stringify(alarms),
    );
  });

  it('answers PARLEY_E_INTERNAL, not a crash, when the console API was set up without a node', async () => {
    const bare = await apiHarness(t);
    const res = await bare.call('GET', '/api/v1/channels', { as: await bare.signedIn(['analyst']) });
    assert.deepEqual([res.statusCode, failure(res).code], [500, 'PARLEY_E_INTERNAL']);
    await bare.app.close();
  });

  it('refuses a channel this node does not hold, and a message id that is not a message', async () => {
    const other = 'A'.repeat(43);
    assert.deepEqual(failure(await p.usApi.call('GET', `/api/v1/channels/${other}/messages`, { as: ann })), {
      status: 404,
      code: 'PARLEY_E_UNKNOWN_CHANNEL',
      message: `unknown channel ${other}`,
    });
    assert.deepEqual(failure(await p.usApi.call('GET', `${base()}/messages/${other}`, { as: ann })), {
      status: 404,
      code: 'PARLEY_E_NOT_FOUND',
      message: `no entry ${other}`,
    });
  });
});
