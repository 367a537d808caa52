import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { examples } from '@parley/contract';
import type { Browser, Page } from 'playwright-core';
import { acceptOffer, eventually, initParties, liveStatus, ok, type Party, tempRoot } from '../test-util/nodes.js';
import { type ApiClient, apiAs, consoleUrl } from './_api.js';
import { addUser, browserMissing, launch, signIn } from './_browser.js';

const missing = browserMissing();
if (missing) console.log(`skipping the console XSS browser tests: ${missing}`);

const lastLine = (out: string) => out.trim().split('\n').pop()!;
const hour = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Markup that would set window.__xss if any console view rendered peer text as HTML. */
const payload = (field: string) =>
  `${field}"'><img src=x onerror="window.__xss='${field}'"><script>window.__xss='${field}'</script><svg onload="window.__xss='${field}'">`;

describe('what a peer writes never runs in the console', { skip: missing ?? false }, () => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  let channel = '';
  let browser: Browser;
  let page: Page;
  let cnOps: ApiClient;
  const errors: string[] = [];

  before(async () => {
    [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'])) as [Party, Party];
    await us.node.start();
    await cn.node.start();
    // The peer names the channel.
    channel = lastLine(
      await ok(['channel', 'propose', '--dir', cn.dir, '--name', payload('channel name'), '--members', 'cn-jsd,us-js']),
    );
    await acceptOffer(us, channel);
    await eventually(
      async () => (await liveStatus(cn.dir)).channels.find((c) => c.id === channel && c.state === 'active'),
      20_000,
      'channel active',
    );
    for (const [p, name, role] of [
      [us, 'ops', 'operator'],
      [us, 'usadmin', 'admin'],
      [cn, 'duty', 'operator'],
      [cn, 'cnadmin', 'admin'],
    ] as const)
      await addUser(p.dir, name, role);
    const usBase = consoleUrl(us.dir);
    const cnBase = consoleUrl(cn.dir);
    cnOps = await apiAs(cnBase, 'duty');

    // The peer's mechanism, message, official translation, request, incident and commitment, each full of markup.
    const cnAdmin = await apiAs(cnBase, 'cnadmin');
    const mechanism = {
      id: 'dtl',
      names: { en: payload('mechanism name'), 'zh-Hans': payload('mechanism name zh') },
      level: 2,
      kinds: ['call'],
      counterparts: [
        { party: 'cn-jsd', principal: payload('counterpart') },
        { party: 'us-js', principal: 'Secretary of Defense' },
      ],
    };
    const amendment = await cnAdmin.post<{ id: string }>(`/channels/${channel}/mechanisms/amendments`, {
      mechanism,
      summary: payload('amendment summary'),
    });
    const usAdmin = await apiAs(usBase, 'usadmin');
    await eventually(
      () => usAdmin.post(`/channels/${channel}/mechanisms/amendments/${amendment.id}/accept`),
      15_000,
      'amendment accepted',
    );
    await eventually(
      async () =>
        (await cnOps.get<{ mechanisms: Array<{ id: string }> }>(`/channels/${channel}/mechanisms`)).mechanisms.length >
        0,
      15_000,
      'mechanism in force at cn-jsd',
    );
    const sent = await cnOps.post<{ id: string }>(`/channels/${channel}/messages`, {
      precedence: 'PRIORITY',
      subject: payload('subject'),
      text: payload('text'),
      language: 'zh-Hans',
      translation: { language: 'en', text: payload('official translation') },
    });
    await cnOps.post(`/channels/${channel}/engagements`, {
      type: 'request',
      body: {
        mechanism: 'dtl',
        kind: 'call',
        subject: payload('request subject'),
        language: 'en',
        principals: {
          requester: [{ name: payload('principal'), title: payload('title'), party: 'cn-jsd' }],
          responder: [{ name: 'Lloyd Austin', title: 'Secretary of Defense', party: 'us-js' }],
        },
        slots: [{ start: iso(Date.now() + 24 * hour), durationMinutes: 60, timeZone: 'Asia/Shanghai' }],
        agenda: [payload('agenda')],
        deadline: iso(Date.now() + 2 * hour),
      },
    });
    const incident = examples['incident-report'];
    await cnOps.post(`/channels/${channel}/incidents`, {
      type: 'incident-report',
      body: {
        ...incident,
        time: iso(Date.now() - hour),
        position: { ...incident.position, description: payload('position') },
        units: { reporter: [{ name: payload('unit'), type: payload('unit type') }], other: incident.units.other },
        narrative: payload('narrative'),
      },
    });
    await cnOps.post(`/channels/${channel}/commitments`, {
      type: 'commitment-propose',
      body: { text: payload('commitment'), language: 'en', due: '2030-06-30' },
    });
    const usOps = await apiAs(usBase, 'ops');
    await eventually(
      async () => (await usOps.get<{ messages: unknown[] }>(`/channels/${channel}/messages`)).messages.length > 0,
      15_000,
      'message at us-js',
    );
    // A notification in a charter format, and the peer contesting our incident with its own account.
    await cnOps.post(`/channels/${channel}/notifications`, {
      type: 'notification',
      body: {
        format: 'exercise',
        language: 'en',
        data: {
          name: payload('notification'),
          exerciseType: 'maritime',
          start: iso(Date.now() + hour),
          end: iso(Date.now() + 5 * hour),
          area: { centre: { lat: 20, lon: 120 }, radiusKm: 50, description: payload('area') },
          forces: [{ service: 'navy', description: payload('force') }],
        },
      },
    });
    const ours = await usOps.post<{ id: string }>(`/channels/${channel}/incidents`, {
      type: 'incident-report',
      body: { ...incident, time: iso(Date.now() - 2 * hour) },
    });
    await eventually(
      () =>
        cnOps.post(`/channels/${channel}/incidents`, {
          type: 'incident-response',
          body: { incident: ours.id, response: 'contest', account: payload('contest account') },
        }),
      15_000,
      'contest',
    );
    void sent;

    browser = await launch();
    page = (await signIn(browser, usBase, 'ops')).page;
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(`window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));`);
    await page.reload();
  });
  after(async () => {
    await browser?.close();
    await us?.node.stop();
    await cn?.node.stop();
    cleanup();
  });

  /** After the view settles: nothing ran, and nothing even tried (a CSP violation would mean markup got in). */
  async function clean(view: string) {
    await page.waitForTimeout(300);
    const state = (await page.evaluate(
      '({ flag: window.__xss ?? null, violations: window.__violations ?? null })',
    )) as {
      flag: string | null;
      violations: string[] | null;
    };
    assert.deepEqual(state, { flag: null, violations: [] }, view);
    assert.deepEqual(errors, [], view);
  }

  it('shows the message, its official translation and the channel name as text', async () => {
    await page.getByRole('link', { name: 'Watch floor' }).click();
    const row = page.getByTestId('queue-row').filter({ hasText: payload('subject') });
    await row.waitFor({ timeout: 15_000 });
    await clean('watch floor');
    await row.getByRole('button', { name: /^Open/ }).click();
    await page.getByRole('heading', { name: payload('subject') }).waitFor();
    assert.equal(await page.locator('.message > .text').textContent(), payload('text'));
    await page.getByText(payload('official translation')).waitFor();
    await clean('message view');
    await page.getByRole('link', { name: 'Compose' }).click();
    await page
      .getByRole('option', { name: new RegExp(payload('channel name').slice(0, 20)) })
      .waitFor({ state: 'attached' });
    await clean('compose');
  });

  it('shows requests, incidents, commitments, mechanisms and metrics as text', async () => {
    const views: Array<[string, string]> = [
      ['Engagements', payload('request subject')],
      ['Incidents', payload('narrative')],
      ['Incidents', payload('contest account')],
      ['Notifications', 'exercise'],
      ['Commitments', payload('commitment')],
      ['Mechanisms and links', payload('mechanism name')],
    ];
    for (const [view, text] of views) {
      await page.getByRole('link', { name: view }).click();
      await page.getByRole('cell').filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
      await clean(view);
    }
    for (const view of ['Readouts', 'Metrics']) {
      await page.getByRole('link', { name: view }).click();
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await clean(view);
    }
  });
});
