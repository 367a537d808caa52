import { ParleyError } from '@parley/contract';
import type { Signer } from '../crypto/ed25519.js';
import { concatBytes, utf8 } from '../crypto/hash.js';
import { fromBase64, toBase64 } from '../encoding/base64.js';
import { signatureVerifies } from './algorithms.js';
import {
  controlCharAt,
  isValidKeyName,
  keyIdHex,
  noteKeyId,
  SignatureType,
  toVerifierKey,
  type VerifierKey,
} from './key.js';
import { malformed, noteLimits } from './limits.js';

/** One signature line: `— <name> base64(key id || signature)`. */
export interface NoteSignature {
  readonly name: string;
  /** uint32 key id (the first four signature bytes, big-endian). */
  readonly keyId: number;
  /** The signature bytes after the key id. */
  readonly signature: Uint8Array;
}

/** A C2SP signed note (c2sp.org/signed-note). */
export interface Note {
  /** The signed text, ending in a newline; excludes the blank separator line. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** A note that may not be signed yet. */
export interface NoteInput {
  readonly text: string;
  readonly signatures?: readonly NoteSignature[];
}

const EM_DASH_SPACE = '\u2014 ';
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses a signed note without verifying anything. Throws PARLEY_E_NOTE on
 * anything malformed: invalid UTF-8, control characters other than newline,
 * no blank line before the signatures, a bad signature line, too many
 * signatures or too many bytes. Unknown signatures are kept.
 *
 * @example
 * const { text, signatures } = parseNote('hello\n\n— example.com/k AAAA…\n');
 */
export function parseNote(input: string | Uint8Array): Note {
  const note = decode(input);
  checkText(note);
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw malformed('signature lines must end with a newline');
  const lines = block.slice(0, -1).split('\n', noteLimits.signatures + 1);
  if (lines.length > noteLimits.signatures) throw malformed(`more than ${noteLimits.signatures} signatures`);
  return { text, signatures: lines.map(parseSignatureLine) };
}

/** The wire form: text, blank line, one line per signature. Checks everything parseNote checks. */
export function serializeNote(note: Note): string {
  checkText(note.text);
  if (!note.text.endsWith('\n')) throw malformed('note text must end with a newline');
  if (note.signatures.length === 0) throw malformed('a signed note needs at least one signature');
  if (note.signatures.length > noteLimits.signatures) throw malformed(`more than ${noteLimits.signatures} signatures`);
  const lines = note.signatures.map((sig) => {
    if (!isValidKeyName(sig.name)) throw malformed('invalid key name in signature');
    if (!Number.isInteger(sig.keyId) || sig.keyId < 0 || sig.keyId > 0xffffffff) throw malformed('key id not uint32');
    if (sig.signature.byteLength === 0) throw malformed('empty signature');
    const id = new Uint8Array(4);
    new DataView(id.buffer).setUint32(0, sig.keyId);
    return `${EM_DASH_SPACE}${sig.name} ${toBase64(concatBytes(id, sig.signature))}\n`;
  });
  const out = `${note.text}\n${lines.join('')}`;
  if (Buffer.byteLength(out, 'utf8') > noteLimits.noteBytes) throw malformed(`over ${noteLimits.noteBytes} bytes`);
  return out;
}

/** `note` with `signature` added last, replacing any signature by the same name and key id. */
export function withSignature(note: NoteInput, signature: NoteSignature): Note {
  const others = (note.signatures ?? []).filter((s) => s.name !== signature.name || s.keyId !== signature.keyId);
  return { text: note.text, signatures: [...others, signature] };
}

/**
 * Signs the note text with Ed25519 (signature type 0x01) under `name` and
 * returns the serialized note; other signatures are kept.
 *
 * @example
 * const signed = signNote({ text: 'hello\n' }, Ed25519Signer.generate(), 'example.com/k');
 */
export function signNote(note: NoteInput, signer: Signer, name: string): string {
  checkText(note.text);
  if (!note.text.endsWith('\n')) throw malformed('note text must end with a newline');
  const keyId = noteKeyId(name, SignatureType.ed25519, signer.publicKey);
  const signature = signer.sign(utf8.encode(note.text));
  return serializeNote(withSignature(note, { name, keyId, signature }));
}

/**
 * Parses `input` and checks it is signed by `vkey`: at least one signature
 * line carries the key's name and key id, and every such line verifies.
 * Other signatures are ignored (and kept in the result). Throws
 * PARLEY_E_NOTE_SIGNATURE otherwise.
 *
 * @example
 * const note = verifyNote(text, 'example.com/foo+530d903a+AekyeRrm…');
 */
export function verifyNote(input: string | Uint8Array, vkey: string | VerifierKey): Note {
  const key = toVerifierKey(vkey);
  const note = parseNote(input);
  verifyParsed(note, key);
  return note;
}

/** The signatures of `note` by `key`, all verified; throws if none or any fails. */
export function verifyParsed(note: Note, key: VerifierKey): NoteSignature[] {
  const mine = note.signatures.filter((s) => s.name === key.name && s.keyId === key.keyId);
  if (mine.length === 0 || !mine.every((s) => signatureVerifies(key, note.text, s.signature))) {
    throw new ParleyError('PARLEY_E_NOTE_SIGNATURE', { name: key.name, keyId: keyIdHex(key.keyId) });
  }
  return mine;
}

function decode(input: string | Uint8Array): string {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > noteLimits.noteBytes) throw malformed(`over ${noteLimits.noteBytes} bytes`);
  if (typeof input === 'string') {
    if (Buffer.byteLength(input, 'utf8') > noteLimits.noteBytes) throw malformed(`over ${noteLimits.noteBytes} bytes`);
    return input;
  }
  try {
    return fatalUtf8.decode(input);
  } catch {
    throw malformed('not valid UTF-8');
  }
}

function checkText(text: string): void {
  if (typeof text !== 'string') throw malformed('not a string');
  if (/[\uD800-\uDFFF]/u.test(text)) throw malformed('not valid UTF-8 (lone surrogate)');
  const at = controlCharAt(text, true);
  if (at >= 0) {
    const code = text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0');
    throw malformed(`control character U+${code} at offset ${at}`);
  }
}

function parseSignatureLine(line: string, index: number): NoteSignature {
  const where = `signature line ${index + 1}`;
  if (!line.startsWith(EM_DASH_SPACE)) throw malformed(`${where} does not start with "— "`);
  const rest = line.slice(EM_DASH_SPACE.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  if (!isValidKeyName(name)) throw malformed(`${where}: invalid key name`);
  if (space < 0) throw malformed(`${where}: no signature after the key name`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(rest.slice(space + 1), 'signature');
  } catch {
    throw malformed(`${where}: signature is not base64`);
  }
  if (bytes.byteLength < 5) throw malformed(`${where}: signature shorter than key id plus one byte`);
  const keyId = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
  return { name, keyId, signature: bytes.slice(4) };
}
