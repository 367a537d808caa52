/**
 * The shape of a C2SP tlog-checkpoint signed note, as carried by `checkpoint`
 * and `cosign` bodies. Only the form is checked here; signatures are checked
 * by the record package.
 */
export interface CheckpointNote {
  readonly origin: string;
  readonly size: string;
  readonly root: string;
  readonly signatures: readonly string[];
}

const originForm = /^parley\/[A-Za-z0-9_-]+\/[a-z0-9-]{2,32}$/;
const signatureLine = /^\u2014 [^\s+]+ [A-Za-z0-9+/]+={0,2}$/;

/** Parses a checkpoint note, or returns the reason it is malformed. */
export function parseCheckpointNote(text: string): CheckpointNote | string {
  if (!text.endsWith('\n')) return 'a signed note ends with a newline';
  const split = text.indexOf('\n\n');
  if (split < 0) return 'a signed note has a blank line before its signatures';
  const [origin = '', size = '', root = ''] = text.slice(0, split).split('\n');
  if (!originForm.test(origin)) return 'the origin line is not parley/<channel>/<party>';
  if (!/^(0|[1-9]\d*)$/.test(size)) return 'the second line is not a tree size';
  if (!/^[A-Za-z0-9+/]{43}=$/.test(root)) return 'the third line is not a base64 root hash';
  const signatures = text.slice(split + 2, -1).split('\n');
  if (!signatures.every((line) => signatureLine.test(line))) return 'a signature line is not "— <name> <base64>"';
  return { origin, size, root, signatures };
}
