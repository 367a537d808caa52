import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { type Attachment, limits } from '@parley/contract';
import { forEachDialect } from '../store/_util.js';
import { nodePair } from './_util.js';
import { blobBytes, blobForPeer, blobHash, checkAttachments, storeBlob, wantedBlobs } from './attachments.js';
import { attachFiles, contentTypeOfFile } from './attachments-files.js';
import type { Compose } from './compose.js';
import { databaseOf } from './hotline-db.js';
import type { Person } from './person.js';
import { releaseDraft, type Sent, submitMessage } from './send-message.js';

const ann: Person = { user: 'ann', roles: ['operator', 'releaser'] };
const rex: Person = { user: 'rex', roles: ['releaser'] };
const bytes = Buffer.from('%PDF-1.7 track of the intercept\n');
const hash = createHash('sha256').update(bytes).digest('base64url');

function compose(attachments: Attachment[], precedence: Compose['precedence'] = 'ROUTINE'): Compose {
  return {
    precedence,
    subject: 'Track',
    text: 'See the attached track.',
    language: 'en',
    marking: 'UNCLASSIFIED',
    attachments,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'parley-attach-'));
after(() => rmSync(dir, { recursive: true, force: true }));

forEachDialect('attachments: storage and the rules of a send', (t) => {
  it('stores blobs by the base64url SHA-256 of their bytes, once', async () => {
    const { us } = await nodePair(t);
    const db = databaseOf(us.store);
    const a = await storeBlob(db, { bytes, name: 'track.pdf', contentType: 'application/pdf', now: us.now() });
    assert.deepEqual(a, { sha256: hash, name: 'track.pdf', contentType: 'application/pdf', size: bytes.byteLength });
    assert.equal(blobHash(bytes), hash);
    const again = await storeBlob(db, { bytes, name: 'other.pdf', contentType: 'application/pdf', now: us.now() });
    assert.equal(again.sha256, hash);
    assert.deepEqual(await blobBytes(db, hash), bytes);
    const n = await db
      .selectFrom('attachments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    assert.equal(Number(n?.n), 1);
  });

  it('refuses a type off the allowlist, oversize bytes and a file name with a slash, with exact messages', async () => {
    const { us } = await nodePair(t);
    const db = databaseOf(us.store);
    const now = us.now();
    await assert.rejects(storeBlob(db, { bytes, name: 'x.html', contentType: 'text/html', now }), {
      code: 'PARLEY_E_ATTACHMENT_TYPE',
      message: `attachment type text/html is not allowed (allowed: ${limits.attachmentTypes.join(', ')})`,
    });
    const big = Buffer.alloc(limits.attachmentBytes + 1);
    await assert.rejects(storeBlob(db, { bytes: big, name: 'big.bin', contentType: 'application/octet-stream', now }), {
      code: 'PARLEY_E_OVERSIZE',
      message: `attachment is ${limits.attachmentBytes + 1} bytes, over the limit of ${limits.attachmentBytes}`,
    });
    await assert.rejects(storeBlob(db, { bytes, name: '../etc/passwd', contentType: 'text/plain', now }), {
      code: 'PARLEY_E_USAGE',
      message: 'attachment name: expected a file name without / or \\',
    });
    assert.equal(await blobBytes(db, hash), undefined);
  });

  it('sends a message naming a stored blob, and refuses unknown hashes, other sizes, disallowed types, oversize', async () => {
    const { us, channel } = await nodePair(t);
    const db = databaseOf(us.store);
    const a = await storeBlob(db, { bytes, name: 'track.pdf', contentType: 'application/pdf', now: us.now() });
    const unknown = createHash('sha256').update('nothing').digest('base64url');
    await assert.rejects(submitMessage(us, channel, ann, compose([{ ...a, sha256: unknown }])), {
      code: 'PARLEY_E_ATTACHMENT_UNKNOWN',
      message: `attachment ${unknown} is not stored on this node`,
    });
    await assert.rejects(submitMessage(us, channel, ann, compose([{ ...a, size: a.size + 1 }])), {
      code: 'PARLEY_E_ATTACHMENT_MISMATCH',
      message: `attachment ${hash} does not match: the message says ${a.size + 1} bytes, the stored blob has ${a.size}`,
    });
    await assert.rejects(submitMessage(us, channel, ann, compose([{ ...a, contentType: 'image/svg+xml' }])), {
      code: 'PARLEY_E_ATTACHMENT_TYPE',
    });
    await assert.rejects(submitMessage(us, channel, ann, compose([{ ...a, size: limits.attachmentBytes + 1 }])), {
      code: 'PARLEY_E_OVERSIZE',
      message: `attachment is ${limits.attachmentBytes + 1} bytes, over the limit of ${limits.attachmentBytes}`,
    });
    assert.equal((await us.store.head(channel, 'us-js'))?.seq ?? 0, 0, 'nothing was sent');
    const sent = (await submitMessage(us, channel, ann, compose([a]))) as Sent;
    const body = JSON.parse((await us.store.getEntryById(sent.id))!.body);
    assert.deepEqual(body.attachments, [a]);
  });

  it('checks a draft again when it is released (the blob may be gone)', async () => {
    const { us, channel } = await nodePair(t);
    const db = databaseOf(us.store);
    const a = await storeBlob(db, { bytes, name: 'track.pdf', contentType: 'application/pdf', now: us.now() });
    const drafted = await submitMessage(us, channel, ann, compose([a], 'FLASH'));
    assert.equal(drafted.kind, 'drafted');
    await db.deleteFrom('attachments').execute();
    const drafterOf = async () => ann;
    await assert.rejects(releaseDraft(us, drafted.kind === 'drafted' ? drafted.draft.id : '', rex, drafterOf), {
      code: 'PARLEY_E_ATTACHMENT_UNKNOWN',
    });
  });

  it('indexes the attachments entries name, serves them only to members, and lists what a receiver lacks', async () => {
    const { us, cn, channel, settle } = await nodePair(t);
    const usDb = databaseOf(us.store);
    const a = await storeBlob(usDb, { bytes, name: 'track.pdf', contentType: 'application/pdf', now: us.now() });
    const unsent = await storeBlob(usDb, {
      bytes: Buffer.from('not named'),
      name: 'n.txt',
      contentType: 'text/plain',
      now: us.now(),
    });
    const sent = (await submitMessage(us, channel, ann, compose([a]))) as Sent;
    assert.deepEqual(await blobForPeer(us, hash, 'cn-jsd'), bytes);
    await assert.rejects(blobForPeer(us, hash, 'xx-other'), {
      code: 'PARLEY_E_NOT_FOUND',
      message: `no attachment ${hash}`,
    });
    await assert.rejects(blobForPeer(us, unsent.sha256, 'cn-jsd'), { code: 'PARLEY_E_NOT_FOUND' });
    assert.deepEqual(await wantedBlobs(usDb, 'us-js', us.now()), [], 'the author wants nothing of its own');

    await settle();
    const cnDb = databaseOf(cn.store);
    const wanted = await wantedBlobs(cnDb, 'cn-jsd', cn.now());
    assert.deepEqual(
      wanted.map((w) => [w.sha256, w.author, w.entryId, w.size, w.attempts]),
      [[hash, 'us-js', sent.id, a.size, 0]],
    );
    // The index is a projection: rebuilt from the record, it says the same.
    await cnDb.deleteFrom('attachment_refs').execute();
    assert.deepEqual(await wantedBlobs(cnDb, 'cn-jsd', cn.now()), []);
    await cn.store.rebuildProjections();
    assert.equal((await wantedBlobs(cnDb, 'cn-jsd', cn.now())).length, 1);
  });

  it('keeps a table of only the blobs it lacks: filled by entries, emptied by storing, mended when stale', async () => {
    const { us, cn, channel, settle, configs } = await nodePair(t);
    const usDb = databaseOf(us.store);
    const cnDb = databaseOf(cn.store);
    const wantedRows = async (db: typeof usDb) =>
      (await db.selectFrom('attachment_wanted').select('sha256').orderBy('sha256').execute()).map((r) => r.sha256);
    const a = await storeBlob(usDb, { bytes, name: 'track.pdf', contentType: 'application/pdf', now: us.now() });
    const other = Buffer.from('second blob, never sent to cn');
    const b = await storeBlob(usDb, { bytes: other, name: 'b.txt', contentType: 'text/plain', now: us.now() });
    await submitMessage(us, channel, ann, compose([a]));
    await submitMessage(us, channel, ann, compose([a, b]));
    assert.deepEqual(await wantedRows(usDb), [], 'the author holds what it sent');
    await settle();
    assert.deepEqual(await wantedRows(cnDb), [a.sha256, b.sha256].sort());
    assert.deepEqual(
      (await wantedBlobs(cnDb, 'cn-jsd', cn.now())).map((w) => w.sha256).sort(),
      [a.sha256, b.sha256].sort(),
    );

    // Storing a blob takes it out.
    await storeBlob(cnDb, { bytes, name: 'track.pdf', contentType: 'application/pdf', now: cn.now() });
    assert.deepEqual(await wantedRows(cnDb), [b.sha256]);
    assert.deepEqual(
      (await wantedBlobs(cnDb, 'cn-jsd', cn.now())).map((w) => w.sha256),
      [b.sha256],
    );

    // A row for a blob held (stored by a process stopped before it took the row out) is dropped when found;
    // one for a hash no other member's entry names is not asked for, and stays.
    const nobody = blobHash(Buffer.from('named by nobody'));
    await cnDb
      .insertInto('attachment_wanted')
      .values([{ sha256: a.sha256 }, { sha256: nobody }])
      .execute();
    assert.deepEqual(
      (await wantedBlobs(cnDb, 'cn-jsd', cn.now())).map((w) => w.sha256),
      [b.sha256],
    );
    assert.deepEqual(await wantedRows(cnDb), [b.sha256, nobody].sort());

    // A projection: rebuilt from the record and the blobs held, it says the same.
    await cnDb.deleteFrom('attachment_wanted').execute();
    await cn.store.rebuildProjections();
    assert.deepEqual(await wantedRows(cnDb), [b.sha256]);

    // A store made before the table (migration 0006, and 0007 after it) gets it filled from what it holds.
    await cn.store.close();
    const raw = t.raw(configs.cn);
    await raw.schema.dropIndex('messages_unsettled').execute();
    await raw.schema.alterTable('messages').dropColumn('settled').execute();
    await raw.schema.dropTable('attachment_wanted').execute();
    await raw
      .deleteFrom('kysely_migration' as never)
      .where('name' as never, 'in', ['0006-attachment-wanted', '0007-message-settled'] as never)
      .execute();
    const reopened = await t.open(configs.cn);
    assert.deepEqual(await wantedRows(databaseOf(reopened)), [b.sha256]);
  });

  it('attaches files for the CLI by extension, refusing HTML', async () => {
    const { us } = await nodePair(t);
    const pdf = join(dir, 'track.pdf');
    const html = join(dir, 'page.html');
    writeFileSync(pdf, bytes);
    writeFileSync(html, '<script>alert(1)</script>');
    assert.equal(contentTypeOfFile('x.unknown'), 'application/octet-stream');
    assert.deepEqual(await attachFiles(us, [pdf, pdf]), [
      { sha256: hash, name: 'track.pdf', contentType: 'application/pdf', size: bytes.byteLength },
    ]);
    await assert.rejects(attachFiles(us, [html]), { code: 'PARLEY_E_ATTACHMENT_TYPE' });
    await assert.rejects(attachFiles(us, [join(dir, 'missing.pdf')]), { code: 'PARLEY_E_IO' });
    await checkAttachments(databaseOf(us.store), []);
  });
});
