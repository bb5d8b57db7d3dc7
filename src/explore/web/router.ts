import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { view: 'catalog' }
  | { view: 'cube'; name: string }
  | { view: 'awards' }
  | { view: 'records'; name: string }
  | { view: 'missing'; path: string };

export function routeOf(pathname: string): Route {
  const parts = pathname.replace(/\/+$/, '').split('/').slice(1).map(decodeURIComponent);
  if (parts[0] !== 'explore') return { view: 'missing', path: pathname };
  if (parts.length === 1) return { view: 'catalog' };
  if (parts[1] === 'awards' && parts.length === 2) return { view: 'awards' };
  if (parts[1] === 'cube' && parts.length === 3 && parts[2]) return { view: 'cube', name: parts[2] };
  if (parts[1] === 'records' && parts.length === 3 && parts[2]) return { view: 'records', name: parts[2] };
  return { view: 'missing', path: pathname };
}

export function hrefOf(path: string, params?: URLSearchParams): string {
  const query = params?.toString();
  return query ? `${path}?${query}` : path;
}

const listeners = new Set<() => void>();

/** Moves to another view or state; `replace` keeps the history entry (typing in a search box). */
export function navigate(href: string, replace = false): void {
  if (href === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  for (const listener of listeners) listener();
}

export function useLocation(): { pathname: string; params: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((n) => n + 1);
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return { pathname: location.pathname, params: new URLSearchParams(location.search) };
}

/** Follows same-origin links inside the app without reloading the page. */
export function onLinkClick(event: MouseEvent): void {
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || anchor.target || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/explore')) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}
