/**
 * Domain-separation prefixes: every signature in Parley signs one of these
 * fixed ASCII strings first, so no signature can be replayed as another kind.
 */
export const domains = {
  entry: 'parley/entry/v1\n',
  card: 'parley/card/v1\n',
  charter: 'parley/charter/v1\n',
  keyRotate: 'parley/key-rotate/v1\n',
} as const;
