import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { limits } from '../limits.js';
import { entryId, isoDate, isoTime, languageTag, longText, nonce, shortText, signature, timeZone } from './common.js';
import { formatPath } from './issue.js';

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown) =>
  assert.equal(schema.safeParse(value).success, true, `refused ${JSON.stringify(value)}`);
const bad = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown) =>
  assert.equal(schema.safeParse(value).success, false, `passed ${JSON.stringify(value)}`);

describe('field schemas', () => {
  it('takes times exactly as toISOString() writes them', () => {
    ok(isoTime, new Date(0).toISOString());
    ok(isoTime, '2024-02-29T23:59:59.999Z');
    for (const t of ['2023-02-29T00:00:00.000Z', '2023-12-21T13:05:00Z', '2023-12-21T13:05:00.000+00:00'])
      bad(isoTime, t);
    for (const t of ['2023-12-21t13:05:00.000z', '2023-12-21T24:00:00.000Z', '+002023-12-21T13:05:00.000Z'])
      bad(isoTime, t);
  });

  it('takes calendar dates that exist', () => {
    ok(isoDate, '2024-02-29');
    bad(isoDate, '2023-02-29');
    bad(isoDate, '2023-2-1');
  });

  it('takes only canonical base64url of the right length', () => {
    ok(entryId, 'LprRBETKUD0n-s1ex3zp9lUJOTAQeNc-K3UjWWQc3LM');
    bad(entryId, 'LprRBETKUD0n-s1ex3zp9lUJOTAQeNc-K3UjWWQc3LN'); // non-zero padding bits
    bad(entryId, 'LprRBETKUD0n+s1ex3zp9lUJOTAQeNc/K3UjWWQc3LM'); // base64, not base64url
    bad(entryId, 'LprRBETKUD0n-s1ex3zp9lUJOTAQeNc-K3UjWWQc3LM=');
    ok(nonce, 'QUR769MHZSk31mcU7hgpSQ');
    bad(nonce, 'QUR769MHZSk31mcU7hgpSR');
    ok(signature, `${'A'.repeat(85)}w`);
    bad(signature, `${'A'.repeat(85)}x`);
  });

  it('takes BCP 47 tags in canonical case', () => {
    for (const tag of ['en', 'zh-Hans', 'zh-Hans-CN', 'en-GB', 'es-419', 'de-CH-1996']) ok(languageTag, tag);
    for (const tag of ['EN', 'zh-hans', 'zh_Hans', 'english', 'en-', '']) bad(languageTag, tag);
  });

  it('takes IANA time zone names by form', () => {
    for (const zone of ['UTC', 'Asia/Shanghai', 'America/Argentina/Buenos_Aires', 'Etc/GMT+8']) ok(timeZone, zone);
    for (const zone of ['+08:00', 'asia/shanghai', 'Asia/', 'Asia Shanghai']) bad(timeZone, zone);
  });

  it('bounds short text to one line and long text to its limit', () => {
    ok(shortText, '联合参谋部');
    ok(shortText, 'x'.repeat(limits.shortText));
    for (const text of ['', '   ', 'a\nb', 'a\tb', 'bell\u0007', 'a\u2028b', 'x'.repeat(limits.shortText + 1)])
      bad(shortText, text);
    ok(longText, 'para one\n\n\tpara two');
    for (const text of ['\n', 'a\r\nb', 'nul\u0000', 'x'.repeat(limits.longText + 1)]) bad(longText, text);
  });
});

describe('formatPath', () => {
  it('writes dot and bracket paths', () => {
    assert.equal(formatPath(['slots', 1, 'start']), 'slots[1].start');
    assert.equal(formatPath(['names', 'zh-Hans']), 'names["zh-Hans"]');
    assert.equal(formatPath([0, 'a']), '[0].a');
    assert.equal(formatPath([]), '');
  });
});
