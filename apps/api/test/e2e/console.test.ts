import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, type ServiceProcess } from '@hindsight/service/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleDist } from '../../src/routes/console/index.js';
import type { BacktestView } from '../../src/schemas/backtest-view.js';
import type { ResultBody } from '../../src/schemas/result.js';
import type { SweepAccepted, SweepView } from '../../src/schemas/sweep-view.js';
import {
  bearer,
  KEYS,
  listenLocally,
  startTestApp,
  startWorkerFor,
  submitBody,
  type TestApp,
} from '../support.js';

/**
 * The web console in a real browser (Debian's chromium driven by playwright-core) against the
 * real service: this api with the console's build, the real worker as a child process, a
 * private redis-server. The worker starts only once two backtests wait in the queue, so the
 * pages are seen to change from queued to completed without a reload. Screenshots of every page
 * go to test-results/console/ (gitignored).
 */
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => typeof path === 'string' && existsSync(path),
);
const SHOTS = join(REPO_ROOT, 'test-results', 'console');
const KEY = KEYS.bob;

if (!CHROMIUM) {
  process.stderr.write(
    'console.test.ts: SKIPPED - no chromium (looked at $CHROMIUM_PATH, /usr/bin/chromium); install it: sudo apt-get install chromium\n',
  );
}

describe.skipIf(!CHROMIUM)('the web console in headless Chromium', () => {
  let t: TestApp;
  let http: string;
  let worker: ServiceProcess | undefined;
  let browser: Browser;
  let context: BrowserContext;
  /** Console errors and uncaught exceptions of every page, by page. */
  const problems: string[] = [];

  beforeAll(async () => {
    expect(
      existsSync(join(consoleDist(), 'index.html')),
      'the console is built (scripts/bootstrap.sh runs pnpm --filter @hindsight/console build)',
    ).toBe(true);
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp({ WORKER_CONCURRENCY: '2' });
    http = await listenLocally(t.app);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // playwright gives each launch a fresh, temporary user-data-dir.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await t?.close();
  });

  async function open(url: string, label: string): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${label}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${label}: ${error.message}`));
    await page.goto(url);
    return page;
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  async function apiGet<T>(path: string): Promise<T> {
    return (await (await fetch(`${http}${path}`, { headers: bearer(KEY) })).json()) as T;
  }

  async function submitFromForm(page: Page, name: string, fast: string, slow: string) {
    await page.getByRole('link', { name: 'New backtest' }).first().click();
    await page.getByRole('heading', { name: 'New backtest' }).waitFor();
    await page.getByLabel('Strategy').selectOption('sma_crossover');
    await page.getByLabel('Name (optional)').fill(name);
    await page.getByLabel('fast').fill(fast);
    await page.getByLabel('slow').fill(slow);
    await page.getByLabel('Symbols').fill('synthetic:DEMO');
    await page.getByRole('button', { name: 'Run backtest' }).click();
  }

  let pageA: Page;
  let idA = '';
  let idB = '';

  it('signs in with a key typed into the form, refuses a bad one, submits from the generated form and cancels a waiting run', async () => {
    pageA = await open(`${http}/`, 'form');
    await pageA.getByLabel('API key').waitFor();
    await shot(pageA, 'sign-in');
    await pageA.getByLabel('API key').fill('not-a-key-000000000000');
    await pageA.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => pageA.getByRole('alert').textContent())
      .toContain('HS_ERR_UNAUTHORIZED');
    await pageA.getByLabel('API key').fill(KEY);
    await pageA.getByRole('button', { name: 'Sign in' }).click();
    await pageA.getByRole('heading', { name: 'Backtests' }).waitFor();

    // A bad parameter is refused by the api and shown next to its field.
    await submitFromForm(pageA, 'console sma 30/30', '30', '30');
    const fastError = pageA.locator('#param-fast-error');
    await fastError.waitFor();
    expect(await pageA.getByLabel('fast').getAttribute('aria-invalid')).toBe('true');
    expect(await pageA.getByRole('alert').textContent()).toContain('HS_ERR_BAD_STRATEGY_PARAMS');
    await shot(pageA, 'new-with-error');

    await pageA.getByLabel('fast').fill('10');
    await pageA.getByRole('button', { name: 'Run backtest' }).click();
    await pageA.waitForURL(/\/backtests\/[^/]+$/);
    idA = decodeURIComponent(new URL(pageA.url()).pathname.split('/').pop()!);
    // No worker runs yet, so the backtest waits in the queue.
    await pageA.locator('[data-status="queued"]').first().waitFor();
    await pageA.getByRole('progressbar', { name: 'Progress of the backtest' }).waitFor();

    await submitFromForm(pageA, 'console sma 5/40', '5', '40');
    await pageA.waitForURL(
      (url) => url.pathname.startsWith('/backtests/') && !url.pathname.endsWith(idA),
    );
    idB = decodeURIComponent(new URL(pageA.url()).pathname.split('/').pop()!);
    const b = await apiGet<BacktestView>(`/api/v1/backtests/${idB}`);
    expect(b).toMatchObject({ name: 'console sma 5/40', status: 'queued' });
    expect(b.config.strategy.params).toMatchObject({ fast: 5, slow: 40 });

    // A third one written in the rule language: a misspelt function is refused and pointed at
    // in place; once fixed it is accepted, then cancelled from its page while it waits.
    await pageA.getByRole('link', { name: 'New backtest' }).first().click();
    await pageA.getByLabel('Strategy').selectOption('rules');
    await pageA.getByLabel('Name (optional)').fill('console to cancel');
    const entry = pageA.getByLabel('entry', { exact: true });
    expect(await entry.inputValue()).toContain('$fast');
    await entry.fill('crosses_above(smaa(close, $fast), sma(close, $slow))');
    await pageA.getByLabel('$slow').fill('20');
    await pageA.getByRole('button', { name: 'Run backtest' }).click();
    const entryError = pageA.locator('#param-entry-error');
    await entryError.waitFor();
    expect(await entryError.textContent()).toContain("column 15: unknown function 'smaa'");
    expect(await entry.getAttribute('aria-invalid')).toBe('true');
    await shot(pageA, 'new-rules-error');
    await entry.fill('crosses_above(sma(close, $fast), sma(close, $slow))');
    await pageA.getByRole('button', { name: 'Run backtest' }).click();
    await pageA.waitForURL(
      (url) =>
        url.pathname.startsWith('/backtests/') &&
        !url.pathname.endsWith(idA) &&
        !url.pathname.endsWith(idB),
    );
    await pageA.locator('[data-status="queued"]').first().waitFor();
    const cancelId = decodeURIComponent(new URL(pageA.url()).pathname.split('/').pop()!);
    const rules = await apiGet<BacktestView>(`/api/v1/backtests/${cancelId}`);
    expect(rules.config.strategy).toMatchObject({
      name: 'rules',
      params: { fast: 10, slow: 20, exit: 'crosses_below(sma(close, $fast), sma(close, $slow))' },
    });
    await pageA.getByRole('button', { name: 'Cancel' }).click();
    await pageA.locator('[data-status="cancelled"]').first().waitFor();
    expect(await pageA.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
  }, 60_000);

  it('follows both runs to completion without a reload: the detail page and the list', async () => {
    await pageA.goto(`${http}/backtests/${encodeURIComponent(idA)}`);
    await pageA.locator('[data-status="queued"]').first().waitFor();
    // A second tab signs in through the #key= link the start-up banner prints.
    const list = await open(`${http}/#key=${encodeURIComponent(KEY)}`, 'list');
    await list.getByRole('heading', { name: 'Backtests' }).waitFor();
    expect(new URL(list.url()).hash, 'the key is removed from the address bar').toBe('');
    await expect.poll(() => list.locator('[data-status="queued"]').count()).toBe(2);
    await shot(list, 'list-queued');

    let loads = 0;
    pageA.on('load', () => loads++);
    list.on('load', () => loads++);
    worker = await startWorkerFor(t, { WORKER_CONCURRENCY: '2' });

    await pageA.getByRole('heading', { name: 'Statistics' }).waitFor({ timeout: 60_000 });
    await expect
      .poll(() => list.locator('[data-status="completed"]').count(), { timeout: 60_000 })
      .toBe(2);
    expect(loads, 'neither page reloaded').toBe(0);
    // The list now shows the summaries it reloaded for the finished rows.
    const a = await apiGet<BacktestView>(`/api/v1/backtests/${idA}`);
    await expect
      .poll(() => list.getByRole('row', { name: /console sma 30\/30/ }).textContent())
      .toContain(`${a.summary?.returnPct?.toFixed(2)} %`);
    await shot(list, 'list');

    // Filter and sort, as the api does them.
    const rows = list.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    await list.getByLabel('Status', { exact: true }).selectOption('completed');
    await expect.poll(() => rows.count()).toBe(2);
    await list.getByLabel('Sort', { exact: true }).selectOption('-returnPct');
    const best = (
      await apiGet<{ items: BacktestView[] }>('/api/v1/backtests?status=completed&sort=-returnPct')
    ).items[0]!;
    await expect.poll(() => rows.first().textContent()).toContain(best.name);
    await list.getByLabel('Status', { exact: true }).selectOption('cancelled');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Cancelled');
    await list.getByLabel('Status', { exact: true }).selectOption('');

    await list.setViewportSize({ width: 390, height: 844 });
    await shot(list, 'list-phone');
    await list.setViewportSize({ width: 1280, height: 900 });
  }, 120_000);

  it('shows the results: statistics with units, conventions, equity and price charts, trades, log', async () => {
    const result = await apiGet<ResultBody>(`/api/v1/backtests/${idA}/result`);
    const cell = (stat: string) => pageA.locator(`[data-stat="${stat}"]`).textContent();
    expect(await cell('returnPct')).toBe(
      `${result.stats.returnPct.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} %`,
    );
    expect(await cell('trades')).toBe(String(result.stats.trades));
    const sharpe = result.stats.sharpeRatio;
    expect(await cell('sharpeRatio')).toBe(sharpe === null ? '—' : sharpe.toFixed(3));
    expect(
      await pageA.getByRole('row', { name: /^Max\. drawdown duration/ }).textContent(),
    ).toContain('days');
    const conventions = pageA.getByRole('complementary', { name: 'Conventions' });
    expect(await conventions.textContent()).toContain(result.conventions.profile);

    await pageA
      .getByRole('img', { name: /^Equity and drawdown over \d+ points/ })
      .locator('canvas')
      .first()
      .waitFor();
    const price = pageA.getByRole('img', { name: /^Price with \d+ trades marked/ });
    await price.locator('canvas').first().waitFor();
    expect(await price.getAttribute('aria-label')).toContain(`${result.stats.trades} trades`);
    const tradesTable = pageA.getByRole('region', { name: 'Trades table' });
    expect(await tradesTable.locator('tbody tr').count()).toBe(
      result.stats.trades + result.stats.openTrades,
    );
    expect(
      await pageA.getByRole('list', { name: 'Execution log' }).locator('li').count(),
    ).toBeGreaterThan(0);
    await shot(pageA, 'backtest');
    // The first screen of it, as the README shows it (docs/console.png).
    await pageA.evaluate('window.scrollTo(0, 0)');
    await pageA.screenshot({ path: join(SHOTS, 'backtest-top.png') });
    await pageA.setViewportSize({ width: 390, height: 844 });
    await shot(pageA, 'backtest-phone');
    await pageA.setViewportSize({ width: 1280, height: 900 });
  }, 60_000);

  it('compares two: overlaid equity, metrics side by side, the correlation matrix', async () => {
    const list = await open(`${http}/#key=${encodeURIComponent(KEY)}`, 'compare');
    await list.getByRole('checkbox', { name: 'Select console sma 30/30' }).check();
    await list.getByRole('checkbox', { name: 'Select console sma 5/40' }).check();
    await list.getByRole('button', { name: 'Compare selected (2)' }).click();
    await list.getByRole('heading', { name: 'Correlation of daily returns' }).waitFor();
    expect(new URL(list.url()).searchParams.get('ids')?.split(',').sort()).toEqual(
      [idA, idB].sort(),
    );
    await list
      .getByRole('img', { name: /^Equity of / })
      .locator('canvas')
      .first()
      .waitFor();
    const matrix = list.getByRole('region', { name: 'Correlation matrix' });
    expect(await matrix.locator('tbody tr').count()).toBe(2);
    // A run correlates perfectly with itself.
    expect(await matrix.locator('tbody tr').first().locator('td').first().textContent()).toMatch(
      /^1\.000/,
    );
    const metrics = list.getByRole('region', { name: 'Metrics side by side' });
    expect(
      await metrics
        .getByRole('row', { name: /^Sharpe ratio/ })
        .locator('td')
        .count(),
    ).toBe(3);
    await shot(list, 'compare');
  }, 60_000);

  it('shows a sweep: progress, the heatmap over two parameters, the leaderboard, overfitting', async () => {
    const submitted = await fetch(`${http}/api/v1/sweeps`, {
      method: 'POST',
      headers: { ...bearer(KEY), 'content-type': 'application/json' },
      body: JSON.stringify(
        submitBody({
          name: 'console sweep',
          strategy: { name: 'sma_crossover', params: {} },
          grid: { fast: [5, 10, 15, 20], slow: [20, 30, 40, 50, 60] },
        }),
      ),
    });
    expect(submitted.status).toBe(202);
    const accepted = (await submitted.json()) as SweepAccepted;
    // fast 20 / slow 20 is refused by the strategy's rule: counted as skipped, never run.
    expect(accepted.combos).toEqual({ total: 20, skipped: 1 });

    // In through the list page's Sweeps section.
    const page = await open(`${http}/#key=${encodeURIComponent(KEY)}`, 'sweep');
    await page.getByRole('link', { name: 'console sweep' }).waitFor();
    await shot(page, 'list-with-sweep');
    await page.getByRole('link', { name: 'console sweep' }).click();
    await page.waitForURL(`${http}/sweeps/${encodeURIComponent(accepted.id)}`);
    await page.locator('[data-status="completed"]').first().waitFor({ timeout: 60_000 });
    const sweep = await apiGet<SweepView>(`/api/v1/sweeps/${accepted.id}`);
    expect(sweep.status).toBe('completed');
    await expect
      .poll(() => page.locator('[data-combos]').textContent())
      .toContain('20 of 20 combinations done (100 %) · 1 skipped');

    // One cell per fast x slow pair, filled once every result is read.
    const heatmap = page.getByRole('region', { name: 'Heatmap of the objective' });
    await expect.poll(() => heatmap.locator('[data-cell="pending"]').count()).toBe(0);
    expect(await heatmap.locator('[data-cell]').count()).toBe(20);
    expect(await heatmap.locator('[data-cell="skipped"]').count()).toBe(1);
    expect(
      await heatmap
        .getByRole('button', { name: 'fast 20, slow 20: skipped', exact: false })
        .count(),
    ).toBe(1);
    const best = sweep.best!;
    const bestCell = heatmap.locator('.heat-cell.best');
    expect(await bestCell.count()).toBe(1);
    expect(await bestCell.getAttribute('aria-label')).toBe(
      `fast ${best.params.fast}, slow ${best.params.slow}: Sharpe ratio ${best.stats.sharpeRatio!.toFixed(3)} (best)`,
    );

    // The leaderboard's first row is the api's best.
    const first = page
      .getByRole('region', { name: 'Leaderboard table' })
      .locator('tbody tr')
      .first();
    const cells = await first.locator('td').allTextContents();
    // Ranked by Sharpe: the objective column is the Sharpe column.
    const top = sweep.leaderboard[0]!;
    expect(top.params).toEqual(best.params);
    expect(cells.slice(0, 3)).toEqual([
      '1',
      `fast ${best.params.fast}, slow ${best.params.slow}`,
      best.stats.sharpeRatio!.toFixed(3),
    ]);
    expect(await first.locator('[data-col="trades"]').textContent()).toBe(
      String(best.stats.trades),
    );
    expect(cells.slice(-2)).toEqual([
      top.deflatedSharpeRatio!.toFixed(3),
      top.probabilisticSharpeRatio!.toFixed(3),
    ]);
    expect(await page.getByRole('row', { name: /^Trials/ }).textContent()).toContain(
      String(sweep.overfitting!.trials),
    );
    // Asked for without walk-forward: no such section.
    expect(sweep.walkForward).toBeUndefined();
    expect(await page.getByRole('heading', { name: 'Walk-forward', exact: true }).count()).toBe(0);
    await shot(page, 'sweep');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'sweep-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // The best opens as a full backtest.
    await page.getByRole('button', { name: 'Open the best as a backtest' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/backtests/'));
    const promotedId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const promoted = await apiGet<BacktestView>(`/api/v1/backtests/${promotedId}`);
    expect(promoted.config.strategy.params).toMatchObject({
      fast: best.params.fast,
      slow: best.params.slow,
    });
  }, 90_000);

  it('shows a walk-forward sweep: the folds, their choices and numbers, the stitched result', async () => {
    const submitted = await fetch(`${http}/api/v1/sweeps`, {
      method: 'POST',
      headers: { ...bearer(KEY), 'content-type': 'application/json' },
      body: JSON.stringify(
        submitBody({
          name: 'console walk-forward',
          strategy: { name: 'sma_crossover', params: {} },
          grid: { fast: [5, 10, 15], slow: [20, 40] },
          walkForward: { folds: 3, mode: 'anchored', inSampleFraction: 0.7 },
        }),
      ),
    });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as SweepAccepted;
    const page = await open(
      `${http}/sweeps/${encodeURIComponent(id)}#key=${encodeURIComponent(KEY)}`,
      'walk-forward',
    );
    await page
      .getByRole('heading', { name: 'Walk-forward', exact: true })
      .waitFor({ timeout: 60_000 });
    const sweep = await apiGet<SweepView>(`/api/v1/sweeps/${id}`);
    const report = sweep.walkForward!;
    expect(report.folds).toHaveLength(3);
    expect(await page.locator('[data-walk-forward]').textContent()).toContain(
      'Anchored · 3 folds · in-sample fraction 0.70',
    );

    // Every fold's row says what the api's JSON says, formatted here independently.
    const fixed = (value: number | null, digits: number) =>
      value === null
        ? '—'
        : value.toLocaleString('en-US', {
            minimumFractionDigits: digits,
            maximumFractionDigits: digits,
          });
    const dates = (w: { start: string; end: string }) =>
      `${w.start.slice(0, 10)} to ${w.end.slice(0, 10)}`;
    const rows = page.getByRole('region', { name: 'Walk-forward folds table' }).locator('tbody tr');
    expect(await rows.count()).toBe(3);
    for (const [i, fold] of report.folds.entries()) {
      // Numbered from 0, as the api's fold, the CLI and the error messages number them.
      expect(await rows.nth(i).locator('td').allTextContents()).toEqual([
        String(fold.fold),
        dates(fold.inSample),
        dates(fold.outOfSample),
        `fast ${fold.params.fast}, slow ${fold.params.slow}`,
        fixed(fold.inSampleObjective, 3),
        `${fixed(fold.outOfSampleStats.returnPct, 2)} %`,
        fixed(fold.outOfSampleStats.sharpeRatio, 3),
        fixed(fold.efficiency, 3),
      ]);
    }
    // Anchored: every in-sample window starts at the first bar.
    expect(new Set(report.folds.map((fold) => fold.inSample.firstBar))).toEqual(new Set([0]));

    const stat = (key: string) => page.locator(`[data-stat="${key}"]`).textContent();
    expect(await stat('returnPct')).toBe(`${fixed(report.stats.returnPct, 2)} %`);
    expect(await stat('cagrPct')).toBe(
      report.stats.cagrPct === null ? '—' : `${fixed(report.stats.cagrPct, 2)} %`,
    );
    expect(await stat('maxDrawdownPct')).toBe(`${fixed(report.stats.maxDrawdownPct, 2)} %`);
    expect(await stat('trades')).toBe(String(report.stats.trades));
    expect(await stat('sharpeRatio')).toBe(fixed(report.stats.sharpeRatio, 3));
    expect(await stat('efficiency')).toBe(fixed(report.efficiency, 3));
    expect(
      await page.getByRole('row', { name: /^Walk-forward efficiency/ }).getAttribute('title'),
    ).toContain('in-sample CAGR');

    await page
      .getByRole('img', { name: `Equity over ${report.equity.time.length} points`, exact: false })
      .locator('canvas')
      .first()
      .waitFor();
    await shot(page, 'sweep-walk-forward');
    const section = page.getByRole('region', { name: 'Walk-forward', exact: true });
    await section.screenshot({ path: join(SHOTS, 'sweep-walk-forward-section.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'sweep-walk-forward-phone');
    await section.screenshot({ path: join(SHOTS, 'sweep-walk-forward-section-phone.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 90_000);

  it('reruns and deletes from the detail page', async () => {
    await pageA.getByRole('button', { name: 'Rerun' }).click();
    await pageA.waitForURL(
      (url) => url.pathname.startsWith('/backtests/') && !url.pathname.endsWith(idA),
    );
    const rerunId = decodeURIComponent(new URL(pageA.url()).pathname.split('/').pop()!);
    await pageA.getByRole('heading', { name: 'Statistics' }).waitFor({ timeout: 60_000 });
    pageA.once('dialog', (dialog) => void dialog.accept());
    await pageA.getByRole('button', { name: 'Delete' }).click();
    await pageA.waitForURL(`${http}/`);
    const gone = await fetch(`${http}/api/v1/backtests/${rerunId}`, { headers: bearer(KEY) });
    expect(gone.status).toBe(404);
  }, 90_000);

  it('logged no console errors but the refused sign-in and the two refused submits', () => {
    const expected = /Failed to load resource: the server responded with a status of (401|400)/;
    expect(problems.filter((text) => !expected.test(text))).toEqual([]);
    expect(problems.filter((text) => expected.test(text))).toHaveLength(3);
    expect(readFileSync(join(SHOTS, 'backtest.png')).length).toBeGreaterThan(0);
  });
});
