import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { Ed25519Signer, verifyEd25519 } from '@parley/record';
import { timeline, timelineOf } from './timeline.js';
import { install, type Mark, mark, recorded, statementLabel } from './timeline-recorder.js';

// Recording from the start: the store's PostgreSQL client, loaded below, is then marked where it sends.
install(undefined);
const { forEachDialect, pgUrl } = await import('../store/_util.js');

describe('FLASH timeline', () => {
  it('lines up two processes by round and takes the medians of the most common order', () => {
    const round = (start: number, send: number, store: number, extra?: number): { a: Mark[]; b: Mark[] } => ({
      a: [
        [start, 'round<'],
        [start + send, 'http-client-sent'],
        [start + send + store + 100, 'round>'],
      ],
      b: [[start + send + store, 'commit>'], ...(extra ? [[start + extra, 'heartbeat'] as Mark] : [])],
    });
    const rounds = [round(0, 100, 400), round(10_000, 300, 600), round(20_000, 200, 500), round(30_000, 50, 50, 60)];
    const t = timeline(
      rounds.flatMap((r) => r.a),
      rounds.flatMap((r) => r.b),
    );
    assert.equal(t.rounds, 4);
    assert.equal(t.typical, 3, 'the round with a heartbeat inside is counted, not used');
    assert.deepEqual(
      t.steps.map((s) => [s.step, s.atMs, s.sinceMs]),
      [
        ['A:round<', 0, 0],
        ['A:http-client-sent', 0.2, 0.2],
        ['B:commit>', 0.7, 0.5],
        ['A:round>', 0.8, 0.1],
      ],
    );
  });

  it('ignores marks outside rounds', () => {
    const t = timeline(
      [
        [5, 'sign<'],
        [10, 'round<'],
        [20, 'round>'],
        [30, 'sign>'],
      ],
      [[1, 'commit>']],
    );
    assert.deepEqual(
      t.steps.map((s) => s.step),
      ['A:round<', 'A:round>'],
    );
  });

  it('lines up three processes by the rounds of the one named', () => {
    const t = timelineOf(
      {
        C: [
          [0, 'round<'],
          [900, 'round>'],
          [1_000, 'round<'],
          [2_100, 'round>'],
        ],
        A: [
          [100, 'commit>'],
          [1_300, 'commit>'],
        ],
        B: [
          [500, 'commit>'],
          [1_500, 'commit>'],
          [3_000, 'commit>'],
        ],
      },
      'C',
    );
    assert.equal(t.rounds, 2);
    assert.deepEqual(
      t.steps.map((s) => [s.step, s.atMs, s.sinceMs]),
      [
        ['C:round<', 0, 0],
        ['A:commit>', 0.3, 0.3],
        ['B:commit>', 0.5, 0.4],
        ['C:round>', 1.1, 0.6],
      ],
    );
  });

  it('records signatures, verifications, SQLite begin and commit, and HTTP requests', async () => {
    install(undefined);
    const from = recorded().length;
    mark('start');
    const signer = Ed25519Signer.generate();
    const sig = signer.sign(new Uint8Array([1, 2, 3]));
    assert.ok(verifyEd25519(signer.publicKey, new Uint8Array([1, 2, 3]), sig));
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (
      file: string,
    ) => { prepare(sql: string): { run(): unknown }; close(): void };
    const db = new Database(':memory:');
    db.prepare('begin immediate').run();
    db.prepare('commit').run();
    db.close();
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await (await fetch(`http://127.0.0.1:${port}/`)).text();
    // Node's fetch is not node:http: a plain request gives the client marks too.
    const http = await import('node:http');
    await new Promise<void>((resolve, reject) =>
      http.get(`http://127.0.0.1:${port}/`, (res) => res.resume().on('end', resolve)).on('error', reject),
    );
    await new Promise((r) => server.close(r));
    const names = recorded()
      .slice(from)
      .map(([, n]) => n);
    for (const name of ['sign<', 'sign>', 'verify<', 'verify>', 'begin<', 'begin>', 'commit<', 'commit>']) {
      assert.ok(names.includes(name), `${name} in ${names.join(' ')}`);
    }
    for (const name of ['http-client-sent', 'http-client-answered', 'http-server-received', 'http-server-answered']) {
      assert.ok(names.includes(name), `${name} in ${names.join(' ')}`);
    }
    const times = recorded()
      .slice(from)
      .map(([t]) => t);
    assert.deepEqual(
      times,
      [...times].sort((x, y) => x - y),
      'marks in the order they happened',
    );
  });

  it('labels a message to PostgreSQL by its first words', () => {
    assert.equal(statementLabel('begin; select * from "feeds" where x = 1'), 'begin;select');
    assert.equal(statementLabel('begin;\nwith "locked" as (select 1) select 2'), 'begin;with');
    assert.equal(statementLabel('  INSERT into "entries" values (1); commit'), 'insert');
    assert.equal(statementLabel('commit'), 'commit');
  });
});

forEachDialect('FLASH timeline on PostgreSQL', (t) => {
  if (t.name !== 'postgres') return;
  it('marks each message the store’s client sends, and its answer', async () => {
    const { DeferringClient } = await import('../store/dialects/deferred-writes.js');
    const client = new DeferringClient({ connectionString: pgUrl });
    await client.connect();
    try {
      const from = recorded().length;
      await client.query('begin', []);
      await client.query('select 1 as one', []);
      await client.query('commit', []);
      const names = recorded()
        .slice(from)
        .map(([, n]) => n);
      assert.deepEqual(names, ['pg<begin;select', 'pg>', 'pg<commit', 'pg>'], 'the begin held, sent with the select');
    } finally {
      await client.end();
    }
  });
});
