import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** The console's routes; the api answers each of these paths with index.html. */
export type Route =
  | { page: 'list' }
  | { page: 'backtest'; id: string }
  | { page: 'new' }
  | { page: 'compare'; ids: string[] }
  | { page: 'sweep'; id: string }
  | { page: 'not-found' };

export function parseRoute(path: string, search: string): Route {
  if (path === '/') return { page: 'list' };
  if (path === '/new') return { page: 'new' };
  if (path === '/compare') {
    const ids = (new URLSearchParams(search).get('ids') ?? '').split(',').filter(Boolean);
    return { page: 'compare', ids };
  }
  const backtest = /^\/backtests\/([^/]+)$/.exec(path);
  if (backtest?.[1]) return { page: 'backtest', id: decodeURIComponent(backtest[1]) };
  const sweep = /^\/sweeps\/([^/]+)$/.exec(path);
  if (sweep?.[1]) return { page: 'sweep', id: decodeURIComponent(sweep[1]) };
  return { page: 'not-found' };
}

const listeners = new Set<() => void>();

export function navigate(href: string, replace = false): void {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

export function useLocation(): { path: string; search: string } {
  const read = () => ({ path: location.pathname, search: location.search });
  const [where, setWhere] = useState(read);
  useEffect(() => {
    const update = () => setWhere(read());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return where;
}

/** An ordinary link (it opens in a new tab, it can be copied) that navigates in place. */
export function Link(props: {
  href: string;
  children: ComponentChildren;
  class?: string;
  'aria-current'?: 'page' | undefined;
}) {
  return (
    <a
      href={props.href}
      class={props.class}
      aria-current={props['aria-current']}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}
