import type { Readable } from 'node:stream';

/**
 * Hands `onText` what `stream` (a child's stdout or stderr) writes, as
 * text decoded across chunks: a character whose bytes arrive split between
 * two chunks stays whole. Appending each chunk as it comes (`out += chunk`)
 * decodes the chunks one by one and turns such a character into two
 * replacement characters — as an export's "—" was, once in a while, in the
 * demo test's bundle.
 */
export function onText(stream: Readable, onText: (text: string) => void): void {
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => onText(text));
}
