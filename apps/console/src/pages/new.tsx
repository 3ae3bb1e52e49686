import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorText, post, type SubmitAccepted, v1 } from '../api.js';
import { navigate } from '../router.js';

interface ParamSchema {
  type?: 'integer' | 'number' | 'boolean' | 'string';
  enum?: (string | number)[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  description?: string;
}
interface RuleLanguage {
  series: string[];
  functions: {
    name: string;
    args: { name: string; kind: string }[];
    returns: string;
    description: string;
  }[];
  operators: { symbol: string; description: string }[];
  limits: { maxLength: number };
}
interface Strategy {
  name: string;
  description: string;
  params: {
    properties?: Record<string, ParamSchema>;
    required?: string[];
    /** `rules`: any other parameter is a number variable, `$name` in the expressions. */
    additionalProperties?: boolean | { type?: string };
  };
  language?: RuleLanguage;
}
interface SymbolRow {
  symbol: string;
  timeframe: string;
  bars: number;
  first: string | null;
  last: string | null;
}

const TIMEFRAMES = ['1m', '5m', '15m', '1h', '1d', '1w'] as const;

/** Field errors keyed by the form's field ids: `start`, `symbols`, `param-fast`, ... */
type FieldErrors = Record<string, string>;

/** Variables (`$fast`) named in a strategy's expression parameters, in order of appearance. */
function variablesOf(strategy: Strategy | undefined, params: Record<string, unknown>): string[] {
  if (!strategy?.language) return [];
  const names = new Set<string>();
  for (const [name, schema] of Object.entries(strategy.params.properties ?? {})) {
    if (schema.type !== 'string') continue;
    for (const match of String(params[name] ?? '').matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
      names.add(match[1]!);
    }
  }
  return [...names];
}

/** A starting point for `rules`: the SMA crossover, as docs/api.md shows it. */
const RULES_EXAMPLE: Record<string, unknown> = {
  entry: 'crosses_above(sma(close, $fast), sma(close, $slow))',
  exit: 'crosses_below(sma(close, $fast), sma(close, $slow))',
  fast: 10,
  slow: 30,
};

/** Where in the form the api's complaint belongs (docs/api.md, "Errors": `details.issues`). */
function fieldErrors(error: ApiError): FieldErrors {
  const out: FieldErrors = {};
  const details = (error.details ?? {}) as {
    issues?: {
      path?: string;
      message?: string;
      param?: string;
      problem?: string;
      column?: number;
    }[];
    symbol?: string;
    limit?: string;
  };
  for (const issue of details.issues ?? []) {
    if (issue.param) {
      out[`param-${issue.param}`] = issue.problem ?? error.message;
      if (issue.column !== undefined) out[`param-${issue.param}:column`] = String(issue.column);
      continue;
    }
    const path = (issue.path ?? '').replace(/^\//, '').split(/[/.]/);
    const field =
      path[0] === 'strategy' && path[1] === 'params' && path[2]
        ? `param-${path[2]}`
        : (path[0] ?? '');
    if (field) out[field] = issue.message ?? error.message;
  }
  if (error.code === 'HS_ERR_END_BEFORE_START') out.end = error.message;
  if (
    error.code === 'HS_ERR_SYMBOL_UNAVAILABLE' ||
    error.code === 'HS_ERR_TOO_MANY_SYMBOLS' ||
    (error.code === 'HS_ERR_LIMIT' && details.limit === 'symbols')
  ) {
    out.symbols = error.message;
  }
  return out;
}

function initialParams(strategy: Strategy | undefined): Record<string, unknown> {
  if (strategy?.language) return { ...RULES_EXAMPLE };
  return Object.fromEntries(
    Object.entries(strategy?.params.properties ?? {}).map(([name, schema]) => [
      name,
      schema.default ?? (schema.type === 'boolean' ? false : ''),
    ]),
  );
}

export function NewPage() {
  const [strategies, setStrategies] = useState<Strategy[]>([]);
  const [symbols, setSymbols] = useState<SymbolRow[]>([]);
  const [strategyName, setStrategyName] = useState('sma_crossover');
  const [params, setParams] = useState<Record<string, unknown>>({});
  const [form, setForm] = useState({
    name: '',
    symbols: 'synthetic:DEMO',
    timeframe: '1d',
    start: '2015-01-01',
    end: '2020-12-31',
    cash: '100000',
    commission: '0.001',
    conventions: 'hindsight',
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<{ items: Strategy[] }>(v1('/strategies')).then(
      (body) => {
        setStrategies(body.items);
        const chosen = body.items.find((s) => s.name === strategyName) ?? body.items[0];
        if (chosen) {
          setStrategyName(chosen.name);
          setParams(initialParams(chosen));
        }
      },
      (failure) => setFormError(errorText(failure)),
    );
    api<{ items: SymbolRow[] }>(v1('/market-data/symbols')).then(
      (body) => setSymbols(body.items),
      () => {},
    );
  }, []);

  const strategy = strategies.find((s) => s.name === strategyName);
  const variables = variablesOf(strategy, params);
  const isVariable = (name: string) => !(name in (strategy?.params.properties ?? {}));
  const set = (field: keyof typeof form) => (event: { currentTarget: { value: string } }) =>
    setForm({ ...form, [field]: event.currentTarget.value });
  const describedBy = (id: string, hint?: boolean) =>
    [hint ? `${id}-hint` : '', errors[id] ? `${id}-error` : ''].filter(Boolean).join(' ') ||
    undefined;
  const FieldError = (props: { id: string }) =>
    errors[props.id] ? (
      <p id={`${props.id}-error`} class="field-error">
        {errors[props.id]}
      </p>
    ) : null;

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError(null);
    const strategyParams = Object.fromEntries(
      Object.entries(params)
        .filter(([, value]) => value !== '')
        .map(([name, value]) => {
          const type = strategy?.params.properties?.[name]?.type ?? 'number';
          return [name, type === 'integer' || type === 'number' ? Number(value) : value];
        })
        // Only the variables the expressions name; a stale one would be refused.
        .filter(
          ([name]) =>
            !strategy?.language ||
            !isVariable(name as string) ||
            variables.includes(name as string),
        ),
    );
    const body = {
      ...(form.name.trim() ? { name: form.name.trim() } : {}),
      strategy: { name: strategyName, params: strategyParams },
      symbols: form.symbols
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
      timeframe: form.timeframe,
      start: form.start,
      end: form.end,
      cash: Number(form.cash),
      commission: Number(form.commission),
      conventions: form.conventions,
    };
    try {
      const accepted = await post<SubmitAccepted>(v1('/backtests'), body);
      navigate(`/backtests/${encodeURIComponent(accepted.id)}`);
    } catch (failure) {
      if (failure instanceof ApiError) setErrors(fieldErrors(failure));
      setFormError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  const knownSymbols = [...new Set(symbols.map((row) => row.symbol))];
  return (
    <section>
      <h1>New backtest</h1>
      <form class="new" onSubmit={submit} noValidate>
        {formError && (
          <p role="alert" class="error">
            The backtest was not accepted: {formError}
          </p>
        )}
        <div class="field">
          <label for="name">Name (optional)</label>
          <input id="name" value={form.name} onInput={set('name')} maxLength={200} />
        </div>
        <div class="field">
          <label for="strategy">Strategy</label>
          <select
            id="strategy"
            value={strategyName}
            aria-describedby="strategy-hint"
            onChange={(event) => {
              const name = event.currentTarget.value;
              setStrategyName(name);
              setParams(initialParams(strategies.find((s) => s.name === name)));
              setErrors({});
            }}
          >
            {strategies.map((s) => (
              <option value={s.name}>{s.name}</option>
            ))}
          </select>
          <p id="strategy-hint" class="hint">
            {strategy?.description}
          </p>
        </div>
        <fieldset>
          <legend>Parameters of {strategyName}</legend>
          {Object.keys(strategy?.params.properties ?? {}).length === 0 && (
            <p class="hint">This strategy takes no parameters.</p>
          )}
          {Object.entries(strategy?.params.properties ?? {}).map(([name, schema]) => {
            const id = `param-${name}`;
            const value = params[name];
            if (schema.type === 'boolean') {
              return (
                <div class="field check">
                  <input
                    id={id}
                    type="checkbox"
                    checked={value === true}
                    aria-describedby={describedBy(id, true)}
                    onChange={(e) => setParams({ ...params, [name]: e.currentTarget.checked })}
                  />
                  <label for={id}>{name}</label>
                  <p id={`${id}-hint`} class="hint">
                    {schema.description}
                  </p>
                  <FieldError id={id} />
                </div>
              );
            }
            if (schema.type === 'string') {
              const column = Number(errors[`${id}:column`]);
              return (
                <div class="field">
                  <label for={id}>
                    {name}
                    {strategy?.params.required?.includes(name) ? '' : ' (optional)'}
                  </label>
                  <textarea
                    id={id}
                    class="expression"
                    rows={2}
                    spellcheck={false}
                    autocomplete="off"
                    maxLength={strategy?.language?.limits.maxLength}
                    value={String(value ?? '')}
                    aria-invalid={errors[id] ? true : undefined}
                    aria-describedby={describedBy(id, true)}
                    onInput={(e) => setParams({ ...params, [name]: e.currentTarget.value })}
                  />
                  <p id={`${id}-hint`} class="hint">
                    {schema.description}
                  </p>
                  {errors[id] && column > 0 && (
                    <pre class="caret" aria-hidden="true">
                      {String(value ?? '')}
                      {'\n'}
                      {`${' '.repeat(column - 1)}^`}
                    </pre>
                  )}
                  {errors[id] && (
                    <p id={`${id}-error`} class="field-error">
                      {errors[id]}
                    </p>
                  )}
                </div>
              );
            }
            return (
              <div class="field">
                <label for={id}>{name}</label>
                {schema.enum ? (
                  <select
                    id={id}
                    value={String(value)}
                    aria-describedby={describedBy(id, true)}
                    onChange={(e) => setParams({ ...params, [name]: e.currentTarget.value })}
                  >
                    {schema.enum.map((option) => (
                      <option value={String(option)}>{String(option)}</option>
                    ))}
                  </select>
                ) : (
                  <input
                    id={id}
                    type="number"
                    inputMode={schema.type === 'integer' ? 'numeric' : 'decimal'}
                    step={schema.type === 'integer' ? 1 : 'any'}
                    min={schema.minimum ?? schema.exclusiveMinimum}
                    max={schema.maximum}
                    value={String(value ?? '')}
                    aria-invalid={errors[id] ? true : undefined}
                    aria-describedby={describedBy(id, true)}
                    onInput={(e) => setParams({ ...params, [name]: e.currentTarget.value })}
                  />
                )}
                <p id={`${id}-hint`} class="hint">
                  {schema.description}
                  {schema.minimum !== undefined &&
                    ` (${schema.minimum} to ${schema.maximum ?? '∞'})`}
                </p>
                <FieldError id={id} />
              </div>
            );
          })}
          {variables.map((name) => {
            const id = `param-${name}`;
            return (
              <div class="field">
                <label for={id}>${name}</label>
                <input
                  id={id}
                  type="number"
                  step="any"
                  value={String(params[name] ?? '')}
                  aria-invalid={errors[id] ? true : undefined}
                  aria-describedby={describedBy(id)}
                  onInput={(e) => setParams({ ...params, [name]: e.currentTarget.value })}
                />
                <FieldError id={id} />
              </div>
            );
          })}
          {strategy?.language && <LanguageReference language={strategy.language} />}
        </fieldset>
        <fieldset>
          <legend>Data</legend>
          <div class="field">
            <label for="symbols">Symbols</label>
            <input
              id="symbols"
              list="known-symbols"
              value={form.symbols}
              onInput={set('symbols')}
              aria-invalid={errors.symbols ? true : undefined}
              aria-describedby={describedBy('symbols', true)}
            />
            <datalist id="known-symbols">
              {knownSymbols.map((s) => (
                <option value={s} />
              ))}
            </datalist>
            <p id="symbols-hint" class="hint">
              Separated by commas. An imported name (<code>GOOG</code>) or{' '}
              <code>synthetic:NAME</code>.
              {knownSymbols.length > 0 && ` In the cache: ${knownSymbols.join(', ')}.`}
            </p>
            <FieldError id="symbols" />
          </div>
          <div class="row">
            <div class="field">
              <label for="timeframe">Timeframe</label>
              <select id="timeframe" value={form.timeframe} onChange={set('timeframe')}>
                {TIMEFRAMES.map((t) => (
                  <option value={t}>{t}</option>
                ))}
              </select>
              <FieldError id="timeframe" />
            </div>
            <div class="field">
              <label for="start">Start</label>
              <input
                id="start"
                type="date"
                value={form.start}
                onInput={set('start')}
                aria-invalid={errors.start ? true : undefined}
                aria-describedby={describedBy('start')}
              />
              <FieldError id="start" />
            </div>
            <div class="field">
              <label for="end">End (inclusive)</label>
              <input
                id="end"
                type="date"
                value={form.end}
                onInput={set('end')}
                aria-invalid={errors.end ? true : undefined}
                aria-describedby={describedBy('end')}
              />
              <FieldError id="end" />
            </div>
          </div>
        </fieldset>
        <fieldset>
          <legend>Account</legend>
          <div class="row">
            <div class="field">
              <label for="cash">Cash</label>
              <input
                id="cash"
                type="number"
                min={0}
                step="any"
                value={form.cash}
                onInput={set('cash')}
                aria-describedby={describedBy('cash')}
              />
              <FieldError id="cash" />
            </div>
            <div class="field">
              <label for="commission">Commission</label>
              <input
                id="commission"
                type="number"
                min={0}
                max={0.1}
                step="any"
                value={form.commission}
                onInput={set('commission')}
                aria-describedby={describedBy('commission', true)}
              />
              <p id="commission-hint" class="hint">
                A fraction of each fill's notional: 0.001 is 10 bps.
              </p>
              <FieldError id="commission" />
            </div>
            <div class="field">
              <label for="conventions">Conventions</label>
              <select id="conventions" value={form.conventions} onChange={set('conventions')}>
                <option value="hindsight">hindsight</option>
                <option value="backtesting.py">backtesting.py</option>
              </select>
            </div>
          </div>
        </fieldset>
        <button type="submit" disabled={busy || !strategy}>
          {busy ? 'Submitting…' : 'Run backtest'}
        </button>
      </form>
    </section>
  );
}

/** What the rule language offers, from GET /strategies: series, functions and operators. */
function LanguageReference(props: { language: RuleLanguage }) {
  const { language } = props;
  return (
    <details class="reference">
      <summary>The rule language: series, functions, operators</summary>
      <p>
        Series: <code>{language.series.join(', ')}</code>. Variables: <code>$name</code>, each a
        number set above.
      </p>
      <dl>
        {language.functions.map((fn) => (
          <>
            <dt>
              <code>
                {fn.name}({fn.args.map((arg) => arg.name).join(', ')})
              </code>{' '}
              → {fn.returns}
            </dt>
            <dd>{fn.description}</dd>
          </>
        ))}
      </dl>
      <p>
        Operators:{' '}
        {language.operators.map((op, index) => (
          <>
            {index > 0 && ', '}
            <code>{op.symbol}</code>
          </>
        ))}
        .
      </p>
    </details>
  );
}
