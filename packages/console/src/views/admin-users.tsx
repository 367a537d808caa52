import type { Role, User } from '@parley/contract';
import { type FormEvent, useState } from 'react';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { ErrorLine, LoadView } from '../ui/load-view.js';
import { Dtg } from '../ui/time.js';

const allRoles: Role[] = ['operator', 'releaser', 'translator', 'analyst', 'admin'];

export function AdminUsers() {
  const { api, t, can } = useApp();
  const [again, setAgain] = useState(0);
  const users = useLoad(() => api.get<{ users: User[] }>('/users').then((r) => r.users), [again]);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<Role[]>(['operator']);
  const act = async (p: Promise<unknown>) => {
    setError(null);
    try {
      await p;
      setAgain((n) => n + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    void act(api.post('/users', { name, roles, password }).then(() => setPassword('')));
  };
  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">{t('users.title')}</h2>
      <ErrorLine error={error} />
      <LoadView load={users} path="/api/v1/users">
        {(list) => (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('users.name')}</th>
                <th scope="col">{t('users.roles')}</th>
                <th scope="col">{t('users.disabled')}</th>
                <th scope="col">{t('users.locked')}</th>
                <th scope="col">{t('users.created')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {list.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>
                    {can('users.write') ? (
                      <RoleEditor user={u} onSave={(roles) => act(api.patch(`/users/${u.id}`, { roles }))} />
                    ) : (
                      u.roles.join(', ')
                    )}
                  </td>
                  <td>{u.disabled ? '✓' : ''}</td>
                  <td>
                    <Dtg time={u.lockedUntil} />
                  </td>
                  <td>
                    <Dtg time={u.createdAt} />
                  </td>
                  <td>
                    {can('users.write') && (
                      <button type="button" onClick={() => act(api.patch(`/users/${u.id}`, { disabled: !u.disabled }))}>
                        {u.disabled ? t('users.enable') : t('users.disable')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadView>
      {can('users.write') && (
        <form onSubmit={add} className="inline-form">
          <h3>{t('users.add')}</h3>
          <label>
            {t('users.name')}
            <input value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <fieldset>
            <legend>{t('users.roles')}</legend>
            {allRoles.map((r) => (
              <label key={r} className="check">
                <input
                  type="checkbox"
                  checked={roles.includes(r)}
                  onChange={(e) => setRoles((rs) => (e.target.checked ? [...rs, r] : rs.filter((x) => x !== r)))}
                />
                {r}
              </label>
            ))}
          </fieldset>
          <label>
            {t('users.password')}
            <input
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
          <button type="submit">{t('users.add')}</button>
        </form>
      )}
    </section>
  );
}

function RoleEditor({ user, onSave }: { user: User; onSave: (roles: Role[]) => void }) {
  const { t } = useApp();
  const [roles, setRoles] = useState<Role[]>(user.roles);
  return (
    <details>
      <summary>{user.roles.join(', ')}</summary>
      <fieldset>
        <legend>
          {t('users.roles')}: {user.name}
        </legend>
        {allRoles.map((r) => (
          <label key={r} className="check">
            <input
              type="checkbox"
              checked={roles.includes(r)}
              onChange={(e) => setRoles((rs) => (e.target.checked ? [...rs, r] : rs.filter((x) => x !== r)))}
            />
            {r}
          </label>
        ))}
        <button type="button" onClick={() => onSave(roles)}>
          {t('users.save')}
        </button>
      </fieldset>
    </details>
  );
}
