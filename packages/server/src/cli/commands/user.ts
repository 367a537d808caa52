import { type CreateUser, createUserBody, ParleyError } from '@parley/contract';
import { accountsFor } from '../../accounts/accounts-for.js';
import { openNode } from '../../runtime/open-node.js';
import { exitCodes, type Io } from '../io.js';
import { parseArgs } from '../parse-args.js';
import { type PasswordSource, processPasswords } from '../password-input.js';

export const userHelp = `parley user add --dir D --name N --role R[,R…] [--password-stdin]

Adds a console user (the first admin; later users are added by admins through
the console API). Roles: operator, releaser, translator, analyst, admin. The
password is read from standard input with --password-stdin (one line), or
asked for twice in a terminal; there is no password option, so it never
shows in the process list or the shell history.`;

/** `parley user add`, directly on the data directory's store (the server need not run). */
export async function userCommand(
  args: string[],
  io: Io,
  passwords: PasswordSource = processPasswords,
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add')
    throw new ParleyError('PARLEY_E_USAGE', { reason: 'usage: parley user add --dir D --name N --role R[,R…]' });
  const { values } = parseArgs({
    args: rest,
    options: {
      dir: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
  });
  if (!values.dir || !values.name || !values.role) {
    throw new ParleyError('PARLEY_E_USAGE', { reason: '--dir, --name and --role are required' });
  }
  const roles = values.role.split(',').map((r) => r.trim());
  const password = values['password-stdin'] ? await passwords.fromStdin() : await passwords.prompt();
  const parsed = createUserBody.safeParse({ name: values.name, roles, password });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const option = issue.path[0] === 'roles' ? 'role' : String(issue.path[0] ?? 'name');
    throw new ParleyError('PARLEY_E_USAGE', { reason: `--${option}: ${issue.message}` });
  }
  const user = await addUser(values.dir, parsed.data);
  io.out(`added user ${user.name} (${user.roles.join(', ')})`);
  io.out(user.id);
  return exitCodes.ok;
}

async function addUser(dir: string, input: CreateUser) {
  const open = await openNode(dir);
  try {
    const accounts = accountsFor(open.store, open.node.clock);
    const passwordHash = await accounts.hashPassword(input.password);
    return await accounts.transaction(async (a) => {
      const user = await a.createUser({ name: input.name, roles: input.roles, passwordHash });
      const details = { id: user.id, roles: user.roles, via: 'parley user add' };
      await a.audit({ user: null, action: 'users.create', target: user.name, address: 'cli', details });
      return user;
    });
  } finally {
    await open.close();
  }
}
