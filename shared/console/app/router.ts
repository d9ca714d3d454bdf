import { useEffect, useState } from 'preact/hooks';

/** History-API routing under /console/: every path is served the same shell, so links and reloads work. */
export const BASE = '/console';

let listeners: (() => void)[] = [];
/** Counts in-app navigations, so the new page can take the focus (a screen reader then reads its heading). */
let navigations = 0;
export const navigationCount = () => navigations;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  navigations++;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const l of listeners) l();
  window.scrollTo(0, 0);
}

addEventListener('popstate', () => {
  navigations++;
  for (const l of listeners) l();
});

/** The path under /console (e.g. `/cases/abc`) and the query, re-rendered on navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((t) => t + 1);
    listeners.push(l);
    return () => {
      listeners = listeners.filter((x) => x !== l);
    };
  }, []);
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) || '/' : '/';
  return { path, query: new URLSearchParams(location.search) };
}

/** Plain clicks on in-app links navigate without a reload; modified clicks open as the browser would. */
export function onLinkClick(ev: MouseEvent): void {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = (ev.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin || !a.pathname.startsWith(`${BASE}/`)) return;
  ev.preventDefault();
  navigate(a.pathname + a.search + a.hash);
}
