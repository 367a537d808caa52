import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { limits } from '../limits.js';
import { changed, failure } from './_util.js';
import { bodySchemas, entryTypes, isEntryType } from './body-schemas.js';
import { examples } from './examples.js';
import { validateBody } from './validate-body.js';

describe('entry types', () => {
  it('has one schema and one example for each of the 31 types', () => {
    assert.equal(entryTypes.length, 31);
    assert.equal(new Set(entryTypes).size, 31);
    assert.deepEqual(Object.keys(bodySchemas).sort(), [...entryTypes].sort());
    assert.deepEqual(Object.keys(examples).sort(), [...entryTypes].sort());
  });

  it('refuses an unknown type, and names inherited properties unknown too', () => {
    assert.deepEqual(failure('memo', {}), { path: '', reason: 'unknown entry type' });
    assert.equal(failure('toString', {}).reason, 'unknown entry type');
    assert.equal(isEntryType('constructor'), false);
  });
});

describe('every type', () => {
  for (const type of entryTypes) {
    it(`${type}: the example passes`, () => {
      validateBody(type, examples[type]);
    });

    it(`${type}: an unknown field is refused`, () => {
      assert.deepEqual(
        failure(
          type,
          changed(type, (b) => {
            b.extra = 1;
          }),
        ),
        { path: 'extra', reason: 'unknown field' },
      );
    });

    it(`${type}: a non-object body is refused`, () => {
      assert.equal(failure(type, []).path, '');
      assert.equal(failure(type, null).path, '');
    });
  }
});

describe('plain JSON only', () => {
  it('refuses an optional field present as undefined', () => {
    const body = changed('message', (b) => {
      b.replyTo = undefined;
    });
    assert.deepEqual(failure('message', body), { path: 'replyTo', reason: 'not JSON: undefined' });
  });

  it('refuses Dates, non-finite numbers and holes', () => {
    const date = changed('meeting', (b) => {
      b.start = new Date();
    });
    assert.deepEqual(failure('meeting', date), { path: 'start', reason: 'not JSON: not a plain object' });
    const nan = changed('meeting', (b) => {
      b.durationMinutes = Number.NaN;
    });
    assert.equal(failure('meeting', nan).reason, 'not JSON: non-finite number');
    const holes = changed('request', (b) => {
      b.agenda = ['a', 'b', 'c'];
      delete (b.agenda as string[])[1];
    });
    assert.deepEqual(failure('request', holes), { path: 'agenda[1]', reason: 'not JSON: hole in array' });
  });

  it('refuses oversize text', () => {
    const long = changed('message', (b) => {
      b.text = 'x'.repeat(limits.longText + 1);
    });
    assert.equal(failure('message', long).path, 'text');
    const short = changed('message', (b) => {
      b.subject = 'x'.repeat(limits.shortText + 1);
    });
    assert.equal(failure('message', short).path, 'subject');
  });
});

describe('missing fields', () => {
  it('are named required, whatever their type', () => {
    for (const [type, field] of [
      ['message', 'precedence'],
      ['translation', 'official'],
      ['meeting', 'participants'],
      ['incident-report', 'position'],
    ] as const) {
      const body = changed(type, (b) => {
        delete b[field];
      });
      assert.deepEqual(failure(type, body), { path: field, reason: 'required' });
    }
  });
});
