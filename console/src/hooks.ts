import { useCallback, useEffect, useRef, useState } from 'react';
import { SignedOut } from './api';

export interface Loaded<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change; a newer load always wins over an older one still in flight. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const run = ++latest.current;
    setState((s) => ({ data: s.data, loading: true }));
    load().then(
      (data) => run === latest.current && setState({ data, loading: false }),
      (error: Error) => {
        if (error instanceof SignedOut) window.dispatchEvent(new Event('userpool:signed-out'));
        if (run === latest.current) setState({ error, loading: false });
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** A value that follows `value` once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Sets the document title, so every page has its own name in history and for screen readers. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Userpool console`;
  }, [title]);
}
