import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from './parse-args.js';

const options = { dir: { type: 'string' }, channel: { type: 'string' }, json: { type: 'boolean' } } as const;
const id = '-CtKohpCFYvBJsvuNGvkjN1m3dQVC__0qmRw4YVoqe0';

describe('CLI arguments with ids that start with "-"', () => {
  it('takes such an id as the value of a string option', () => {
    const { values } = parseArgs({ args: ['--dir', 'D', '--channel', id, '--json'], options });
    assert.deepEqual({ ...values }, { dir: 'D', channel: id, json: true });
  });

  it('takes such an id as a positional, keeping the positionals in order', () => {
    const { values, positionals } = parseArgs({
      args: ['--dir', 'D', id, '--json', 'second', '--', '--third'],
      options,
      allowPositionals: true,
    });
    assert.deepEqual({ ...values }, { dir: 'D', json: true });
    assert.deepEqual(positionals, [id, 'second', '--third']);
  });

  it('takes an id that starts with "--" as a value or a positional (one in 4,096 does)', () => {
    const twice = '--yhxZmbjVLorjdaoWpgGHcXCDe2rr-Pd_N-1C7Hgt8';
    const asValue = parseArgs({ args: ['--dir', 'D', '--channel', twice], options });
    assert.deepEqual({ ...asValue.values }, { dir: 'D', channel: twice });
    const asPositional = parseArgs({ args: ['--dir', 'D', twice, '--json'], options, allowPositionals: true });
    assert.deepEqual({ ...asPositional.values }, { dir: 'D', json: true });
    assert.deepEqual(asPositional.positionals, [twice]);
  });

  it('still refuses unknown options and a missing value', () => {
    assert.throws(() => parseArgs({ args: ['--nope'], options }), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
    assert.throws(() => parseArgs({ args: ['--dir'], options }), { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' });
    assert.throws(() => parseArgs({ args: ['x'], options }), { code: 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' });
  });
});
