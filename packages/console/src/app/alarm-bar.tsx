import { Dtg } from '../ui/time.js';
import { useApp } from './context.js';

export interface FlashAlarm {
  channel: string;
  id: string;
  time: string;
}

/** The visual alarm: a FLASH that no one here has acknowledged yet, and the node's alarms. */
export function AlarmBar(props: {
  flash: FlashAlarm[];
  alarms: Array<{ key: number; kind: string; message: string }>;
  onSilence: () => void;
}) {
  const { t, navigate } = useApp();
  if (props.flash.length === 0 && props.alarms.length === 0) return null;
  return (
    <section className="alarms" aria-label={t('watch.alarms')}>
      {props.flash.map((f) => (
        <div key={f.id} className="flash-alarm" role="alert" data-testid="flash-alarm">
          <strong>{t('watch.flashAlarm')}</strong> <Dtg time={f.time} />{' '}
          <button type="button" onClick={() => navigate(`/messages/${encodeURIComponent(f.channel)}/${f.id}`)}>
            {t('msg.open')}
          </button>
        </div>
      ))}
      {props.alarms.length > 0 && (
        <div className="node-alarms" role="alert">
          <ul>
            {props.alarms.map((a) => (
              <li key={a.key}>
                <strong>{a.kind}</strong>: {a.message}
              </li>
            ))}
          </ul>
          <button type="button" onClick={props.onSilence}>
            {t('watch.dismiss')}
          </button>
        </div>
      )}
    </section>
  );
}
