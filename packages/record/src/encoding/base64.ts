import { ParleyError } from '@parley/contract';

const B64URL = /^[A-Za-z0-9_-]*$/;
const B64STD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** base64url without padding (RFC 4648 section 5), as every Parley id, key and signature is written. */
export function toBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Strict base64url decoding: refuses padding, foreign characters and
 * non-canonical trailing bits (Node's own decoder silently accepts all three).
 * With `length`, the decoded size must be exactly that.
 */
export function fromBase64url(text: string, what = 'base64url', length?: number): Uint8Array {
  if (typeof text !== 'string' || !B64URL.test(text) || text.length % 4 === 1) {
    throw new ParleyError('PARLEY_E_ENCODING', { what, reason: 'not unpadded base64url' });
  }
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) {
    throw new ParleyError('PARLEY_E_ENCODING', { what, reason: 'non-canonical trailing bits' });
  }
  checkLength(bytes, what, length);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Standard padded base64 (RFC 4648 section 4), used by C2SP notes and the Merkle vectors. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Strict padded base64 decoding; see {@link fromBase64url}. */
export function fromBase64(text: string, what = 'base64', length?: number): Uint8Array {
  if (typeof text !== 'string' || !B64STD.test(text)) {
    throw new ParleyError('PARLEY_E_ENCODING', { what, reason: 'not padded base64' });
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) {
    throw new ParleyError('PARLEY_E_ENCODING', { what, reason: 'non-canonical trailing bits' });
  }
  checkLength(bytes, what, length);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(text: string, what = 'hex', length?: number): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/i.test(text)) {
    throw new ParleyError('PARLEY_E_ENCODING', { what, reason: 'not hex' });
  }
  const bytes = Buffer.from(text, 'hex');
  checkLength(bytes, what, length);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkLength(bytes: Uint8Array, what: string, length: number | undefined): void {
  if (length !== undefined && bytes.byteLength !== length) {
    throw new ParleyError('PARLEY_E_ENCODING', { what, reason: `${bytes.byteLength} bytes, expected ${length}` });
  }
}
