import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { pgUrl, requirePostgres } from '../test-util/node-databases.js';
import {
  cli,
  control,
  eventually,
  freePort,
  liveStatus,
  ok,
  ServedNode,
  status,
  tempRoot,
} from '../test-util/nodes.js';

const title =
  'two `parley serve` processes of one party over one PostgreSQL database: concurrent sends through both never fork its feed';

/**
 * DESIGN.md, "Where it grows": several processes per party over one
 * PostgreSQL database; appends serialised per feed by the database.
 *
 * alpha runs two processes with the same keys and data directory contents
 * (copied, with other link and console ports) over one PostgreSQL schema;
 * its card lists both link endpoints, so bravo (SQLite) can reach either.
 * Messages are sent through both processes' control APIs at once.
 */
if (requirePostgres(title)) {
  describe(title, () => {
    const { root, cleanup } = tempRoot();
    const schema = `parley_scale_${randomBytes(6).toString('hex')}`;
    const alphaEnv = { PARLEY_DATABASE_URL: pgUrl, PARLEY_DATABASE_SCHEMA: schema };
    const bravoEnv = { PARLEY_DATABASE_URL: '', PARLEY_DATABASE_SCHEMA: '' }; // its SQLite file
    const alpha1 = join(root, 'alpha-1');
    const alpha2 = join(root, 'alpha-2');
    const bravo = join(root, 'bravo');
    const nodes: ServedNode[] = [];
    const linkPorts: number[] = [];
    let channel = '';
    const perProcess = 25;
    const sent: Array<{ via: string; subject: string; id: string; seq: number; serial: number }> = [];

    const sql = async <T>(text: string): Promise<T[]> => {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      try {
        return (await client.query(text)).rows as T[];
      } finally {
        await client.end();
      }
    };

    before(async () => {
      const [l1, l2, c1, c2, lb, cb] = await Promise.all(Array.from({ length: 6 }, () => freePort()));
      linkPorts.push(l1!, l2!);
      const init = (
        dir: string,
        party: string,
        link: number,
        consolePort: number,
        extra: string[],
        env: NodeJS.ProcessEnv,
      ) =>
        ok(
          [
            'init',
            '--dir',
            dir,
            '--party',
            party,
            '--name',
            `Party ${party}`,
            '--link-port',
            String(link),
            '--console-port',
            String(consolePort),
            ...extra,
          ],
          env,
        );
      await Promise.all([
        init(
          alpha1,
          'alpha',
          l1!,
          c1!,
          ['--endpoint', `https://127.0.0.1:${l1}`, '--endpoint', `https://127.0.0.1:${l2}`],
          alphaEnv,
        ),
        init(bravo, 'bravo', lb!, cb!, [], bravoEnv),
      ]);
      const alphaCard = join(root, 'alpha.card.json');
      const bravoCard = join(root, 'bravo.card.json');
      writeFileSync(alphaCard, await ok(['peer', 'card', '--dir', alpha1], alphaEnv));
      writeFileSync(bravoCard, await ok(['peer', 'card', '--dir', bravo], bravoEnv));
      await ok(['peer', 'add', '--dir', bravo, alphaCard], bravoEnv);
      await ok(['peer', 'add', '--dir', alpha1, bravoCard], alphaEnv); // into the shared database
      // The second process: the same keys, token and config, other ports.
      cpSync(alpha1, alpha2, { recursive: true });
      const config = JSON.parse(readFileSync(join(alpha2, 'config.json'), 'utf8'));
      config.link.port = l2;
      config.console.port = c2;
      writeFileSync(join(alpha2, 'config.json'), JSON.stringify(config, null, 2));
      for (const [dir, env] of [
        [alpha1, alphaEnv],
        [alpha2, alphaEnv],
        [bravo, bravoEnv],
      ] as const) {
        nodes.push(new ServedNode(dir, env));
      }
      await Promise.all(nodes.map((n) => n.start()));
    });

    after(async () => {
      for (const node of nodes) await node.stop();
      await sql(`drop schema if exists ${schema} cascade`).catch(() => {});
      cleanup();
    });

    it('opens a channel that both processes serve', async () => {
      const out = await ok(
        ['channel', 'propose', '--dir', alpha1, '--name', 'Scaled', '--members', 'alpha,bravo'],
        alphaEnv,
      );
      channel = out.trim().split('\n').pop()!;
      await eventually(async () => (await liveStatus(bravo)).channels.find((c) => c.id === channel), 15_000, 'offer');
      await ok(['channel', 'accept', '--dir', bravo, channel], bravoEnv);
      for (const dir of [alpha1, alpha2]) {
        await eventually(
          async () => (await liveStatus(dir)).channels.find((c) => c.id === channel && c.state === 'active'),
          15_000,
          `active at ${dir}`,
        );
      }
      const served = [alpha1, alpha2].map((d) => JSON.parse(readFileSync(join(d, 'serve.json'), 'utf8')));
      assert.notEqual(served[0].pid, served[1].pid, 'two processes');
      assert.deepEqual(
        served.map((s) => Number(new URL(s.link).port)),
        linkPorts,
      );
      const link = (await liveStatus(bravo)).peers.find((p) => p.party === 'alpha')!.link!;
      assert.deepEqual(
        link.endpoints.map((e) => e.url),
        linkPorts.map((p) => `https://127.0.0.1:${p}`),
      );
    });

    it('takes concurrent sends through both processes into one contiguous feed with unique serials', async (t) => {
      const started = Date.now();
      const results = await Promise.allSettled(
        Array.from({ length: perProcess * 2 }, async (_, i) => {
          const via = i % 2 === 0 ? alpha1 : alpha2;
          const subject = `Concurrent ${i}`;
          const r = await control<{ id: string; seq: number; serial: number }>(via, 'send', {
            channel,
            subject,
            text: `via ${via === alpha1 ? 'process 1' : 'process 2'}`,
            precedence: i % 5 === 0 ? 'FLASH' : 'ROUTINE',
            emergency: i % 5 === 0,
          });
          return { via, subject, ...r };
        }),
      );
      t.diagnostic(`${results.length} concurrent sends answered in ${Date.now() - started} ms`);
      const failed = results.filter((r) => r.status === 'rejected');
      assert.deepEqual(
        failed.map((r) => String((r as PromiseRejectedResult).reason)),
        [],
        'every send was acknowledged',
      );
      for (const r of results) if (r.status === 'fulfilled') sent.push(r.value);
      assert.equal(new Set(sent.map((s) => s.id)).size, sent.length, 'distinct entries');
      assert.equal(new Set(sent.map((s) => s.seq)).size, sent.length, 'distinct seqs');
      assert.deepEqual(
        sent.map((s) => s.serial).sort((a, b) => a - b),
        Array.from({ length: sent.length }, (_, i) => i + 1),
        'serials 1..n, each once',
      );

      // The shared database holds one chain: seqs 1..head, each once, each prev the id of the one before.
      const rows = await sql<{ seq: number; id: string; header: string }>(
        `select seq, id, header from ${schema}.entries where author = 'alpha' order by seq`,
      );
      rows.forEach((row, i) => {
        assert.equal(Number(row.seq), i + 1, 'contiguous seqs');
        const prev = (JSON.parse(row.header) as { prev: string | null }).prev;
        assert.equal(prev, i === 0 ? null : rows[i - 1]!.id, `prev of seq ${i + 1}`);
      });
      const serials = await sql<{ serial: number; n: number }>(
        `select serial, count(*)::int as n from ${schema}.messages where author = 'alpha' group by serial having count(*) > 1`,
      );
      assert.deepEqual(serials, [], 'no serial used twice');
    });

    it('delivers every message to the peer, which sees no fork and exports a record that verifies', async () => {
      const head = (await liveStatus(alpha1)).channels[0]!.heads.alpha!;
      await eventually(
        async () => ((await liveStatus(bravo)).channels[0]!.heads.alpha ?? 0) >= head,
        20_000,
        `alpha #${head} at bravo`,
      );
      const log = (await ok(['log', '--dir', bravo, '--channel', channel], bravoEnv)).trim().split('\n');
      const messages = log.filter((l) => / alpha #\d+ message /.test(l));
      assert.equal(messages.length, sent.length);
      assert.deepEqual(messages.map((l) => l.replace(/^.* \[\d+\] /, '')).sort(), sent.map((s) => s.subject).sort());
      const serials = messages.map((l) => Number(/ \[(\d+)\] /.exec(l)![1]));
      assert.equal(new Set(serials).size, serials.length, 'unique serials at bravo');
      const seqs = log
        .filter((l) => / alpha #\d+ /.test(l))
        .map((l) => Number(/ alpha #(\d+) /.exec(l)![1]))
        .sort((a, b) => a - b);
      assert.deepEqual(
        seqs,
        Array.from({ length: seqs.length }, (_, i) => i + 1),
        'alpha’s feed at bravo is contiguous',
      );

      for (const [dir, env] of [
        [alpha1, alphaEnv],
        [alpha2, alphaEnv],
        [bravo, bravoEnv],
      ] as const) {
        const s = dir === bravo ? await status(dir, env) : await liveStatus(dir);
        assert.equal(s.forks, 0, `no fork held at ${dir}`);
        assert.deepEqual(
          s.alarms.filter((a) => a.kind === 'fork'),
          [],
          `no fork alarm at ${dir}`,
        );
      }

      const bundle = await ok(['export', '--dir', bravo, '--channel', channel, '--disclose', 'message'], bravoEnv);
      const file = join(root, 'bravo.bundle.json');
      writeFileSync(file, bundle);
      const r = await cli(['verify', file]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /charter signed by every member \(alpha, bravo\)/);
    });
  });
}
