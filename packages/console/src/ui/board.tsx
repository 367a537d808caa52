import type { Permission } from '@parley/contract';
import { type ReactNode, useState } from 'react';
import { engagement, type Row } from '../api/engagement.js';
import { useLiveVersion } from '../api/live.js';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import type { MessageKey } from '../i18n/translate.js';
import { ErrorLine, LoadView } from './load-view.js';
import { Dtg } from './time.js';

export interface Column {
  label: MessageKey;
  render: (row: Row, ctx: { party: string; lang: string; t: ReturnType<typeof useApp>['t'] }) => ReactNode;
}

/** Any field as text: a time as a DTG, objects as compact JSON. Never markup. */
export function cell(value: unknown): ReactNode {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value)) return <Dtg time={value} />;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A write a row offers (one entry of the area's types), shown to those holding `permission`. */
export interface RowAction {
  label: MessageKey;
  type: string;
  body: Row;
}

/** A titled table of one per-channel list route over every active channel, reloaded on live entries. */
export function Board(props: {
  title: MessageKey;
  area: string;
  columns: Column[];
  testid?: string;
  permission?: Permission;
  actions?: (row: Row, party: string) => RowAction[];
}) {
  const { api, t, party, lang, can } = useApp();
  const version = useLiveVersion(['entry']);
  const [again, setAgain] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const load = useLoad(() => engagement.listAll(api, props.area), [props.area, version, again]);
  const run = async (row: Row, action: RowAction) => {
    setError(null);
    try {
      await api.post(`/channels/${encodeURIComponent(String(row.channel))}/${props.area}`, {
        type: action.type,
        body: action.body,
      });
      setAgain((n) => n + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const acting = props.actions && props.permission && can(props.permission) ? props.actions : undefined;
  return (
    <section aria-label={t(props.title)}>
      <h2>{t(props.title)}</h2>
      <ErrorLine error={error} />
      <LoadView load={load} path={`/api/v1/channels/…/${props.area}`}>
        {(rows) =>
          rows.length === 0 ? (
            <p>{t('app.empty')}</p>
          ) : (
            <table data-testid={props.testid}>
              <thead>
                <tr>
                  {props.columns.map((c) => (
                    <th scope="col" key={c.label}>
                      {t(c.label)}
                    </th>
                  ))}
                  {acting && <th scope="col" />}
                </tr>
              </thead>
              <tbody>
                {rows.map((row, i) => (
                  <tr key={String(row.id ?? i)}>
                    {props.columns.map((c) => (
                      <td key={c.label}>{c.render(row, { party, lang, t })}</td>
                    ))}
                    {acting && (
                      <td>
                        {acting(row, party).map((a) => (
                          <button key={a.type + a.label} type="button" onClick={() => run(row, a)}>
                            {t(a.label)}
                          </button>
                        ))}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </LoadView>
    </section>
  );
}

export const field = (name: string) => (row: Row) => cell(row[name]);
