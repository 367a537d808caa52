import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { examples } from '@parley/contract';
import { verifyBundle } from '@parley/record';
import type { Browser } from 'playwright-core';
import { configFile } from '../config/node-config.js';
import { acceptOffer, eventually, initParties, liveStatus, ok, type Party, tempRoot } from '../test-util/nodes.js';
import { apiAs, consoleUrl } from './_api.js';
import { addUser, browserMissing, launch, screenshot, signIn } from './_browser.js';

const missing = browserMissing();
if (missing) console.log(`skipping the forms, record explorer and links board browser tests: ${missing}`);

const lastLine = (out: string) => out.trim().split('\n').pop()!;
const hour = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('the forms, the record explorer and the links board in a browser', { skip: missing ?? false }, () => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let cn: Party;
  let channel = '';
  let browser: Browser;

  before(async () => {
    [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'])) as [Party, Party];
    // A quick heartbeat, so that a peer gone shows as DOWN within seconds.
    const config = JSON.parse(readFileSync(configFile(us.dir), 'utf8')) as { heartbeatSeconds: number };
    writeFileSync(configFile(us.dir), JSON.stringify({ ...config, heartbeatSeconds: 0.5 }, null, 2));
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
    await addUser(us.dir, 'ana', 'analyst');
    await addUser(us.dir, 'ops', 'operator');
    const ops = await apiAs(consoleUrl(us.dir), 'ops');
    for (const subject of ['One', 'Two', 'Three']) {
      await ops.post(`/channels/${channel}/messages`, { precedence: 'ROUTINE', subject, text: `${subject}.` });
    }
    await addUser(cn.dir, 'cnops', 'operator');
    await addUser(us.dir, 'boss', 'admin');
    await addUser(cn.dir, 'cnboss', 'admin');
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await us?.node.stop();
    await cn?.node.stop();
    cleanup();
  });

  it('writes a notification from the charter format’s JSON Schema, refused by the node until it fits', async () => {
    const { page, context } = await signIn(browser, consoleUrl(us.dir), 'ops');
    await page.getByRole('link', { name: 'Notifications' }).click();
    const form = page.getByTestId('notification-form');
    await form.locator('summary').click();
    await form.getByLabel('Format').selectOption('missile-launch');
    const field = (path: string) => form.locator(`[id="f-missile-launch.${path}"]`);
    await field('missileCategory').waitFor();
    // Nothing filled: the node checks the data against the format's schema and says why not.
    await form.getByRole('button', { name: 'Submit' }).click();
    await form.getByRole('alert').waitFor();
    await field('missileCategory').selectOption('ballistic-medium-range');
    await field('purpose').selectOption('test');
    await field('launchWindowStart').fill(iso(Date.now() + hour));
    await field('launchWindowEnd').fill(iso(Date.now() + 3 * hour));
    for (const area of ['launchArea', 'impactArea']) {
      await form.locator(`[id="f-missile-launch.${area}-variant"]`).selectOption({ label: 'Circle' });
      await field(`${area}.v1.centre.lat`).fill(area === 'launchArea' ? '40.1' : '35.2');
      await field(`${area}.v1.centre.lon`).fill(area === 'launchArea' ? '-120.5' : '-140.7');
      await field(`${area}.v1.radiusKm`).fill('25');
    }
    await field('count').fill('1');
    await form.getByRole('button', { name: 'Submit' }).click();
    await form
      .getByRole('status')
      .filter({ hasText: /Recorded as entry/ })
      .waitFor();
    assert.equal(await form.getByRole('alert').count(), 0);
    await page.getByTestId('notifications').getByRole('cell', { name: 'missile-launch' }).waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'notification-form');
    await context.close();
  });

  it('reports an incident, contests the other side’s with an account, and proposes a commitment', async () => {
    const { page, context } = await signIn(browser, consoleUrl(us.dir), 'ops');
    await page.getByRole('link', { name: 'Incidents' }).click();
    const form = page.getByTestId('incident-form');
    await form.locator('summary').click();
    await form.getByLabel(/Time of the encounter/).fill(iso(Date.now() - hour));
    await form.getByLabel('Latitude').fill('16.5');
    await form.getByLabel('Longitude').fill('112.3');
    await form.getByLabel('Place description').fill('Near the Paracel Islands');
    await form.getByLabel('Domain').selectOption('sea');
    await form.locator('input[name="ours-name-0"]').fill('USS Example');
    await form.locator('input[name="ours-type-0"]').fill('Arleigh Burke-class destroyer');
    await form.locator('input[name="ours-hull-0"]').fill('DDG-99');
    await form.locator('input[name="theirs-name-0"]').fill('Unknown');
    await form.locator('input[name="theirs-type-0"]').fill('Type 052D destroyer');
    await form.getByLabel(/Closest approach/).fill('45');
    await form.getByLabel('Approach within an unsafe distance').check();
    await form.getByLabel('Crossing ahead of the bow or nose').check();
    await form.getByLabel('Narrative', { exact: true }).fill('Crossed 45 m ahead of our bow.');
    await form.getByRole('button', { name: 'Submit' }).click();
    await form
      .getByRole('status')
      .filter({ hasText: /Recorded as entry/ })
      .waitFor();
    await page.getByTestId('incident').filter({ hasText: 'Near the Paracel Islands' }).waitFor();

    // The other side reports one; we contest it with our own account.
    const cnApi = await apiAs(consoleUrl(cn.dir), 'cnops');
    await cnApi.post(`/channels/${channel}/incidents`, {
      type: 'incident-report',
      body: {
        ...examples['incident-report'],
        time: iso(Date.now() - 2 * hour),
        position: { lat: 10.1, lon: 114.2, description: 'Their report place' },
      },
    });
    const theirs = page.getByTestId('incident').filter({ hasText: 'Their report place' });
    await theirs.waitFor({ timeout: 20_000 });
    await theirs.getByRole('button', { name: 'Contest with our account' }).click();
    await theirs.getByLabel('Our account').fill('Our ship kept 2 nm and its course throughout.');
    await theirs.getByRole('button', { name: 'Submit' }).click();
    await theirs.locator('td[data-state="contested"]').waitFor();
    assert.match((await theirs.textContent()) ?? '', /Our ship kept 2 nm and its course throughout\./);
    await screenshot(page, 'incident-form');

    await page.getByRole('link', { name: 'Commitments' }).click();
    const commit = page.getByTestId('commitment-form');
    await commit.locator('summary').click();
    await commit.getByLabel('Commitment').fill('Hold a working-level maritime safety talk in Q1.');
    await commit.getByLabel(/Due date/).fill('2027-03-31');
    await commit.getByRole('button', { name: 'Submit' }).click();
    await commit
      .getByRole('status')
      .filter({ hasText: /Recorded as entry/ })
      .waitFor();
    await page
      .getByTestId('commitments')
      .getByRole('cell', { name: 'Hold a working-level maritime safety talk in Q1.' })
      .waitFor();
    await context.close();
  });

  it('amends the charter with a mechanism that the other side accepts, both through the console', async () => {
    const { page, context } = await signIn(browser, consoleUrl(us.dir), 'boss');
    await page.getByRole('link', { name: 'Mechanisms and links' }).click();
    const form = page.getByTestId('amend-form');
    await form.locator('summary').click();
    await form.getByLabel('Mechanism id').fill('mmca');
    await form.getByLabel('Name (English)').fill('Military Maritime Consultative Agreement talks');
    await form.getByLabel('Name (Chinese)').fill('海上军事安全磋商机制会谈');
    await form.getByLabel('Level').selectOption('3');
    await form.getByLabel('meeting', { exact: true }).check();
    await form.getByLabel('working-group', { exact: true }).check();
    await form.getByLabel('Principal of us-js').fill('Commander, US Pacific Fleet');
    await form.getByLabel('Principal of cn-jsd').fill('PLA Navy delegation head');
    await form.getByLabel('Summary of the change').fill('Adds the MMCA talks');
    await form.getByRole('button', { name: 'Submit' }).click();
    await form
      .getByRole('status')
      .filter({ hasText: /Recorded as entry/ })
      .waitFor();
    await page
      .getByTestId('amendments')
      .getByText(/Adds the MMCA talks/)
      .waitFor();

    const cnAdmin = await signIn(browser, consoleUrl(cn.dir), 'cnboss');
    await cnAdmin.page.getByRole('link', { name: 'Mechanisms and links' }).click();
    const pending = cnAdmin.page
      .getByTestId('amendments')
      .getByRole('listitem')
      .filter({ hasText: 'Adds the MMCA talks' });
    await pending.getByRole('button', { name: 'Accept amendment' }).click({ timeout: 20_000 });
    await cnAdmin.context.close();

    // In force on A once B's acceptance arrives: the mechanism is listed, and the amendment no longer pending.
    await page
      .getByTestId('mechanisms')
      .getByRole('cell', { name: 'Military Maritime Consultative Agreement talks' })
      .waitFor({ timeout: 20_000 });
    await page.getByTestId('amendments').waitFor({ state: 'detached', timeout: 20_000 });
    await context.close();
  });

  it('browses the feeds page by page, verifies the stored record and downloads an evidence bundle', async () => {
    const { page, context } = await signIn(browser, consoleUrl(us.dir), 'ana');
    await page.getByRole('link', { name: 'Record explorer' }).click();
    const feed = page.getByTestId('record-feeds').locator('tr[data-author="us-js"]');
    await feed.waitFor();
    const length = Number(await feed.locator('td').first().textContent());
    assert.ok(length >= 3, `us-js feed has ${length} entries`);
    await feed.getByRole('button', { name: 'Browse us-js' }).click();
    const entries = page.getByTestId('record-entries');
    await entries.locator('tr[data-seq="1"]').waitFor();
    const types = await entries.locator('tbody tr td:nth-child(2)').allTextContents();
    assert.equal(types.filter((x) => x === 'message').length, 3, types.join());
    assert.equal(await entries.locator('tbody tr').count(), Math.min(length, 50));

    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'The stored record verifies.' }).waitFor();
    await screenshot(page, 'record-explorer');

    await page.getByLabel(/Disclose bodies/).fill('message');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export evidence' }).first().click(),
    ]);
    assert.match(download.suggestedFilename(), /^evidence-[\w-]+\.json$/);
    const bundle = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
      entries: Array<{ header: { type: string }; body?: unknown }>;
    };
    const report = verifyBundle(bundle);
    assert.ok(
      report.feeds.some((f) => f.author === 'us-js' && f.disclosed === 3),
      JSON.stringify(report.feeds),
    );
    assert.ok(bundle.entries.every((e) => e.body === undefined || e.header.type === 'message'));
    await context.close();
  });

  it("shows the peer link's state, RTT, offset and last contact, and its fall to DOWN without a reload", async () => {
    const { page, context } = await signIn(browser, consoleUrl(us.dir), 'ana');
    await page.getByRole('link', { name: 'Mechanisms and links' }).click();
    const row = page.getByTestId('links').locator('tr[data-peer="cn-jsd"]');
    await row.and(page.locator('[data-state="UP"]')).waitFor({ timeout: 20_000 });
    const cells = await row.locator('td').allTextContents();
    // state, endpoint, RTT, offset, last contact, unconfirmed per channel
    assert.equal(cells[0], 'up', cells.join(' | '));
    assert.match(cells[1] ?? '', /^https:\/\/127\.0\.0\.1:\d+/, cells.join(' | '));
    assert.match(cells[2] ?? '', /^\d+ ms$/, cells.join(' | '));
    assert.match(cells[3] ?? '', /^[+-]?\d+ ms$/, cells.join(' | '));
    assert.match(cells[4] ?? '', /^\d{6}Z [A-Z]{3} \d{2}$/, cells.join(' | '));
    assert.match(cells[5] ?? '', /^Defense hotline: \d+$/, cells.join(' | '));
    await screenshot(page, 'links');

    // The page is not reloaded: the `link` event (and the board's own refresh) bring the change.
    await page.evaluate('window.__sameDocument = true');
    await cn.node.stop('SIGKILL');
    await row.and(page.locator('[data-state="DOWN"]')).waitFor({ timeout: 60_000 });
    assert.equal(await row.locator('td').first().textContent(), 'down');
    assert.equal(await page.evaluate('window.__sameDocument'), true, 'the board changed without a page reload');
    await context.close();
  });
});
