import { useState } from 'preact/hooks';
import { api, errorText, v1 } from '../api.js';

/** Asks for an API key and checks it against the api before keeping it for the session. */
export function SignIn(props: { onSignedIn(key: string): void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main id="main" class="sign-in">
      <h1>Hindsight</h1>
      <p>Backtests of trading strategies: watch them run, read and compare the results.</p>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          const key = value.trim();
          if (!key) return setError('Enter an API key.');
          setBusy(true);
          setError(null);
          try {
            await api(v1('/strategies'), {}, key);
            props.onSignedIn(key);
          } catch (failure) {
            setError(errorText(failure));
          } finally {
            setBusy(false);
          }
        }}
      >
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={value}
          aria-describedby="api-key-hint"
          aria-invalid={error ? true : undefined}
          onInput={(event) => setValue(event.currentTarget.value)}
        />
        <p id="api-key-hint" class="hint">
          The key printed when the service first started, or one of <code>API_KEYS</code>. It is
          kept for this browser tab only.
        </p>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
