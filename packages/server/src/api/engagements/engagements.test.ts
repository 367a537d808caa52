import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { engagementState } from '../../engagement/act.js';
import { engagementViews } from '../../engagement/fold.js';
import { compareReadouts } from '../../engagement/readouts.js';
import { forEachDialect } from '../../store/_util.js';
import { type ApiPair, apiPair, failure } from '../_node-util.js';
import type { Client } from '../_util.js';

const hour = 3_600_000;

const dtl = {
  id: 'dtl',
  names: { en: 'Defense Telephone Link', 'zh-Hans': '国防部直通电话' },
  level: 2,
  kinds: ['call', 'video-teleconference'],
  counterparts: [
    { party: 'us-js', principal: 'Chairman of the Joint Chiefs of Staff' },
    { party: 'cn-jsd', principal: 'Chief of the Joint Staff Department' },
  ],
};

forEachDialect('engagement through the console API', (t) => {
  let p: ApiPair;
  let usAdmin: Client;
  let usOp: Client;
  let usAnalyst: Client;
  let cnAdmin: Client;
  let cnOp: Client;
  let request = '';
  let meeting = '';
  const base = () => `/api/v1/channels/${p.channel}`;
  const iso = (ms: number) => new Date(ms).toISOString();

  /** Signs everyone in anew: the tests move the shared clock past session lifetimes. */
  async function signIn() {
    usAdmin = await p.usApi.signedIn(['admin']);
    usOp = await p.usApi.signedIn(['operator']);
    usAnalyst = await p.usApi.signedIn(['analyst']);
    cnAdmin = await p.cnApi.signedIn(['admin']);
    cnOp = await p.cnApi.signedIn(['operator']);
  }

  before(async () => {
    p = await apiPair(t, {
      live: true,
      charter: {
        languages: ['en', 'zh-Hans'],
        glossary: [
          { terms: { en: 'respect', 'zh-Hans': '尊重' } },
          { terms: { en: 'miscalculation', 'zh-Hans': '误判' } },
        ],
      },
    });
    await signIn();
  });
  after(async () => {
    await p.close();
    assert.deepEqual(p.linkErrors, []);
  });

  it('POST /engagements: 401, then 400 with the exact message, then 403, then the rules', async () => {
    const url = `${base()}/engagements`;
    assert.equal(
      failure(await p.usApi.call('POST', url, { body: { type: 'request' } })).code,
      'PARLEY_E_UNAUTHENTICATED',
    );
    const bad = failure(await p.usApi.call('POST', url, { as: usOp, body: { type: 'message', body: {} } }));
    assert.equal(bad.status, 400);
    assert.equal(bad.code, 'PARLEY_E_INVALID_REQUEST');
    assert.equal(
      bad.message,
      'invalid request body at type: Invalid option: expected one of "request"|"request-accept"|"request-decline"|"request-counter"|"request-withdraw"|"meeting"|"meeting-confirm"|"meeting-postpone"|"meeting-cancel"|"readout"',
    );
    const forbidden = failure(await p.usApi.call('POST', url, { as: usAnalyst, body: { type: 'request', body: {} } }));
    assert.equal(forbidden.code, 'PARLEY_E_FORBIDDEN');
    const schema = failure(
      await p.usApi.call('POST', url, { as: usOp, body: { type: 'request', body: { mechanism: 'dtl' } } }),
    );
    assert.equal(schema.status, 400);
    assert.equal(schema.code, 'PARLEY_E_SCHEMA');
  });

  it('adds a mechanism by amendment and acceptance, both through the API', async () => {
    const forbidden = await p.usApi.call('POST', `${base()}/mechanisms/amendments`, {
      as: usOp,
      body: { mechanism: dtl },
    });
    assert.equal(failure(forbidden).code, 'PARLEY_E_FORBIDDEN');
    const res = await p.usApi.call('POST', `${base()}/mechanisms/amendments`, {
      as: usAdmin,
      body: { mechanism: dtl },
    });
    assert.equal(res.statusCode, 201, res.body);
    const amendment = res.json().id as string;
    await p.settle();
    const accepted = await p.cnApi.call('POST', `${base()}/mechanisms/amendments/${amendment}/accept`, { as: cnAdmin });
    assert.equal(accepted.statusCode, 201, accepted.body);
    await p.settle();
    const list = await p.usApi.call('GET', `${base()}/mechanisms`, { as: usAnalyst });
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(
      list.json().mechanisms.map((m: { id: string; state: string }) => [m.id, m.state]),
      [['dtl', 'active']],
    );
  });

  it('a request answered through the API; the rules refuse with 409 and the exact reason', async () => {
    const now = p.clock.now();
    const body = {
      mechanism: 'dtl',
      kind: 'video-teleconference',
      subject: 'Chiefs of defence video teleconference',
      language: 'en',
      principals: {
        requester: [{ name: 'Charles Q. Brown Jr.', title: 'Chairman', party: 'us-js' }],
        responder: [{ name: 'Liu Zhenli', title: 'Chief of the JSD', party: 'cn-jsd' }],
      },
      slots: [{ start: iso(now + 5 * 24 * hour), durationMinutes: 60, timeZone: 'America/New_York' }],
      agenda: ['Crisis communication'],
    };
    const res = await p.usApi.call('POST', `${base()}/engagements`, { as: usOp, body: { type: 'request', body } });
    assert.equal(res.statusCode, 201, res.body);
    request = res.json().id;
    await p.settle();
    const wrong = failure(
      await p.cnApi.call('POST', `${base()}/engagements`, {
        as: cnOp,
        body: { type: 'request-accept', body: { request, slot: 3 } },
      }),
    );
    assert.deepEqual(wrong, {
      status: 409,
      code: 'PARLEY_E_RULE',
      message: `request-accept refused: slot 3 is not among the 1 slot(s) proposed in ${request.slice(0, 8)}`,
    });
    p.clock.advance(2 * hour);
    await signIn();
    const ok = await p.cnApi.call('POST', `${base()}/engagements`, {
      as: cnOp,
      body: { type: 'request-accept', body: { request, slot: 0 } },
    });
    assert.equal(ok.statusCode, 201, ok.body);
    await p.settle();
    const list = (await p.usApi.call('GET', `${base()}/engagements`, { as: usAnalyst })).json();
    const r = list.requests.find((x: { id: string }) => x.id === request);
    assert.equal(r.state, 'accepted');
    assert.equal(r.answerMs, 2 * hour);
  });

  it('compares readouts of a meeting, with an imported public readout of the other side', async () => {
    p.clock.advance(5 * 24 * hour);
    await signIn();
    const m = await p.usApi.call('POST', `${base()}/engagements`, {
      as: usOp,
      body: {
        type: 'meeting',
        body: {
          request,
          mechanism: 'dtl',
          kind: 'video-teleconference',
          start: iso(p.clock.now() - 2 * hour),
          durationMinutes: 60,
          participants: [{ name: 'Charles Q. Brown Jr.', title: 'Chairman', party: 'us-js' }],
          medium: 'video-teleconference',
        },
      },
    });
    assert.equal(m.statusCode, 201, m.body);
    meeting = m.json().id;
    const own = await p.usApi.call('POST', `${base()}/engagements`, {
      as: usOp,
      body: {
        type: 'readout',
        body: {
          meeting,
          text: 'The Chairman stressed managing competition responsibly to avoid miscalculation, and open lines of communication.',
          language: 'en',
          visibility: 'public',
        },
      },
    });
    assert.equal(own.statusCode, 201, own.body);
    const imported = await p.usApi.call('POST', `${base()}/meetings/${meeting}/readouts/import`, {
      as: usOp,
      body: {
        url: 'https://www.mod.gov.cn/example',
        text: '双方应相互尊重。Respect for core interests; respect for sovereignty. 尊重',
        language: 'zh-Hans',
      },
    });
    assert.equal(imported.statusCode, 201, imported.body);
    const long = failure(
      await p.usApi.call('POST', `${base()}/meetings/${meeting}/readouts/import`, {
        as: usOp,
        body: { url: `https://www.mod.gov.cn/${'x'.repeat(600)}`, text: 't', language: 'en' },
      }),
    );
    assert.equal(long.code, 'PARLEY_E_INVALID_REQUEST');
    assert.equal(long.message, 'invalid request body at url: must be at most 512 characters');
    const cmp = (await p.usApi.call('GET', `${base()}/meetings/${meeting}/readouts`, { as: usAnalyst })).json();
    assert.deepEqual(cmp.sides.sort(), ['cn-jsd', 'us-js']);
    const respect = cmp.terms.find((x: { terms: { en: string } }) => x.terms.en === 'respect');
    assert.deepEqual(respect.counts, { 'us-js': 0, 'cn-jsd': 4 });
    assert.deepEqual(cmp.termsOnlyBy, { 'us-js': ['miscalculation'], 'cn-jsd': ['respect'] });
    assert.equal(cmp.readouts['cn-jsd'][0].external.importedBy, 'us-js');
    assert.equal(cmp.readouts['cn-jsd'][0].external.url, 'https://www.mod.gov.cn/example');
  });

  it('commitments, incidents, notifications and suspension through their routes', async () => {
    const c = await p.usApi.call('POST', `${base()}/commitments`, {
      as: usOp,
      body: {
        type: 'commitment-propose',
        body: { text: 'Resume theater commanders’ calls', language: 'en', sourceMeeting: meeting },
      },
    });
    assert.equal(c.statusCode, 201, c.body);
    await p.settle();
    const agreed = await p.cnApi.call('POST', `${base()}/commitments`, {
      as: cnOp,
      body: { type: 'commitment-agree', body: { commitment: c.json().id } },
    });
    assert.equal(agreed.statusCode, 201, agreed.body);
    await p.settle();
    const tree = (await p.usApi.call('GET', `${base()}/commitments`, { as: usAnalyst })).json();
    assert.deepEqual(tree.roots, [c.json().id]);
    assert.equal(tree.commitments[0].state, 'agreed');

    const n = await p.cnApi.call('POST', `${base()}/notifications`, {
      as: cnOp,
      body: {
        type: 'notification',
        body: {
          format: 'missile-launch',
          language: 'en',
          data: {
            missileCategory: 'space-launch-vehicle',
            purpose: 'space-launch',
            launchWindowStart: iso(p.clock.now() + hour),
            launchWindowEnd: iso(p.clock.now() + 3 * hour),
            launchArea: { centre: { lat: 40.9, lon: 100.3 }, radiusKm: 10 },
            impactArea: { centre: { lat: 20, lon: 130 }, radiusKm: 100 },
          },
        },
      },
    });
    assert.equal(n.statusCode, 201, n.body);
    await p.settle();
    const notes = (await p.usApi.call('GET', `${base()}/notifications`, { as: usAnalyst })).json();
    assert.deepEqual(notes.notifications[0].awaiting, ['us-js']);
    assert.equal(notes.notifications[0].ackDeadline, iso(Date.parse(notes.notifications[0].time) + hour));
    assert.ok(notes.formats.some((f: { id: string }) => f.id === 'exercise'));

    const i = await p.cnApi.call('GET', `${base()}/incidents`, { as: cnOp });
    assert.deepEqual(i.json(), { incidents: [] });

    const s = await p.cnApi.call('POST', `${base()}/mechanisms`, {
      as: cnAdmin,
      body: {
        type: 'mechanism-suspend',
        body: { mechanism: 'dtl', reason: 'Countermeasures', effective: iso(p.clock.now()) },
      },
    });
    assert.equal(s.statusCode, 201, s.body);
    await p.settle();
    const mech = (await p.usApi.call('GET', `${base()}/mechanisms`, { as: usAnalyst })).json().mechanisms[0];
    assert.equal(mech.state, 'suspended');
    assert.deepEqual(mech.suspendedBy, ['cn-jsd']);
  });

  it("every GET answers the rules' views field for field, and the OpenAPI documents those fields", async () => {
    const report = await p.cnApi.call('POST', `${base()}/incidents`, {
      as: cnOp,
      body: {
        type: 'incident-report',
        body: {
          time: iso(p.clock.now() - hour),
          position: { lat: 20.1, lon: 115.2 },
          domain: 'air',
          units: { reporter: [{ name: 'J-11', type: 'fighter' }], other: [{ name: 'RC-135', type: 'reconnaissance' }] },
          closestApproachMeters: 6,
          altitudeMeters: 9000,
          behaviours: ['close-approach'],
          narrative: 'Unsafe intercept.',
          language: 'en',
          attachments: [],
        },
      },
    });
    assert.equal(report.statusCode, 201, report.body);
    await p.settle();
    const response = await p.usApi.call('POST', `${base()}/incidents`, {
      as: usOp,
      body: {
        type: 'incident-response',
        body: { incident: report.json().id, response: 'contest', account: 'Routine flight.', discussedAt: meeting },
      },
    });
    assert.equal(response.statusCode, 201, response.body);
    await p.settle();

    const s = await engagementState(p.us, p.channel);
    const v = engagementViews(s, p.us.now());
    const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
    const get = async (path: string) => {
      const r = await p.usApi.call('GET', `${base()}${path}`, { as: usAnalyst });
      assert.equal(r.statusCode, 200, r.body);
      return r.json() as unknown;
    };
    assert.ok(v.requests[0]!.proposals.length > 0 && v.meetings[0]!.participants.length > 0);
    assert.deepEqual(
      await get('/engagements'),
      json({ requests: v.requests, meetings: v.meetings, violations: v.violations }),
    );
    assert.ok(v.commitments[0]!.agreedBy.length > 0);
    assert.deepEqual(
      await get('/commitments'),
      json({ commitments: v.commitments, roots: v.commitments.filter((c) => !c.parent).map((c) => c.id) }),
    );
    assert.equal(v.incidents[0]?.responses[0]?.discussedAt, meeting);
    assert.deepEqual(await get('/incidents'), json({ incidents: v.incidents }));
    assert.deepEqual(
      await get('/notifications'),
      json({ notifications: v.notifications, formats: v.charter.notificationFormats }),
    );
    assert.ok(v.mechanisms[0]!.history.length > 0 && v.amendments.length > 0);
    assert.deepEqual(
      await get('/mechanisms'),
      json({ mechanisms: v.mechanisms, amendments: v.amendments, answerDeadlineHours: v.charter.answerDeadlineHours }),
    );
    const members = s.requests.mechanisms.members;
    const readouts = s.readouts.filter((r) => r.meeting === meeting);
    assert.ok(readouts.some((r) => r.external));
    assert.deepEqual(
      await get(`/meetings/${meeting}/readouts`),
      json(compareReadouts(meeting, readouts, v.charter.glossary, members)),
    );

    const doc = (await p.usApi.call('GET', '/api/docs/json')).json();
    const ok = (path: string) =>
      doc.paths[`/api/v1/channels/{channel}${path}`].get.responses['200'].content['application/json'].schema;
    const items = (
      schema: { properties: Record<string, { items: { properties: Record<string, unknown> } }> },
      key: string,
    ) => Object.keys(schema.properties[key]!.items.properties).sort();
    assert.ok(items(ok('/engagements'), 'requests').includes('proposals'));
    assert.ok(items(ok('/engagements'), 'meetings').includes('participants'));
    assert.ok(items(ok('/commitments'), 'commitments').includes('claims'));
    assert.ok(items(ok('/incidents'), 'incidents').includes('responses'));
    assert.ok(items(ok('/notifications'), 'notifications').includes('acks'));
    assert.ok(items(ok('/mechanisms'), 'mechanisms').includes('history'));
    assert.ok(items(ok('/mechanisms'), 'amendments').includes('charter'));
  });
});
