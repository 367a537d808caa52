import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';

/**
 * node:util's parseArgs, made safe for Parley's ids. Channel and entry ids are
 * base64url and one in 64 starts with "-" (one in 4,096 with "--"), which
 * parseArgs reads as an option: `--channel -CtK…` is refused as ambiguous and
 * a positional `-CtK…` as an unknown option. Parley has no short options, so
 * before parsing, a value starting with "-" after a string option is joined
 * to it (`--channel=-CtK…`), and any other token starting with a single "-",
 * or an id (43 base64url characters) starting with "--" that names no option,
 * is a positional, passed after "--" (positionals keep their order).
 */
export function parseArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof nodeParseArgs<T>> {
  return nodeParseArgs({ ...config, args: normalise(config.args ?? [], config.options ?? {}) } as T);
}

const dashValue = (token: string) => token.startsWith('-') && !token.startsWith('--') && token.length > 2;
/** A channel or entry id: base64url of a SHA-256, 43 characters. */
const idLike = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

export function normalise(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const flags: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (token.startsWith('--') && !token.includes('=') && !(idLike(token) && !options[token.slice(2)])) {
      const next = args[i + 1];
      if (
        options[token.slice(2)]?.type === 'string' &&
        next !== undefined &&
        (dashValue(next) || (next.startsWith('--') && idLike(next) && !options[next.slice(2)]))
      ) {
        flags.push(`${token}=${next}`);
        i++;
        continue;
      }
      flags.push(token);
      if (options[token.slice(2)]?.type === 'string' && next !== undefined) {
        flags.push(next);
        i++;
      }
      continue;
    }
    if (dashValue(token) || (token.startsWith('--') && idLike(token))) positionals.push(token);
    else if (token.startsWith('-')) flags.push(token);
    else positionals.push(token);
  }
  return positionals.length > 0 ? [...flags, '--', ...positionals] : flags;
}
