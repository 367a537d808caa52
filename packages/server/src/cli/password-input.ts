import { StringDecoder } from 'node:string_decoder';
import { ParleyError } from '@parley/contract';

/** Where a command reads a password from: never an option, so never in ps or the shell history. */
export interface PasswordSource {
  /** All of standard input, less one trailing newline. */
  fromStdin(): Promise<string>;
  /** Asks twice on the terminal without echo; refuses when there is no terminal. */
  prompt(): Promise<string>;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** One line from the terminal in raw mode, echoing nothing. */
function readHidden(question: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(text);
    };
    // A character may come split between two reads (a pasted password): decoded as a stream.
    const decoder = new StringDecoder('utf8');
    const onData = (data: Buffer) => {
      for (const ch of decoder.write(data)) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new ParleyError('PARLEY_E_USAGE', { reason: 'cancelled' }));
        text = ch === '\u007f' || ch === '\b' ? text.slice(0, -1) : text + ch;
      }
    };
    input.on('data', onData);
  });
}

export const processPasswords: PasswordSource = {
  fromStdin: readStdin,
  async prompt() {
    if (!process.stdin.isTTY) {
      throw new ParleyError('PARLEY_E_USAGE', {
        reason: 'refusing to add a user without a password: pass --password-stdin, or run in a terminal to be asked',
      });
    }
    const first = await readHidden('password: ');
    const again = await readHidden('password again: ');
    if (first !== again) throw new ParleyError('PARLEY_E_USAGE', { reason: 'the two passwords differ' });
    return first;
  },
};
