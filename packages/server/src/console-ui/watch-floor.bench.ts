/**
 * How soon the watch floor shows a message after its node has it: for each
 * message A sends, the time B's live stream announces it (the node stored it
 * and relayed the event: the baseline, measured in the same run by a plain
 * client of /api/v1/events) and the time the row appears on B's watch floor
 * in Chromium. Target (issue 6): ≤ 200 ms from store to row.
 * Run: npm run bench:console
 */
import { percentile } from '../bench/measure.js';
import { cli, eventually, initParties, liveStatus, ok, type Party, tempRoot } from '../test-util/nodes.js';
import { apiAs, consoleUrl } from './_api.js';
import { addUser, browserMissing, launch, password, signIn } from './_browser.js';

const messages = Number(process.env.PARLEY_BENCH_MESSAGES ?? 30);

/** Wall-clock time at which each `entry` event of a message arrives on the live stream. */
async function listen(base: string, name: string, seen: Map<string, number>, signal: AbortSignal): Promise<void> {
  const login = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const res = await fetch(`${base}/api/v1/events`, { headers: { cookie }, signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += value;
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === 'entry' && data) {
          const e = JSON.parse(data) as { id: string; type: string };
          if (e.type === 'message' && !seen.has(e.id)) seen.set(e.id, Date.now());
        }
        cut = buffer.indexOf('\n\n');
      }
    }
  })();
}

async function main(): Promise<void> {
  const missing = browserMissing();
  if (missing) {
    console.log(`watch-floor bench skipped: ${missing}`);
    return;
  }
  const { root, cleanup } = tempRoot();
  const [us, cn] = (await initParties(root, ['us-js', 'cn-jsd'])) as [Party, Party];
  const browser = await launch();
  const stop = new AbortController();
  try {
    await us.node.start();
    await cn.node.start();
    const channel = (await ok(['channel', 'propose', '--dir', us.dir, '--name', 'Bench', '--members', 'us-js,cn-jsd']))
      .trim()
      .split('\n')
      .pop()!;
    await eventually(async () => (await cli(['channel', 'accept', '--dir', cn.dir, channel])).code === 0);
    await eventually(async () => (await liveStatus(us.dir)).channels.find((c) => c.state === 'active'));
    await addUser(us.dir, 'ops', 'operator');
    await addUser(cn.dir, 'duty', 'operator');
    const usApi = await apiAs(consoleUrl(us.dir), 'ops');
    const streamSeen = new Map<string, number>();
    await listen(consoleUrl(cn.dir), 'duty', streamSeen, stop.signal);
    const { page } = await signIn(browser, consoleUrl(cn.dir), 'duty');
    await page.getByRole('heading', { name: 'Watch floor' }).waitFor();
    await page.evaluate(`(() => {
      window.__rows = {};
      new MutationObserver(() => {
        for (const row of document.querySelectorAll('[data-testid="queue-row"]')) {
          const id = row.getAttribute('data-id');
          if (id && !(id in window.__rows)) window.__rows[id] = Date.now();
        }
      }).observe(document.body, { childList: true, subtree: true });
    })()`);

    const sentAt = new Map<string, number>();
    for (let i = 0; i < messages; i++) {
      const t = Date.now();
      const r = await usApi.post<{ id: string }>(`/channels/${channel}/messages`, {
        precedence: 'ROUTINE',
        subject: `Bench ${i}`,
        text: 'Latency probe.',
      });
      sentAt.set(r.id, t);
      await eventually(async () => (await page.evaluate(`'${r.id}' in window.__rows`)) as boolean, 15_000, `row ${i}`);
    }
    const rows = (await page.evaluate('window.__rows')) as Record<string, number>;
    const toStream: number[] = [];
    const toRow: number[] = [];
    for (const [id, t] of sentAt) {
      const atStream = streamSeen.get(id);
      const atRow = rows[id];
      if (atStream === undefined || atRow === undefined) continue;
      toStream.push(atStream - t);
      toRow.push(atRow - atStream);
    }
    const p = (xs: number[], q: number) => percentile(xs, q).toFixed(0);
    console.log(`watch floor, ${toRow.length} messages A → B:`);
    console.log(`  baseline: A's API → B's live stream       p50 ${p(toStream, 50)} ms  p99 ${p(toStream, 99)} ms`);
    console.log(`  console:  B's live stream → row on screen p50 ${p(toRow, 50)} ms  p99 ${p(toRow, 99)} ms`);
    console.log(
      `  ratio console/baseline p50 ${(percentile(toRow, 50) / Math.max(1, percentile(toStream, 50))).toFixed(2)}; target: row ≤ 200 ms after B has it → ${percentile(toRow, 50) <= 200 ? 'met' : 'NOT met'} at p50`,
    );
  } finally {
    stop.abort();
    await browser.close();
    await us.node.stop();
    await cn.node.stop();
    cleanup();
  }
}

await main();
