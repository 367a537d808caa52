export { canonicalBytes, canonicalize } from './canonicalize.js';
export { type JsonValue, parseJson } from './parse.js';
