import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** dist/app, seen from dist/node/test. */
const app = fileURLToPath(new URL('../../app/', import.meta.url));
const budgetBytes = 300 * 1024;

/** The scripts index.html loads at once: its module entries and whatever they preload. */
function initialScripts(html: string): string[] {
  const srcs = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]!);
  const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
  return [...new Set([...srcs, ...preloads])];
}

describe('the console bundle', () => {
  it('is built (npm run build)', () => {
    assert.ok(existsSync(`${app}index.html`), `no ${app}index.html: run npm run build`);
  });

  it(`loads at most ${budgetBytes / 1024} KB of gzipped JavaScript before the first view`, () => {
    const html = readFileSync(`${app}index.html`, 'utf8');
    const scripts = initialScripts(html);
    assert.ok(scripts.length > 0, 'index.html loads no script');
    const sizes = scripts.map((src) => gzipSync(readFileSync(`${app}${src.replace(/^\//, '')}`), { level: 9 }).length);
    const total = sizes.reduce((a, b) => a + b, 0);
    console.log(`initial JavaScript: ${(total / 1024).toFixed(1)} KB gzipped in ${scripts.length} file(s)`);
    assert.ok(total <= budgetBytes, `${total} bytes gzipped > ${budgetBytes}`);
  });

  it('keeps the map and the charts out of the initial load', () => {
    const html = readFileSync(`${app}index.html`, 'utf8');
    const entry = readFileSync(`${app}${initialScripts(html)[0]!.replace(/^\//, '')}`, 'utf8');
    assert.doesNotMatch(entry, /"Afghanistan"|u-legend/, 'world-atlas or uPlot in the entry chunk');
  });

  it('fetches nothing from another host', () => {
    const html = readFileSync(`${app}index.html`, 'utf8');
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
  });
});
