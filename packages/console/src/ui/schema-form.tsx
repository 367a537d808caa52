import { useState } from 'react';
import { useApp } from '../app/context.js';

/**
 * Fields rendered from a charter format's JSON Schema (draft 2020-12 subset the
 * charter allows: object, array, string, number, integer, boolean, enum, oneOf,
 * $ref to $defs). The console only shapes the value; the node validates it
 * against the schema and answers the exact error, which the form shows.
 */
export type JsonSchema = {
  type?: string;
  title?: string;
  description?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  uniqueItems?: boolean;
  oneOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  format?: string;
  maxLength?: number;
};

type Value = unknown;

const resolve = (s: JsonSchema, root: JsonSchema): JsonSchema => {
  if (s.$ref?.startsWith('#/$defs/')) return resolve(root.$defs?.[s.$ref.slice(8)] ?? {}, root);
  return s;
};

const human = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

/** A field for `schema` at `path` (its label); `onChange(undefined)` removes the member. */
export function SchemaField(props: {
  schema: JsonSchema;
  root: JsonSchema;
  name: string;
  path: string;
  required: boolean;
  value: Value;
  onChange: (v: Value) => void;
}) {
  const { t } = useApp();
  const s = resolve(props.schema, props.root);
  const label = `${s.title && props.name === '' ? s.title : human(props.name)}${props.required ? ' *' : ''}`;
  const id = `f-${props.path}`;

  if (s.oneOf) return <OneOf {...props} schema={s} label={label} />;

  if (s.enum) {
    return (
      <label htmlFor={id}>
        {label}
        <select
          id={id}
          value={props.value === undefined ? '' : String(props.value)}
          onChange={(e) => props.onChange(e.target.value === '' ? undefined : e.target.value)}
        >
          <option value="">{t('form.choose')}</option>
          {s.enum.map((v) => (
            <option key={String(v)} value={String(v)}>
              {String(v)}
            </option>
          ))}
        </select>
      </label>
    );
  }

  if (s.type === 'object') {
    const obj = (props.value ?? {}) as Record<string, Value>;
    const set = (k: string) => (v: Value) => {
      const next = { ...obj };
      if (v === undefined) delete next[k];
      else next[k] = v;
      props.onChange(Object.keys(next).length === 0 ? undefined : next);
    };
    const fields = Object.entries(s.properties ?? {}).map(([k, sub]) => (
      <SchemaField
        key={k}
        schema={sub}
        root={props.root}
        name={k}
        path={`${props.path}.${k}`}
        required={(s.required ?? []).includes(k)}
        value={obj[k]}
        onChange={set(k)}
      />
    ));
    if (props.name === '') return <>{fields}</>;
    return (
      <fieldset>
        <legend>{label}</legend>
        {fields}
      </fieldset>
    );
  }

  if (s.type === 'array') {
    const items = resolve(s.items ?? {}, props.root);
    const list = (props.value ?? []) as Value[];
    const set = (next: Value[]) => props.onChange(next.length === 0 ? undefined : next);
    if (items.enum) {
      return (
        <fieldset>
          <legend>{label}</legend>
          {items.enum.map((v) => (
            <label key={String(v)} className="inline">
              <input
                type="checkbox"
                checked={list.includes(v)}
                onChange={(e) => set(e.target.checked ? [...list, v] : list.filter((x) => x !== v))}
              />{' '}
              {String(v)}
            </label>
          ))}
        </fieldset>
      );
    }
    if (items.type === 'object' || items.oneOf) {
      return (
        <fieldset>
          <legend>{label}</legend>
          {list.map((item, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: items are positions in a list being edited
            <div key={i}>
              <SchemaField
                schema={items}
                root={props.root}
                name={`${props.name} ${i + 1}`}
                path={`${props.path}.${i}`}
                required
                value={item}
                onChange={(v) => set(list.map((x, j) => (j === i ? (v ?? {}) : x)))}
              />
              <button type="button" onClick={() => set(list.filter((_, j) => j !== i))}>
                {t('form.remove')}
              </button>
            </div>
          ))}
          <button type="button" onClick={() => set([...list, {}])}>
            {t('form.add')} · {human(props.name)}
          </button>
        </fieldset>
      );
    }
    // Scalars: one per line.
    const numeric = items.type === 'number' || items.type === 'integer';
    return (
      <label htmlFor={id}>
        {label}
        <textarea
          id={id}
          rows={3}
          value={list.map(String).join('\n')}
          onChange={(e) =>
            set(
              e.target.value
                .split('\n')
                .filter((l) => l.trim() !== '')
                .map((l) => (numeric ? Number(l) : l)),
            )
          }
        />
      </label>
    );
  }

  if (s.type === 'boolean') {
    return (
      <label htmlFor={id} className="inline">
        <input
          id={id}
          type="checkbox"
          checked={props.value === true}
          onChange={(e) => props.onChange(e.target.checked)}
        />{' '}
        {label}
      </label>
    );
  }

  if (s.type === 'number' || s.type === 'integer') {
    return (
      <label htmlFor={id}>
        {label}
        <input
          id={id}
          type="number"
          step={s.type === 'integer' ? 1 : 'any'}
          value={props.value === undefined ? '' : String(props.value)}
          onChange={(e) => props.onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      </label>
    );
  }

  const long = (s.maxLength ?? 0) > 300;
  const common = {
    id,
    value: props.value === undefined ? '' : String(props.value),
    placeholder: s.format === 'date-time' ? '2026-01-01T00:00:00.000Z' : undefined,
    title: s.description,
    onChange: (e: { target: { value: string } }) => props.onChange(e.target.value === '' ? undefined : e.target.value),
  };
  return (
    <label htmlFor={id}>
      {label}
      {long ? <textarea rows={4} {...common} /> : <input {...common} />}
    </label>
  );
}

/** oneOf: pick a variant by its title, then fill it; switching starts the value afresh. */
function OneOf(props: {
  schema: JsonSchema;
  root: JsonSchema;
  name: string;
  path: string;
  label: string;
  value: Value;
  onChange: (v: Value) => void;
}) {
  const { t } = useApp();
  const variants = props.schema.oneOf ?? [];
  const [chosen, setChosen] = useState(-1);
  const id = `f-${props.path}-variant`;
  return (
    <fieldset>
      <legend>{props.label}</legend>
      <label htmlFor={id}>
        {t('form.variant')}
        <select
          id={id}
          value={String(chosen)}
          onChange={(e) => {
            setChosen(Number(e.target.value));
            props.onChange(undefined);
          }}
        >
          <option value="-1">{t('form.choose')}</option>
          {variants.map((v, i) => (
            <option key={v.title ?? i} value={String(i)}>
              {resolve(v, props.root).title ?? `#${i + 1}`}
            </option>
          ))}
        </select>
      </label>
      {chosen >= 0 && variants[chosen] && (
        <SchemaField
          schema={{ ...resolve(variants[chosen], props.root), title: '' }}
          root={props.root}
          name={`${props.name}`}
          path={`${props.path}.v${chosen}`}
          required
          value={props.value}
          onChange={props.onChange}
        />
      )}
    </fieldset>
  );
}
