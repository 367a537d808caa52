import { ParleyError } from '@parley/contract';

/** An operation's arguments: CLI options by name, or the JSON body of a control call. */
export type Args = Record<string, unknown>;

/** A text argument; PARLEY_E_USAGE when required and missing, or not text. */
export function str(args: Args, name: string, required = true): string | undefined {
  const v = args[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw new ParleyError('PARLEY_E_USAGE', { reason: `--${name} is required` });
    return undefined;
  }
  if (typeof v !== 'string') throw new ParleyError('PARLEY_E_USAGE', { reason: `--${name} must be text` });
  return v;
}

/** A flag: absent or false is false. */
export function flag(args: Args, name: string): boolean {
  const v = args[name];
  if (v === undefined || v === null || v === false) return false;
  if (v === true) return true;
  throw new ParleyError('PARLEY_E_USAGE', { reason: `--${name} is a flag and takes no value` });
}
