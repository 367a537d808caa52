import { useEffect, useRef, useState } from 'react';
import { ApiError } from './client.js';

export type Load<T> = { state: 'loading' } | { state: 'ok'; data: T } | { state: 'error'; error: ApiError | Error };

/** Runs `fetcher` when `deps` change; keeps the last data while reloading so live views do not flicker. */
export function useLoad<T>(fetcher: () => Promise<T>, deps: readonly unknown[]): Load<T> {
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  const latest = useRef(fetcher);
  latest.current = fetcher;
  const key = JSON.stringify(deps);
  useEffect(() => {
    let live = true;
    latest.current().then(
      (data) => live && key !== undefined && setLoad({ state: 'ok', data }),
      (error: unknown) =>
        live && setLoad({ state: 'error', error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return load;
}

/** True when the node does not offer this route yet (404 from the router, not from a lookup). */
export function isMissingRoute(error: Error): boolean {
  return error instanceof ApiError && error.status === 404 && /route/.test(error.message);
}
