import { describe, it } from 'node:test';
import { limits } from '../limits.js';
import { assertRefused, type BadCase, drop, set } from './_util.js';
import { exampleIds } from './examples.js';

const { a } = exampleIds;

const cases: BadCase[] = [
  ['commitment-propose', set('due', '2024-02-30'), 'due', 'calendar date'],
  ['commitment-propose', set('due', '2024-06-30T00:00:00.000Z'), 'due', 'calendar date'],
  ['commitment-propose', set('parent', ''), 'parent', 'entry id'],
  ['commitment-agree', drop('commitment'), 'commitment', 'required'],
  ['commitment-status', set('status', 'done'), 'status', 'implemented'],
  ['commitment-status', set('evidence', ['x']), 'evidence[0]', 'entry id'],
  ['commitment-status', set('evidence', [a, a]), 'evidence[1]', 'duplicate'],
  ['commitment-status', set('evidence', Array(limits.refs + 1).fill(a)), 'evidence', `<=${limits.refs}`],
];

describe('commitment bodies', () => {
  for (const c of cases) it(`${c[0]} refuses a bad ${c[2]}`, () => assertRefused(c));
});
