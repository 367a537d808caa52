import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { it } from 'node:test';
import { onText } from './text-output.js';

it('keeps a character whole when its bytes arrive in two chunks', async () => {
  const stream = new PassThrough();
  let text = '';
  onText(stream, (t) => {
    text += t;
  });
  const dash = Buffer.from('— parley', 'utf8');
  stream.write(dash.subarray(0, 1));
  stream.write(dash.subarray(1));
  stream.end();
  await new Promise((resolve) => stream.on('end', resolve));
  assert.equal(text, '— parley');
});
