import { describe, it } from 'node:test';
import { assertRefused, type BadCase, set } from './_util.js';

const cases: BadCase[] = [
  ['notification', set('format', 'Missile Launch'), 'format', 'expected an id'],
  ['notification', set('data', ['not', 'an', 'object']), 'data', 'expected record'],
  ['notification', set('language', 'english'), 'language', 'BCP 47'],
  ['notification-ack', set('notification', null), 'notification', 'expected string'],
];

describe('notification bodies', () => {
  for (const c of cases) it(`${c[0]} refuses a bad ${c[2]}`, () => assertRefused(c));
});
