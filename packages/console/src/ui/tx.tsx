import { Fragment, type ReactNode } from 'react';
import { useApp } from '../app/context.js';
import { catalogues, type MessageKey } from '../i18n/translate.js';

/** A catalogue string whose placeholders are elements (a <Dtg>, a name), in each language's own word order. */
export function Tx({ k, vars }: { k: MessageKey; vars: Record<string, ReactNode> }) {
  const { lang } = useApp();
  const parts = catalogues[lang][k].split(/\{(\w+)\}/);
  return (
    <>
      {parts.map((part, i) => (
        // Odd parts are placeholder names; the parts of a catalogue string never move, so positions are stable keys.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <Fragment key={`${i}-${part}`}>{i % 2 === 1 ? (vars[part] ?? `{${part}}`) : part}</Fragment>
      ))}
    </>
  );
}
