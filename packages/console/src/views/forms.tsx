import { type FormEvent, type ReactNode, useState } from 'react';
import type { Row } from '../api/engagement.js';
import { hotline } from '../api/hotline.js';
import { useLoad } from '../api/use-load.js';
import { useApp } from '../app/context.js';
import { behaviourCodes, behaviourLabels } from '../i18n/behaviours.js';
import { ErrorLine, LoadView } from '../ui/load-view.js';
import { type JsonSchema, SchemaField } from '../ui/schema-form.js';

// Forms that write one engagement entry through E's routes
// (POST /channels/:channel/{notifications,incidents,commitments}, { type, body }).
// The console shapes the body; the node checks it (schema and rules) and its
// refusal is shown as it comes.

const enc = encodeURIComponent;

/** A form over one active channel (a choice when there are several), posting `{ type, body }` to an area. */
function EntryForm(props: {
  title: string;
  testid: string;
  area: string;
  type: string;
  body: () => Row;
  onDone?: () => void;
  children: (channel: string) => ReactNode;
}) {
  const { api, t } = useApp();
  const channels = useLoad(() => hotline.channels(api), []);
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  return (
    <details className="entry-form" data-testid={props.testid}>
      <summary>{props.title}</summary>
      <LoadView load={channels} path="/api/v1/channels">
        {(list) => {
          const active = list.filter((c) => c.state === 'active');
          const channel = chosen || active[0]?.id || '';
          const submit = async (e: FormEvent) => {
            e.preventDefault();
            setError(null);
            setDone(null);
            try {
              const r = await api.post<{ id: string }>(`/channels/${enc(channel)}/${props.area}`, {
                type: props.type,
                body: props.body(),
              });
              setDone(r.id);
              props.onDone?.();
            } catch (err) {
              setError((err as Error).message);
            }
          };
          return (
            <form className="compose" onSubmit={submit}>
              {active.length > 1 && (
                <label>
                  {t('msg.channel')}
                  <select value={channel} onChange={(e) => setChosen(e.target.value)}>
                    {active.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name}
                      </option>
                    ))}
                  </select>
                </label>
              )}
              {props.children(channel)}
              <ErrorLine error={error} />
              {done && <p role="status">{t('form.sent', { id: done })}</p>}
              <button type="submit" disabled={!channel}>
                {t('form.submit')}
              </button>
            </form>
          );
        }}
      </LoadView>
    </details>
  );
}

interface Format {
  id: string;
  names: Record<string, string>;
  schema: JsonSchema;
}

/** A notification in one of the charter's formats: the fields come from the format's JSON Schema. */
export function NotificationForm() {
  const { t, lang } = useApp();
  const [format, setFormat] = useState('');
  const [data, setData] = useState<unknown>(undefined);
  const [language, setLanguage] = useState(lang === 'zh' ? 'zh-Hans' : 'en');
  return (
    <EntryForm
      title={t('notif.new')}
      testid="notification-form"
      area="notifications"
      type="notification"
      body={() => ({ format, data: data ?? {}, language })}
      onDone={() => setData(undefined)}
    >
      {(channel) => (
        <FormatFields
          channel={channel}
          format={format}
          setFormat={setFormat}
          data={data}
          setData={setData}
          language={language}
          setLanguage={setLanguage}
        />
      )}
    </EntryForm>
  );
}

function FormatFields(props: {
  channel: string;
  format: string;
  setFormat: (f: string) => void;
  data: unknown;
  setData: (d: unknown) => void;
  language: string;
  setLanguage: (l: string) => void;
}) {
  const { api, t, lang } = useApp();
  const formats = useLoad(
    () =>
      props.channel
        ? api.get<{ formats: Format[] }>(`/channels/${enc(props.channel)}/notifications`).then((r) => r.formats)
        : Promise.resolve([] as Format[]),
    [props.channel],
  );
  return (
    <LoadView load={formats} path="/api/v1/channels/…/notifications">
      {(list) => {
        const f = list.find((x) => x.id === props.format);
        return (
          <>
            <label>
              {t('notif.format')}
              <select
                value={props.format}
                onChange={(e) => {
                  props.setFormat(e.target.value);
                  props.setData(undefined);
                }}
              >
                <option value="">{t('form.choose')}</option>
                {list.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.names[lang === 'zh' ? 'zh-Hans' : 'en'] ?? x.id}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('msg.language')}
              <select value={props.language} onChange={(e) => props.setLanguage(e.target.value)}>
                <option value="en">en</option>
                <option value="zh-Hans">zh-Hans</option>
              </select>
            </label>
            {f && (
              <SchemaField
                key={f.id}
                schema={f.schema}
                root={f.schema}
                name=""
                path={f.id}
                required
                value={props.data}
                onChange={props.setData}
              />
            )}
          </>
        );
      }}
    </LoadView>
  );
}

interface UnitInput {
  name: string;
  type: string;
  hullOrTail: string;
}
const noUnit: UnitInput = { name: '', type: '', hullOrTail: '' };

function Units(props: { legend: string; units: UnitInput[]; set: (u: UnitInput[]) => void; prefix: string }) {
  const { t } = useApp();
  const change = (i: number, k: keyof UnitInput) => (e: { target: { value: string } }) =>
    props.set(props.units.map((u, j) => (j === i ? { ...u, [k]: e.target.value } : u)));
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.units.map((u, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: positions in a list being edited
        <div key={i} className="unit">
          <label>
            {t('inc.unitName')}
            <input name={`${props.prefix}-name-${i}`} value={u.name} onChange={change(i, 'name')} />
          </label>
          <label>
            {t('inc.unitType')}
            <input name={`${props.prefix}-type-${i}`} value={u.type} onChange={change(i, 'type')} />
          </label>
          <label>
            {t('inc.hull')}
            <input name={`${props.prefix}-hull-${i}`} value={u.hullOrTail} onChange={change(i, 'hullOrTail')} />
          </label>
          {props.units.length > 1 && (
            <button type="button" onClick={() => props.set(props.units.filter((_, j) => j !== i))}>
              {t('form.remove')}
            </button>
          )}
        </div>
      ))}
      <button type="button" onClick={() => props.set([...props.units, { ...noUnit }])}>
        {t('form.add')}
      </button>
    </fieldset>
  );
}

const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
const unitsOf = (list: UnitInput[]) =>
  list.map((u) => ({ name: u.name, type: u.type, ...(u.hullOrTail ? { hullOrTail: u.hullOrTail } : {}) }));

/** An unsafe air or maritime encounter: position, domain, both sides' units, closest approach, behaviours. */
export function IncidentForm() {
  const { t, lang } = useApp();
  const empty = {
    time: '',
    lat: '',
    lon: '',
    place: '',
    domain: 'sea',
    closest: '',
    altitude: '',
    narrative: '',
  };
  const [f, setF] = useState(empty);
  const [ours, setOurs] = useState<UnitInput[]>([{ ...noUnit }]);
  const [theirs, setTheirs] = useState<UnitInput[]>([{ ...noUnit }]);
  const [behaviours, setBehaviours] = useState<string[]>([]);
  const set = (k: keyof typeof empty) => (e: { target: { value: string } }) =>
    setF((v) => ({ ...v, [k]: e.target.value }));
  const body = () => ({
    time: f.time,
    position: { lat: num(f.lat), lon: num(f.lon), ...(f.place ? { description: f.place } : {}) },
    domain: f.domain,
    units: { reporter: unitsOf(ours), other: unitsOf(theirs) },
    closestApproachMeters: num(f.closest),
    ...(f.altitude.trim() ? { altitudeMeters: num(f.altitude) } : {}),
    behaviours,
    narrative: f.narrative,
    language: lang === 'zh' ? 'zh-Hans' : 'en',
    attachments: [],
  });
  return (
    <EntryForm title={t('inc.new')} testid="incident-form" area="incidents" type="incident-report" body={body}>
      {() => (
        <>
          <label>
            {t('inc.time')}
            <input name="time" value={f.time} onChange={set('time')} placeholder="2026-01-01T00:00:00.000Z" />
          </label>
          <fieldset>
            <legend>{t('inc.place')}</legend>
            <label>
              {t('inc.lat')}
              <input name="lat" type="number" step="any" value={f.lat} onChange={set('lat')} />
            </label>
            <label>
              {t('inc.lon')}
              <input name="lon" type="number" step="any" value={f.lon} onChange={set('lon')} />
            </label>
            <label>
              {t('inc.placeName')}
              <input name="place" value={f.place} onChange={set('place')} />
            </label>
          </fieldset>
          <label>
            {t('inc.domain')}
            <select name="domain" value={f.domain} onChange={set('domain')}>
              <option value="sea">{t('inc.sea')}</option>
              <option value="air">{t('inc.air')}</option>
            </select>
          </label>
          <Units legend={t('inc.ourUnits')} units={ours} set={setOurs} prefix="ours" />
          <Units legend={t('inc.theirUnits')} units={theirs} set={setTheirs} prefix="theirs" />
          <label>
            {t('inc.closest')}
            <input name="closest" type="number" min="0" value={f.closest} onChange={set('closest')} />
          </label>
          {f.domain === 'air' && (
            <label>
              {t('inc.altitude')}
              <input name="altitude" type="number" value={f.altitude} onChange={set('altitude')} />
            </label>
          )}
          <fieldset>
            <legend>{t('inc.behaviours')}</legend>
            {behaviourCodes.map((code) => (
              <label key={code} className="inline behaviour">
                <input
                  type="checkbox"
                  value={code}
                  checked={behaviours.includes(code)}
                  onChange={(e) =>
                    setBehaviours((b) => (e.target.checked ? [...b, code] : b.filter((x) => x !== code)))
                  }
                />{' '}
                {behaviourLabels[code][lang === 'zh' ? 'zh-Hans' : 'en']}
              </label>
            ))}
          </fieldset>
          <label>
            {t('inc.narrative')}
            <textarea name="narrative" rows={4} value={f.narrative} onChange={set('narrative')} />
          </label>
        </>
      )}
    </EntryForm>
  );
}

/** A commitment proposed to the other side: text, optional due date, in the console's language. */
export function CommitmentForm() {
  const { t, lang } = useApp();
  const [text, setText] = useState('');
  const [due, setDue] = useState('');
  return (
    <EntryForm
      title={t('commit.new')}
      testid="commitment-form"
      area="commitments"
      type="commitment-propose"
      body={() => ({ text, language: lang === 'zh' ? 'zh-Hans' : 'en', ...(due ? { due } : {}) })}
      onDone={() => setText('')}
    >
      {() => (
        <>
          <label>
            {t('commit.text')}
            <textarea name="commitment" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          <label>
            {t('commit.due')}
            <input name="due" value={due} onChange={(e) => setDue(e.target.value)} placeholder="2026-12-31" />
          </label>
        </>
      )}
    </EntryForm>
  );
}
