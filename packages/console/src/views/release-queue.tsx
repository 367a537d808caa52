import { useState } from 'react';
import { hotline } from '../api/hotline.js';
import { useLiveVersion } from '../api/live.js';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { ErrorLine, LoadView, Precedence } from '../ui/load-view.js';
import { Dtg } from '../ui/time.js';

export function ReleaseQueue() {
  const { api, t } = useApp();
  const version = useLiveVersion(['draft']);
  const [again, setAgain] = useState(0);
  const drafts = useLoad(() => hotline.drafts(api), [version, again]);
  const [error, setError] = useState<string | null>(null);
  const release = async (id: string, emergency = false) => {
    setError(null);
    try {
      await hotline.release(api, id, emergency);
      setAgain((n) => n + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section aria-labelledby="release-title">
      <h2 id="release-title">{t('release.title')}</h2>
      <ErrorLine error={error} />
      <LoadView load={drafts} path="/api/v1/drafts">
        {(list) =>
          list.length === 0 ? (
            <p>{t('release.none')}</p>
          ) : (
            <table data-testid="drafts">
              <thead>
                <tr>
                  <th scope="col">{t('msg.precedence')}</th>
                  <th scope="col">{t('msg.subject')}</th>
                  <th scope="col">{t('release.drafter')}</th>
                  <th scope="col">{t('msg.dtg')}</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {list.map((d) => (
                  <tr key={d.id} data-testid="draft-row">
                    <td>
                      <Precedence value={d.message.precedence} />
                    </td>
                    <td>{d.message.subject}</td>
                    <td>{d.drafter}</td>
                    <td>
                      <Dtg time={d.createdAt} />
                    </td>
                    <td>
                      <button type="button" data-testid="release" onClick={() => release(d.id)}>
                        {t('release.release')}
                      </button>
                    </td>
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
