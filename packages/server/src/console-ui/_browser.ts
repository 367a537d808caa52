import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { cliPath } from '../test-util/nodes.js';

/** Debian's Chromium (never a downloaded one); PARLEY_CHROMIUM names another. */
export const chromiumPath = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';

/** docs/images, where the browser tests leave screenshots of the main views for the README. */
export const imagesDir = fileURLToPath(new URL('../../../../docs/images/', import.meta.url));

/**
 * Why the browser tests cannot run here, or null when they can. Under CI a
 * missing browser is a failure, not a reason (the caller throws).
 */
export function browserMissing(): string | null {
  if (existsSync(chromiumPath)) return null;
  const reason = `no Chromium at ${chromiumPath} (apt-get install chromium, or set PARLEY_CHROMIUM)`;
  if (process.env.CI === 'true') throw new Error(`browser tests cannot run under CI: ${reason}`);
  return reason;
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // The FLASH alarm's sound may start without a click in the test; the sandbox needs user namespaces CI lacks.
    args: ['--autoplay-policy=no-user-gesture-required', '--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** A person at a console: their own browser context (own cookies), signed in through the form. */
export async function signIn(
  browser: Browser,
  base: string,
  name: string,
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({
    baseURL: base,
    viewport: { width: 1280, height: 800 },
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${name}] page error: ${e.message}`));
  await page.goto('/');
  await page.getByLabel(/User name|用户名/).fill(name);
  await page.getByLabel(/^Password|^密码/).fill(password);
  await page.getByRole('button', { name: /^Sign in$|^登录$/ }).click();
  await page.getByRole('navigation').waitFor();
  return { page, context };
}

export const password = 'correct horse battery staple';

/** `parley user add … --password-stdin`, the password piped in. */
export function addUser(dir: string, name: string, roles: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [cliPath, 'user', 'add', '--dir', dir, '--name', name, '--role', roles, '--password-stdin'];
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`user add exited ${code}: ${out}`))));
    child.stdin.end(`${password}\n`);
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(imagesDir, { recursive: true });
  await page.screenshot({ path: `${imagesDir}${name}.png`, fullPage: false });
}

/** Whether this machine has a font for Chinese (fontconfig): without one a screenshot of the Chinese console shows boxes. */
export function hasChineseFont(): boolean {
  const r = spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim().length > 0;
}
