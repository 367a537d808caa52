import type { AuditEntry } from '@parley/contract';
import { useState } from 'react';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { LoadView } from '../ui/load-view.js';
import { Dtg } from '../ui/time.js';

interface Page {
  entries: AuditEntry[];
  next: number | null;
}

export function AdminAudit() {
  const { api, t } = useApp();
  const [action, setAction] = useState('');
  const [before, setBefore] = useState<number | undefined>(undefined);
  const page = useLoad(() => api.get<Page>('/audit', { action, before, limit: 100 }), [action, before]);
  const exportHref = `/api/v1/audit/export${action ? `?action=${encodeURIComponent(action)}` : ''}`;
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('audit.title')}</h2>
      <div className="toolbar">
        <label>
          {t('audit.filter')}
          <input
            value={action}
            onChange={(e) => {
              setBefore(undefined);
              setAction(e.target.value);
            }}
            placeholder="users."
          />
        </label>
        <a href={exportHref} download>
          {t('audit.export')}
        </a>
      </div>
      <LoadView load={page} path="/api/v1/audit">
        {(p) => (
          <>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('audit.at')}</th>
                  <th scope="col">{t('audit.user')}</th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.target')}</th>
                  <th scope="col">{t('audit.address')}</th>
                </tr>
              </thead>
              <tbody>
                {p.entries.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <Dtg time={e.at} />
                    </td>
                    <td>{e.user ?? '—'}</td>
                    <td>{e.action}</td>
                    <td>{e.target ?? ''}</td>
                    <td>{e.address ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {p.next !== null && (
              <button type="button" onClick={() => setBefore(p.next ?? undefined)}>
                {t('audit.more')}
              </button>
            )}
          </>
        )}
      </LoadView>
    </section>
  );
}
