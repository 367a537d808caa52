import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogues, translate } from '../i18n/translate.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the console catalogues', () => {
  it('English and Simplified Chinese have the same keys', () => {
    assert.deepEqual(Object.keys(catalogues.zh).sort(), Object.keys(catalogues.en).sort());
  });
  it('every string has the same placeholders in both', () => {
    for (const [key, text] of Object.entries(catalogues.en)) {
      assert.deepEqual(placeholders(catalogues.zh[key as keyof typeof catalogues.zh]), placeholders(text), key);
    }
  });
  it('no Chinese string is left in English', () => {
    const same = Object.keys(catalogues.en).filter(
      (k) => catalogues.en[k as keyof typeof catalogues.en] === catalogues.zh[k as keyof typeof catalogues.zh],
    );
    assert.deepEqual(same, []);
  });
  it('fills placeholders', () => {
    assert.equal(translate('en', 'compose.sent', { serial: 7 }), 'Sent as serial 7.');
    assert.equal(translate('zh', 'compose.sent', { serial: 7 }), '已发送，编号 7。');
  });
});
