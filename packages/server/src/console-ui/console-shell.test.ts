import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { initParties, type Party, tempRoot } from '../test-util/nodes.js';
import { addUser, browserMissing, launch, screenshot, signIn } from './_browser.js';

const missing = browserMissing();
if (missing) console.log(`skipping the console shell browser tests: ${missing}`);

describe('the console shell in a browser', { skip: missing ?? false }, () => {
  const { root, cleanup } = tempRoot();
  let us: Party;
  let base = '';
  let browser: Browser;

  before(async () => {
    [us] = (await initParties(root, ['us-js'])) as [Party];
    await addUser(us.dir, 'admin', 'admin');
    await addUser(us.dir, 'ops', 'operator');
    await addUser(us.dir, 'rex', 'releaser');
    await us.node.start();
    base = (JSON.parse(readFileSync(join(us.dir, 'serve.json'), 'utf8')) as { console: string }).console;
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await us?.node.stop();
    cleanup();
  });

  it('is served at / and for app paths with a strict CSP and no inline script', async () => {
    for (const path of ['/', '/watch', '/admin/users']) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 200, path);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      const html = await res.text();
      assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'every script has a src');
      assert.doesNotMatch(html, /https?:\/\//, 'nothing from another host');
    }
  });

  it('refuses a wrong password with the node’s message', async () => {
    const context = await browser.newContext({ baseURL: base });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('User name').fill('ops');
    await page.getByLabel('Password').fill('wrong password here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /Sign-in failed/ })
      .waitFor();
    await screenshot(page, 'sign-in');
    await context.close();
  });

  it('shows each person the views their permissions allow', async () => {
    const navOf = async (name: string) => {
      const { page, context } = await signIn(browser, base, name);
      const links = await page.getByRole('navigation').getByRole('link').allTextContents();
      await context.close();
      return links;
    };
    const ops = await navOf('ops');
    assert.ok(ops.includes('Watch floor') && ops.includes('Compose'), ops.join());
    assert.ok(!ops.includes('Release queue') && !ops.includes('Users') && !ops.includes('Audit log'), ops.join());
    const rex = await navOf('rex');
    assert.ok(rex.includes('Release queue') && !rex.includes('Compose'), rex.join());
    const admin = await navOf('admin');
    assert.ok(
      admin.includes('Users') && admin.includes('Audit log') && admin.includes('Record explorer'),
      admin.join(),
    );
  });

  it('lets an admin read the audit log, times as date-time groups with local time on hover', async () => {
    const { page, context } = await signIn(browser, base, 'admin');
    await page.getByRole('link', { name: 'Audit log' }).click();
    const row = page.getByRole('row').filter({ hasText: 'session.login' }).first();
    await row.waitFor();
    const time = row.locator('time').first();
    assert.match((await time.textContent()) ?? '', /^\d{6}Z [A-Z]{3} \d{2}$/);
    assert.ok(((await time.getAttribute('title')) ?? '').length > 0, 'local time on hover');
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('cell', { name: 'rex', exact: true }).waitFor();
    await screenshot(page, 'admin-users');
    await context.close();
  });

  it('switches to Simplified Chinese and back', async () => {
    const { page, context } = await signIn(browser, base, 'ops');
    await page.getByTestId('language').selectOption('zh');
    await page.getByRole('link', { name: '值班台' }).waitFor();
    assert.equal(await page.evaluate('document.documentElement.lang'), 'zh-Hans');
    await page.reload();
    await page.getByRole('link', { name: '拟稿' }).waitFor();
    await page.getByTestId('language').selectOption('en');
    await page.getByRole('link', { name: 'Compose' }).waitFor();
    await context.close();
  });

  it('can be used from the keyboard, the focus visible', async () => {
    const { page, context } = await signIn(browser, base, 'ops');
    await page.keyboard.press('Tab');
    const skip = await page.evaluate('document.activeElement?.textContent');
    assert.equal(skip, 'Skip to content');
    await page.keyboard.press('Tab');
    // Page scripts are strings: this package compiles without the DOM's types.
    const outline = (await page.evaluate(`(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { tag: el.tagName, outline: style.outlineStyle, width: style.outlineWidth };
    })()`)) as { tag: string; outline: string; width: string };
    assert.notEqual(outline.outline, 'none', JSON.stringify(outline));
    assert.notEqual(outline.width, '0px', JSON.stringify(outline));
    await context.close();
  });

  it('runs under a CSP that blocks injected inline script and event-handler attributes', async () => {
    const { page, context } = await signIn(browser, base, 'ops');
    // (The test's own evaluate runs as devtools, which CSP does not govern; what it injects is the page's.)
    const outcome = await page.evaluate(`(async () => {
      const violations = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const s = document.createElement('script');
      s.textContent = 'window.__xss = 1';
      document.body.append(s);
      const div = document.createElement('div');
      div.innerHTML = '<img src="data:," onerror="window.__xss = 2"><img src="x:y" onerror="window.__xss = 3">';
      document.body.append(div);
      await new Promise((r) => setTimeout(r, 300));
      return { flag: window.__xss ?? null, blocked: violations.length > 0 };
    })()`);
    assert.deepEqual(outcome, { flag: null, blocked: true });
    await context.close();
  });
});
