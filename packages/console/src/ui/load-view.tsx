import type { ReactNode } from 'react';
import { isMissingRoute, type Load } from '../api/use-load.js';
import { useApp } from '../app/context.js';

/** Shows a load's data through `children`, or its progress or error (a route the node lacks is said plainly). */
export function LoadView<T>({
  load,
  path,
  children,
}: {
  load: Load<T>;
  path: string;
  children: (data: T) => ReactNode;
}) {
  const { t } = useApp();
  if (load.state === 'loading') return <p aria-busy="true">{t('app.loading')}</p>;
  if (load.state === 'error') {
    if (isMissingRoute(load.error)) {
      return (
        <div className="notice" role="note">
          <h3>{t('unavailable.title')}</h3>
          <p>{t('unavailable.body', { path, message: load.error.message })}</p>
        </div>
      );
    }
    return (
      <p role="alert" className="error">
        {t('app.error', { message: load.error.message })}
      </p>
    );
  }
  return <>{children(load.data)}</>;
}

export function Precedence({ value }: { value: string | undefined }) {
  const p = value ?? 'ROUTINE';
  return <span className={`prec prec-${p.toLowerCase()}`}>{p}</span>;
}

export function ErrorLine({ error }: { error: string | null }) {
  const { t } = useApp();
  return error ? (
    <p role="alert" className="error">
      {t('app.error', { message: error })}
    </p>
  ) : null;
}
