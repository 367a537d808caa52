import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isParleyError, type Precedence } from '@parley/contract';
import { forEachDialect } from '../store/_util.js';
import { nodePair } from './_util.js';
import type { Compose } from './compose.js';
import { listDrafts } from './drafts.js';
import { databaseOf } from './hotline-db.js';
import type { Person } from './person.js';
import { type Drafted, releaseDraft, type Sent, submitMessage } from './send-message.js';
import { addOfficialTranslation } from './views.js';

const ann: Person = { user: 'ann', roles: ['operator'] };
const rex: Person = { user: 'rex', roles: ['releaser'] };
const roy: Person = { user: 'roy', roles: ['operator', 'releaser'] };
const people = new Map([ann, rex, roy].map((p) => [p.user, p]));
const drafterOf = async (name: string) => people.get(name) ?? { user: name, roles: [] };

function compose(precedence: Precedence, more: Partial<Compose> = {}): Compose {
  return {
    precedence,
    subject: 'Subject',
    text: 'Text.',
    language: 'en',
    marking: 'UNCLASSIFIED',
    attachments: [],
    ...more,
  };
}

const forbidden = (pattern: RegExp) => (e: unknown) =>
  isParleyError(e, 'PARLEY_E_FORBIDDEN') && pattern.test(e.message);

forEachDialect('hotline sending and two-person release', (t) => {
  it('sends what needs one person, and drafts what needs two until a releaser releases it', async () => {
    const { us, channel } = await nodePair(t);
    const routine = (await submitMessage(us, channel, ann, compose('ROUTINE'))) as Sent;
    assert.equal(routine.kind, 'sent');
    assert.deepEqual(routine.release, { drafter: 'ann', emergency: false });
    const stored = JSON.parse((await us.store.getEntryById(routine.id))!.body);
    assert.deepEqual([stored.serial, stored.release], [1, { drafter: 'ann', emergency: false }]);

    const drafted = (await submitMessage(us, channel, ann, compose('FLASH'))) as Drafted;
    assert.equal(drafted.kind, 'drafted');
    assert.deepEqual(
      { ...drafted.draft, id: undefined, createdAt: undefined },
      {
        id: undefined,
        channel,
        drafter: 'ann',
        createdAt: undefined,
        body: compose('FLASH'),
        state: 'pending',
        releasedBy: null,
        releasedAt: null,
        entryId: null,
        emergency: false,
      },
    );
    assert.equal((await us.store.head(channel, 'us-js'))?.seq, 1, 'nothing written for the draft');

    const id = drafted.draft.id;
    await assert.rejects(releaseDraft(us, id, ann, drafterOf), forbidden(/FLASH is under two-person release/));
    await assert.rejects(
      releaseDraft(us, id, { user: 'bob', roles: ['operator'] }, drafterOf),
      forbidden(/bob may not release a draft by ann/),
    );
    await assert.rejects(
      releaseDraft(us, id, rex, drafterOf, true),
      forbidden(/an emergency release is by one person alone/),
    );
    const released = await releaseDraft(us, id, rex, drafterOf);
    assert.deepEqual(released.release, { drafter: 'ann', releaser: 'rex', emergency: false });
    assert.equal(released.serial, 2);
    const [draft] = await listDrafts(databaseOf(us.store), { channel });
    assert.deepEqual(
      [draft?.state, draft?.releasedBy, draft?.entryId, draft?.emergency],
      ['released', 'rex', released.id, false],
    );
    await assert.rejects(releaseDraft(us, id, roy, drafterOf), {
      code: 'PARLEY_E_DRAFT_STATE',
      message: `draft ${id} is released, not pending`,
    });
    await assert.rejects(releaseDraft(us, 'no-such-draft', roy, drafterOf), {
      code: 'PARLEY_E_NOT_FOUND',
      message: 'no draft no-such-draft',
    });
  });

  it('lets a releaser send alone in an emergency, flagged, and nobody else', async () => {
    const { us, channel } = await nodePair(t);
    const sent = (await submitMessage(us, channel, rex, compose('IMMEDIATE'), true)) as Sent;
    assert.deepEqual(sent.release, { drafter: 'rex', emergency: true });
    assert.deepEqual(JSON.parse((await us.store.getEntryById(sent.id))!.body).release, {
      drafter: 'rex',
      emergency: true,
    });
    await assert.rejects(
      submitMessage(us, channel, ann, compose('FLASH'), true),
      forbidden(/ann may not release a FLASH message alone/),
    );
    await assert.rejects(
      submitMessage(us, channel, rex, compose('ROUTINE')),
      forbidden(/rex may not draft a ROUTINE message: that needs the operator role/),
    );
    await assert.rejects(
      submitMessage(us, channel, ann, compose('ROUTINE'), true),
      forbidden(/ROUTINE is not under two-person release/),
    );
    // Its drafter, a releaser, may release a pending draft alone as an emergency.
    const drafted = (await submitMessage(us, channel, roy, compose('FLASH'))) as Drafted;
    const alone = await releaseDraft(us, drafted.draft.id, roy, drafterOf, true);
    assert.deepEqual(alone.release, { drafter: 'roy', emergency: true });
    assert.equal((await listDrafts(databaseOf(us.store), { state: 'released' }))[0]?.emergency, true);
  });

  it('refuses an official translation added after a two-person message: its text would skip the second person', async () => {
    const { us, channel } = await nodePair(t, {}, { languages: ['en', 'zh-Hans'] });
    const drafted = (await submitMessage(us, channel, ann, compose('FLASH'))) as Drafted;
    const flash = await releaseDraft(us, drafted.draft.id, rex, drafterOf);
    const head = (await us.store.head(channel, 'us-js'))?.seq;
    await assert.rejects(
      addOfficialTranslation(us, channel, flash.id, ann, { language: 'zh-Hans', text: 'Anything at all.' }),
      forbidden(/FLASH message, under two-person release/),
    );
    assert.equal((await us.store.head(channel, 'us-js'))?.seq, head, 'nothing sent');
    // With the message, the translation is released by the same two people; after a ROUTINE one, it may follow.
    const routine = (await submitMessage(us, channel, ann, compose('ROUTINE'))) as Sent;
    const added = await addOfficialTranslation(us, channel, routine.id, ann, { language: 'zh-Hans', text: '译文。' });
    assert.equal(added.seq, (head ?? 0) + 2);
  });

  it('releases a draft once when two releasers race', async () => {
    const { us, channel } = await nodePair(t);
    const drafted = (await submitMessage(us, channel, ann, compose('FLASH'))) as Drafted;
    const results = await Promise.allSettled([
      releaseDraft(us, drafted.draft.id, rex, drafterOf),
      releaseDraft(us, drafted.draft.id, roy, drafterOf),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal(refused.reason.code, 'PARLEY_E_DRAFT_STATE');
    assert.equal((await us.store.head(channel, 'us-js'))?.seq, 1, 'one message');
  });

  it('refuses a draft whose drafter no longer may draft, and messages the charter or schema would not take', async () => {
    const { us, channel } = await nodePair(t);
    const drafted = (await submitMessage(us, channel, ann, compose('FLASH'))) as Drafted;
    const demoted = async (name: string) => ({ user: name, roles: [] });
    await assert.rejects(
      releaseDraft(us, drafted.draft.id, rex, demoted),
      forbidden(/ann may not draft a FLASH message/),
    );
    assert.equal((await listDrafts(databaseOf(us.store)))[0]?.state, 'pending', 'still pending');
    await assert.rejects(submitMessage(us, channel, ann, compose('ROUTINE', { marking: 'SECRET' })), {
      code: 'PARLEY_E_USAGE',
      message: 'marking "SECRET" is not in the charter (UNCLASSIFIED)',
    });
    await assert.rejects(submitMessage(us, channel, ann, compose('FLASH', { subject: ' ' })), {
      code: 'PARLEY_E_SCHEMA',
    });
    await assert.rejects(submitMessage(us, channel, ann, compose('ROUTINE', { replyTo: 'A'.repeat(43) })), {
      code: 'PARLEY_E_NOT_FOUND',
    });
    assert.equal(await us.store.head(channel, 'us-js'), undefined);
  });
});
