import { useApp } from '../app/context.js';
import { countdown, dtg } from '../time/dtg.js';

/** A time as its date-time group (UTC); the local time on hover. */
export function Dtg({ time }: { time: string | null | undefined }) {
  if (!time) return <span>—</span>;
  const d = new Date(time);
  return (
    <time dateTime={time} title={Number.isNaN(d.getTime()) ? time : d.toLocaleString()}>
      {dtg(time)}
    </time>
  );
}

/** Time left until `due`, red once past; reads the shell's ticking clock. */
export function Countdown({ due, done }: { due: string | null | undefined; done?: boolean }) {
  const { now } = useApp();
  if (!due) return <span>—</span>;
  if (done) return <span className="muted">—</span>;
  const left = new Date(due).getTime() - now;
  return (
    <span className={left < 0 ? 'countdown late' : 'countdown'} data-testid="countdown" title={dtg(due)}>
      {countdown(left)}
    </span>
  );
}
