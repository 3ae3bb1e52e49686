import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from '../../test/run-in-process.js';
import { dataCommand } from './data.js';

const goog = fileURLToPath(new URL('../../../../fixtures/market-data/GOOG.csv', import.meta.url));

describe('hindsight data', () => {
  let dataRoot: string;
  beforeEach(async () => {
    dataRoot = await mkdtemp(join(tmpdir(), 'hindsight-cli-data-'));
  });
  afterEach(async () => {
    await rm(dataRoot, { recursive: true, force: true });
  });

  function data(...argv: string[]) {
    return runInProcess(dataCommand, argv, { DATA_ROOT: dataRoot });
  }

  it('imports a file, lists it, and shows a range of it', async () => {
    const imported = await data('import', goog, '--symbol', 'goog');
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(imported.stdout.split('\n')[0]).toBe(
      'imported GOOG.csv as GOOG (1d): 2,148 bars from 2004-08-19 to 2013-03-01',
    );
    expect(imported.stdout).toContain('warning: 2 gaps');

    const listed = await data('list');
    expect(listed.stdout.split('\n').slice(0, 2)).toEqual([
      expect.stringMatching(/^SYMBOL\s+TIMEFRAME\s+BARS\s+FIRST\s+LAST\s+ORIGIN\s+UPDATED$/),
      expect.stringMatching(
        /^GOOG\s+1d\s+2148\s+2004-08-19\s+2013-03-01\s+GOOG\.csv\s+\d{4}-\d\d-\d\d \d\d:\d\d$/,
      ),
    ]);

    // The last three lines of GOOG.csv.
    const shown = await data('show', 'GOOG', '--from', '2013-02-27', '--to', '2013-03-02');
    expect(shown).toMatchObject({ code: 0, stderr: '' });
    expect(shown.stdout).toBe(
      [
        'GOOG 1d: 3 bars from 2013-02-27 to 2013-03-01 (from the cache)',
        'TIME         OPEN    HIGH     LOW   CLOSE   VOLUME',
        '2013-02-27  794.8  804.75  791.11  799.78  2026100',
        '2013-02-28  801.1  806.99  801.03   801.2  2265800',
        '2013-03-01  797.8  807.14  796.15  806.19  2175400',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON for machines', async () => {
    await data('import', goog, '--symbol', 'GOOG');
    const listed = JSON.parse((await data('list', '--json')).stdout);
    expect(listed).toEqual([
      expect.objectContaining({
        symbol: 'GOOG',
        timeframe: '1d',
        bars: 2148,
        first: '2004-08-19T00:00:00.000Z',
        last: '2013-03-01T00:00:00.000Z',
      }),
    ]);
    const shown = JSON.parse((await data('show', 'GOOG', '--from', '2013-03-01', '--json')).stdout);
    expect(shown).toEqual({
      symbol: 'GOOG',
      timeframe: '1d',
      source: 'csv',
      fromCache: true,
      bars: [
        {
          time: '2013-03-01T00:00:00.000Z',
          open: 797.8,
          high: 807.14,
          low: 796.15,
          close: 806.19,
          volume: 2175400,
        },
      ],
    });
  });

  it('shows a synthetic series, fetching it into the cache, and elides long output', async () => {
    const shown = await data('show', 'synthetic:DEMO', '--limit', '4');
    expect(shown.code).toBe(0);
    const lines = shown.stdout.trimEnd().split('\n');
    // The synthetic default daily span, 2015-01-01 to 2025-01-01: 2,609 weekdays.
    expect(lines[0]).toBe('synthetic:DEMO 1d: 2,609 bars from 2015-01-01 to 2024-12-31 (fetched)');
    expect(lines).toHaveLength(1 + 1 + 2 + 1 + 2 + 1);
    expect(lines[4]).toMatch(/^\.\.\. 2605 more/);
    expect((await data('show', 'synthetic:DEMO', '--limit', '4')).stdout).toContain(
      '(from the cache)',
    );
  });

  it('reports data quality', async () => {
    await data('import', goog, '--symbol', 'GOOG');
    const report = await data('quality', 'GOOG');
    expect(report.code).toBe(0);
    // The two multi-day NYSE closures in the file (see quality.test.ts in @hindsight/market-data).
    expect(report.stdout).toContain(
      'gaps:           2 (4 missing bars)\n  2006-12-29 -> 2007-01-03  2 missing\n  2012-10-26 -> 2012-10-31  2 missing\n',
    );
    expect(report.stdout).toContain('duplicates:     0\n');
    const json = JSON.parse((await data('quality', 'GOOG', '--json')).stdout);
    expect(json.gaps.samples[1]).toEqual({
      from: '2012-10-26T00:00:00.000Z',
      to: '2012-10-31T00:00:00.000Z',
      missing: 2,
    });
  });

  it('rejects a bad file with one line and leaves the cache as it was', async () => {
    await data('import', goog, '--symbol', 'GOOG');
    const directory = join(dataRoot, 'market-data', 'series', 'csv', 'GOOG', '1d');
    const before = (await readdir(directory)).sort();
    const bad = join(dataRoot, 'bad.csv');
    await writeFile(
      bad,
      'Date,Open,High,Low,Close,Volume\n2020-01-02,10,11,9,10.5,100\n2020-01-03,10,9,11,10,5\n',
    );
    const result = await data('import', bad, '--symbol', 'GOOG');
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'hindsight data: bad.csv line 3: high 9 is below low 11\n',
    });
    expect((await readdir(directory)).sort()).toEqual(before);
  });

  it.each([
    [
      ['show', 'AAPL'],
      "AAPL (1d) is not in the cache: import it first with 'hindsight data import FILE --symbol AAPL'",
    ],
    [['import', '/no/such/file.csv', '--symbol', 'X'], 'file.csv: no such file'],
    [
      ['import', goog, '--symbol', 'synthetic:X'],
      '--symbol synthetic:X: imported symbols are bare names, like GOOG',
    ],
    [['import', goog], 'import needs --symbol NAME'],
    [
      ['import', goog, '--symbol', 'GOOG', '--timeframe', '2d'],
      "invalid timeframe '2d' (expected one of 1m, 5m, 15m, 1h, 1d, 1w)",
    ],
    [
      ['show', 'GOOG', '--from', 'yesterday'],
      '--from must be an ISO date or date-time, got "yesterday"',
    ],
    [
      ['show', 'yahoo:AAPL'],
      "unknown data source 'yahoo' (configured: csv, synthetic, alphavantage)",
    ],
    [
      ['show', 'alphavantage:IBM'],
      'alphavantage: no API key configured: set ALPHAVANTAGE_API_KEY (free keys at alphavantage.co)',
    ],
    [
      ['import', goog, '--symbol', 'GOOG', '--column', 'price=Close'],
      '--column must look like FIELD=HEADER with FIELD one of time, open, high, low, close, volume, got "price=Close"',
    ],
    [['frobnicate'], 'unknown command "frobnicate" (import, list, show, quality; see --help)'],
  ])('says what is wrong with %j in one line', async (argv, message) => {
    const result = await data(...argv);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `hindsight data: ${message}\n` });
  });

  it('names an unknown option', async () => {
    const result = await data('list', '--bogus');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hindsight data: Unknown option '--bogus'.*\n$/);
    expect(result.stderr.split('\n')).toHaveLength(2);
  });

  it('prints its usage on --help', async () => {
    const result = await data('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: hindsight data <command>/);
  });
});
