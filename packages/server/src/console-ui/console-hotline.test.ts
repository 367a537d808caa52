import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { examples } from '@parley/contract';
import type { Browser, Page } from 'playwright-core';
import { acceptOffer, eventually, initParties, liveStatus, ok, type Party, tempRoot } from '../test-util/nodes.js';
import { type ApiClient, apiAs, consoleUrl } from './_api.js';
import { addUser, browserMissing, hasChineseFont, launch, screenshot, signIn } from './_browser.js';

const missing = browserMissing();
if (missing) console.log(`skipping the two-node console browser tests: ${missing}`);

const lastLine = (out: string) => out.trim().split('\n').pop()!;
const hour = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const mechanism = {
  id: 'dtl',
  names: { en: 'Defense Telephone Link', 'zh-Hans': '国防部直通电话' },
  level: 2,
  kinds: ['call', 'video-teleconference'],
  counterparts: [
    { party: 'us-js', principal: 'Secretary of Defense' },
    { party: 'cn-jsd', principal: 'Minister of National Defense' },
  ],
};

function request(subject: string, deadlineMs: number) {
  const slot = (ms: number) => ({ start: iso(ms), durationMinutes: 60, timeZone: 'Asia/Shanghai' });
  return {
    mechanism: 'dtl',
    kind: 'call',
    subject,
    language: 'en',
    principals: {
      requester: [{ name: 'Lloyd Austin', title: 'Secretary of Defense', party: 'us-js' }],
      responder: [{ name: 'Dong Jun', title: 'Minister of National Defense', party: 'cn-jsd' }],
    },
    slots: [slot(Date.now() + 24 * hour)],
    agenda: ['Crisis communication'],
    deadline: iso(deadlineMs),
  };
}

describe('two served nodes, operated through their consoles', { skip: missing ?? false }, () => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  let channel = '';
  let browser: Browser;
  let usBase = '';
  let cnBase = '';
  let usOps: Page;
  let usRex: Page;
  let cnDuty: Page;
  let usApi: ApiClient;

  before(async () => {
    [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'])) as [Party, Party];
    await us.node.start();
    await cn.node.start();
    channel = lastLine(
      await ok(['channel', 'propose', '--dir', us.dir, '--name', 'Defense hotline', '--members', 'us-js,cn-jsd']),
    );
    await acceptOffer(cn, channel);
    await eventually(
      async () => (await liveStatus(us.dir)).channels.find((c) => c.id === channel && c.state === 'active'),
      20_000,
      'channel active',
    );
    await addUser(us.dir, 'ops', 'operator');
    await addUser(us.dir, 'rex', 'releaser');
    await addUser(us.dir, 'usadmin', 'admin');
    await addUser(cn.dir, 'duty', 'operator');
    await addUser(cn.dir, 'cnadmin', 'admin');
    usBase = consoleUrl(us.dir);
    cnBase = consoleUrl(cn.dir);
    browser = await launch();
    usOps = (await signIn(browser, usBase, 'ops')).page;
    usRex = (await signIn(browser, usBase, 'rex')).page;
    cnDuty = (await signIn(browser, cnBase, 'duty')).page;
    usApi = await apiAs(usBase, 'ops');
  });
  after(async () => {
    await browser?.close();
    await us?.node.stop();
    await cn?.node.stop();
    cleanup();
  });

  it('carries a FLASH from draft to acknowledgement, every step in a browser', async () => {
    // B watches the floor before anything is sent.
    await cnDuty.getByRole('link', { name: 'Watch floor' }).click();
    await cnDuty.getByRole('heading', { name: 'Watch floor' }).waitFor();

    // An operator on A drafts a FLASH; it waits for a second person.
    await usOps.getByRole('link', { name: 'Compose' }).click();
    await usOps.getByLabel('Precedence').selectOption('FLASH');
    await usOps.getByLabel('Subject', { exact: true }).fill('Unsafe intercept over the South China Sea');
    await usOps.getByLabel('Text', { exact: true }).fill('Request immediate call between defense chiefs.');
    await screenshot(usOps, 'compose');
    await usOps.getByRole('button', { name: 'Draft / send' }).click();
    await usOps.getByTestId('compose-outcome').filter({ hasText: 'waiting for a second person' }).waitFor();

    // A releaser on A releases it.
    await usRex.getByRole('link', { name: 'Release queue' }).click();
    const draft = usRex.getByTestId('draft-row').filter({ hasText: 'Unsafe intercept' });
    await draft.waitFor();
    await screenshot(usRex, 'release-queue');
    await draft.getByTestId('release').click();
    await draft.waitFor({ state: 'detached' });

    // It reaches B's watch floor with the FLASH alarm, seen and heard.
    await cnDuty.getByTestId('flash-alarm').waitFor({ timeout: 20_000 });
    const row = cnDuty.getByTestId('queue-row').filter({ hasText: 'Unsafe intercept' });
    await row.waitFor();
    assert.equal(await row.locator('.prec').textContent(), 'FLASH');
    assert.match((await row.getByTestId('countdown').textContent()) ?? '', /^\d\d:\d\d$/);
    assert.equal(await cnDuty.evaluate('document.body.dataset.alarmSound'), 'played');
    await screenshot(cnDuty, 'watch-floor-flash');

    // An operator on B acknowledges it; the alarm goes.
    await row.getByTestId('ack').click();
    await cnDuty.getByTestId('flash-alarm').waitFor({ state: 'detached' });

    // A's view shows B's receipt and acknowledgement by name.
    await usOps.getByRole('link', { name: 'Watch floor' }).click();
    const sent = usOps.getByTestId('queue-row').filter({ hasText: 'Unsafe intercept' });
    await sent.getByRole('button', { name: /^Open/ }).click();
    const recipient = usOps.locator('[data-testid="recipient"][data-party="cn-jsd"]');
    await recipient.and(usOps.locator('[data-state="read"]')).waitFor({ timeout: 20_000 });
    const text = (await recipient.textContent()) ?? '';
    assert.match(text, /stored at \d{6}Z [A-Z]{3} \d{2}/);
    assert.match(text, /acknowledged by duty at \d{6}Z/);
    await screenshot(usOps, 'message');
  });

  it('shows a request declined on B as declined on A, and one left past its deadline as unanswered on both', async () => {
    const admin = await apiAs(usBase, 'usadmin');
    const amendment = await admin.post<{ id: string }>(`/channels/${channel}/mechanisms/amendments`, { mechanism });
    const cnAdmin = await apiAs(cnBase, 'cnadmin');
    await eventually(
      async () => cnAdmin.post(`/channels/${channel}/mechanisms/amendments/${amendment.id}/accept`),
      15_000,
      'amendment accepted at cn-jsd',
    );
    await eventually(
      async () => {
        const list = await usApi.get<{ mechanisms: Array<{ id: string; state: string }> }>(
          `/channels/${channel}/mechanisms`,
        );
        return list.mechanisms.some((m) => m.id === 'dtl');
      },
      15_000,
      'dtl in force at us-js',
    );
    // The first through A's form (deadline: the mechanism's default answer time), the second through the API.
    await usOps.getByRole('link', { name: 'Engagements' }).click();
    await usOps.getByText('Request a call or meeting').click();
    await usOps.getByLabel('Subject', { exact: true }).fill('Call between defense ministers');
    await usOps.getByLabel('Proposed start (UTC)').fill(iso(Date.now() + 72 * hour).slice(0, 16));
    await usOps.getByLabel('Agenda (one item a line)').fill('Crisis communication\nMaritime safety');
    await usOps.getByRole('button', { name: 'Send request' }).click();
    await usOps.getByTestId('request').filter({ hasText: 'Call between defense ministers' }).waitFor();
    const deadline = Date.now() + 15_000;
    await usApi.post(`/channels/${channel}/engagements`, {
      type: 'request',
      body: request('Maritime consultation working group', deadline),
    });

    // B declines the first in its console.
    await cnDuty.getByRole('link', { name: 'Engagements' }).click();
    const incoming = cnDuty.getByTestId('request').filter({ hasText: 'Call between defense ministers' });
    await incoming.waitFor({ timeout: 20_000 });
    await cnDuty.getByTestId('decline-reason').fill('The conditions for this call are not met');
    await incoming.getByTestId('decline').click();
    await cnDuty
      .locator('[data-testid="request"][data-state="declined"]')
      .filter({ hasText: 'Call between defense ministers' })
      .waitFor();

    await usOps
      .locator('[data-testid="request"][data-state="declined"]')
      .filter({ hasText: 'Call between defense ministers' })
      .waitFor({ timeout: 20_000 });

    // Nobody answers the second: once its deadline passes, both consoles say so. Reloads are
    // spaced: each costs the session about ten API requests, and a session may make 600 a minute.
    await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
    for (const page of [usOps, cnDuty]) {
      await eventually(
        async () => {
          await page.reload();
          const row = page.getByTestId('request').filter({ hasText: 'Maritime consultation' });
          await row.waitFor({ timeout: 5_000 });
          const unanswered =
            (await row.getAttribute('data-state')) === 'unanswered' &&
            (await row.textContent())?.includes('unanswered after deadline');
          if (!unanswered) await new Promise((r) => setTimeout(r, 1_000));
          return unanswered;
        },
        40_000,
        'unanswered',
      );
    }
    await screenshot(usOps, 'engagements');
  });

  it('draws incidents on the offline map, charts metrics, and reads in Chinese', async () => {
    await usApi.post(`/channels/${channel}/incidents`, {
      type: 'incident-report',
      body: { ...examples['incident-report'], time: iso(Date.now() - hour) },
    });
    await usOps.getByRole('link', { name: 'Incidents' }).click();
    const map = usOps.getByTestId('incident-map');
    await map.locator('.incidents circle').first().waitFor({ timeout: 15_000 });
    assert.ok((await map.locator('.countries path').count()) > 100, 'country shapes drawn');
    await screenshot(usOps, 'incidents');
    await usOps.getByRole('link', { name: 'Metrics' }).click();
    await usOps.getByTestId('metrics').first().waitFor();
    await usOps.locator('.uplot').first().waitFor();
    await screenshot(usOps, 'metrics');
    // B acknowledges A's report from its incident list; A sees the state change.
    await cnDuty.getByRole('link', { name: 'Incidents' }).click();
    const report = cnDuty.getByTestId('incident').first();
    await report.getByRole('button', { name: 'Acknowledge report' }).click();
    await report.getByRole('cell', { name: 'acknowledged', exact: true }).waitFor();
    await usOps.getByRole('link', { name: 'Incidents' }).click();
    await usOps
      .getByTestId('incident')
      .first()
      .getByRole('cell', { name: 'acknowledged', exact: true })
      .waitFor({ timeout: 15_000 });
    await cnDuty.getByTestId('language').selectOption('zh');
    await cnDuty.getByRole('link', { name: '值班台' }).click();
    await cnDuty.getByRole('heading', { name: '值班台' }).waitFor();
    await cnDuty.getByTestId('queue-row').first().waitFor();
    if (hasChineseFont()) await screenshot(cnDuty, 'watch-floor-zh');
    else console.log('no Chinese font here (fonts-noto-cjk): no screenshot of the Chinese console');
  });
});
