import assert from 'node:assert/strict';
import { it } from 'node:test';
import { appendAudit } from '../accounts/audit-rows.js';
import { apiPair } from '../api/_node-util.js';
import { forEachDialect } from '../store/_util.js';
import { nodePair } from './_util.js';
import type { Compose } from './compose.js';
import { databaseOf } from './hotline-db.js';
import type { Person } from './person.js';
import { type Sent, type SentAlongside, submitMessage } from './send-message.js';

// docs/decisions/0017: a sent message's audit row is written in the message's
// own transaction, and concurrent submissions share one commit.

const ann: Person = { user: 'ann', roles: ['operator'] };

function compose(subject: string): Compose {
  return { precedence: 'ROUTINE', subject, text: 'Text.', language: 'en', marking: 'UNCLASSIFIED', attachments: [] };
}

forEachDialect('the send path', (t) => {
  it('writes the audit row with the message, and neither when the audit row fails', async () => {
    const { us, channel } = await nodePair(t);
    const db = databaseOf(us.store);
    const audit: SentAlongside = (trx, sent) =>
      appendAudit(trx, us.now(), {
        user: 'ann',
        action: 'messages.send',
        target: sent.id,
        address: 'cli',
        details: { serial: sent.serial },
      });
    const sent = (await submitMessage(us, channel, ann, compose('one'), false, audit)) as Sent;
    const rows = await db.selectFrom('audit_log').selectAll().where('target', '=', sent.id).execute();
    assert.equal(rows.length, 1);
    assert.deepEqual(JSON.parse(rows[0]!.details), { serial: sent.serial });

    const before = (await us.store.head(channel, us.party))!.seq;
    const failing: SentAlongside = async (trx, s) => {
      await audit(trx, s);
      throw new Error('the audit log cannot be written');
    };
    await assert.rejects(submitMessage(us, channel, ann, compose('two'), false, failing), /audit log cannot/);
    assert.equal((await us.store.head(channel, us.party))!.seq, before, 'no entry without its audit row');
    const all = await db.selectFrom('audit_log').select('target').where('action', '=', 'messages.send').execute();
    assert.equal(all.length, 1, 'no audit row without its entry');
  });

  it('commits submissions made together in one transaction, each with its own audit row', async () => {
    const { us, channel } = await nodePair(t);
    const transactions = new Set<unknown>();
    const audit: SentAlongside = (trx, sent) => {
      transactions.add(trx);
      return appendAudit(trx, us.now(), {
        user: 'ann',
        action: 'messages.send',
        target: sent.id,
        address: 'cli',
        details: {},
      });
    };
    const n = 20;
    const sent = (await Promise.all(
      Array.from({ length: n }, (_, i) => submitMessage(us, channel, ann, compose(`m${i}`), false, audit)),
    )) as Sent[];
    assert.equal(transactions.size, 1, 'one commit for the submissions made in the same turn');
    assert.deepEqual(
      sent.map((s) => s.serial).sort((a, b) => a - b),
      Array.from({ length: n }, (_, i) => i + 1),
    );
    const rows = await databaseOf(us.store).selectFrom('audit_log').select('target').execute();
    assert.deepEqual(rows.map((r) => r.target).sort(), sent.map((s) => s.id).sort());
  });

  it('audits a message sent through the console API exactly once, with the sender and address', async () => {
    const p = await apiPair(t);
    try {
      const ann = await p.usApi.signedIn(['operator']);
      const body = { precedence: 'ROUTINE', subject: 'Call', text: 'A call at 1400Z.' };
      const res = await p.usApi.call('POST', `/api/v1/channels/${p.channel}/messages`, { as: ann, body });
      assert.equal(res.statusCode, 201, res.body);
      const sent = res.json();
      const rows = [];
      for await (const row of p.usApi.accounts.auditRows({ action: 'messages.submit' })) rows.push(row);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.user, ann.name);
      assert.equal(rows[0]!.target, sent.id);
      assert.equal(typeof rows[0]!.address, 'string');
      assert.deepEqual(rows[0]!.details, {
        channel: p.channel,
        precedence: 'ROUTINE',
        outcome: 'sent',
        serial: sent.serial,
      });
    } finally {
      await p.close();
    }
  });
});
