import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { setUnauthorizedHandler, storedKey, storeKey, takeKeyFromHash } from './api.js';
import { BacktestPage } from './pages/backtest.js';
import { ComparePage } from './pages/compare.js';
import { ListPage } from './pages/list.js';
import { NewPage } from './pages/new.js';
import { SignIn } from './pages/sign-in.js';
import { SweepPage } from './pages/sweep.js';
import { Link, parseRoute, type Route, useLocation } from './router.js';
import './styles.css';

takeKeyFromHash();

const TITLES: Record<Route['page'], string> = {
  list: 'Backtests',
  backtest: 'Backtest',
  new: 'New backtest',
  compare: 'Compare backtests',
  sweep: 'Sweep',
  'not-found': 'Not found',
};

function App() {
  const [key, setKey] = useState(storedKey);
  const { path, search } = useLocation();
  const route = parseRoute(path, search);
  useEffect(() => {
    setUnauthorizedHandler(() => {
      storeKey(null);
      setKey(null);
    });
  }, []);
  useEffect(() => {
    document.title = `${key ? TITLES[route.page] : 'Sign in'} · Hindsight`;
  }, [key, route.page]);

  if (!key) {
    return (
      <SignIn
        onSignedIn={(value) => {
          storeKey(value);
          setKey(value);
        }}
      />
    );
  }
  const current = (page: Route['page']) => (route.page === page ? 'page' : undefined);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          Hindsight
        </Link>
        <nav aria-label="Main">
          <Link href="/" aria-current={current('list')}>
            Backtests
          </Link>
          <Link href="/new" aria-current={current('new')}>
            New backtest
          </Link>
          <a href="/docs">API docs</a>
        </nav>
        <button
          type="button"
          class="quiet"
          onClick={() => {
            storeKey(null);
            setKey(null);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main">
        {route.page === 'list' && <ListPage />}
        {route.page === 'backtest' && <BacktestPage key={route.id} id={route.id} apiKey={key} />}
        {route.page === 'new' && <NewPage />}
        {route.page === 'compare' && <ComparePage key={route.ids.join()} ids={route.ids} />}
        {route.page === 'sweep' && <SweepPage key={route.id} id={route.id} />}
        {route.page === 'not-found' && (
          <section>
            <h1>Not found</h1>
            <p>
              No page at <code>{path}</code>. <Link href="/">See your backtests</Link>.
            </p>
          </section>
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
