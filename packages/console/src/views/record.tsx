import { engagement, type RequestView } from '../api/engagement.js';
import { hotline } from '../api/hotline.js';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { LoadView } from '../ui/load-view.js';
import { Dtg } from '../ui/time.js';

/** The record as evidence: each channel's members, and requests left unanswered with their evidence of silence. */
export function RecordExplorer() {
  const { api, t } = useApp();
  const load = useLoad(async () => {
    const channels = (await hotline.channels(api)).filter((c) => c.state === 'active');
    const requests: RequestView[] = (await Promise.all(channels.map((c) => engagement.requests(api, c.id)))).flat();
    return { channels, unanswered: requests.filter((r) => r.unansweredAtDeadline) };
  }, []);
  return (
    <section aria-labelledby="record-title">
      <h2 id="record-title">{t('record.title')}</h2>
      <LoadView load={load} path="/api/v1/channels">
        {({ channels, unanswered }) => (
          <>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('msg.channel')}</th>
                  <th scope="col">{t('record.feed')}</th>
                  <th scope="col">{t('users.created')}</th>
                </tr>
              </thead>
              <tbody>
                {channels.map((c) => (
                  <tr key={c.id}>
                    <td>{c.name}</td>
                    <td>{c.members.map((m) => m.id).join(', ')}</td>
                    <td>
                      <Dtg time={c.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3>{t('state.unanswered')}</h3>
            {unanswered.length === 0 ? (
              <p>{t('app.empty')}</p>
            ) : (
              <ul>
                {unanswered.map((r) => (
                  <li key={r.id}>
                    <Dtg time={r.time} /> {r.subject} ·{' '}
                    <a
                      href={`/api/v1/channels/${encodeURIComponent(r.channel ?? '')}/evidence/unanswered/${encodeURIComponent(r.id)}`}
                      download
                    >
                      {t('record.export')}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </LoadView>
    </section>
  );
}
