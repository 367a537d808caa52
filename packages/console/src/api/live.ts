import { useEffect, useRef, useState } from 'react';

export type LiveKind = 'entry' | 'receipt' | 'ack' | 'alarm' | 'link' | 'draft';
export type LiveListener = (kind: LiveKind, data: Record<string, unknown>) => void;

const kinds: LiveKind[] = ['entry', 'receipt', 'ack', 'alarm', 'link', 'draft'];
const listeners = new Set<LiveListener>();
let source: EventSource | null = null;
let connected = false;
const stateListeners = new Set<(on: boolean) => void>();

function setConnected(on: boolean) {
  connected = on;
  for (const l of stateListeners) l(on);
}

/** Opens the one stream of GET /api/v1/events for this page; EventSource reconnects by itself. */
export function openLive(): void {
  if (source) return;
  source = new EventSource('/api/v1/events');
  source.onopen = () => setConnected(true);
  source.onerror = () => setConnected(false);
  for (const kind of kinds) {
    source.addEventListener(kind, (e) => {
      let data: Record<string, unknown>;
      try {
        data = JSON.parse((e as MessageEvent<string>).data) as Record<string, unknown>;
      } catch {
        return;
      }
      for (const l of listeners) l(kind, data);
    });
  }
}

export function closeLive(): void {
  source?.close();
  source = null;
  setConnected(false);
}

/** Calls `listener` for every live event while the component is mounted. */
export function useLive(listener: LiveListener): void {
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => {
    const l: LiveListener = (k, d) => ref.current(k, d);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
}

/** A number that grows on each live event of the given kinds: put it in an effect's deps to reload. */
export function useLiveVersion(which: readonly LiveKind[]): number {
  const [version, setVersion] = useState(0);
  useLive((kind) => {
    if (which.includes(kind)) setVersion((v) => v + 1);
  });
  return version;
}

export function useLiveConnected(): boolean {
  const [on, setOn] = useState(connected);
  useEffect(() => {
    stateListeners.add(setOn);
    return () => {
      stateListeners.delete(setOn);
    };
  }, []);
  return on;
}
