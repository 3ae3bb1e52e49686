import type { WalkForwardReport } from '@hindsight/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../../test/run-in-process.js';
import { startTestService, type TestService } from '../../test/service-fixture.js';
import { submitSweepCommand } from './submit-sweep.js';

/** The command against the real service: the api and a worker as child processes. */
describe('hindsight submit-sweep against the service', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
    await service.startWorker();
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
  });

  const run = (argv: string[]) => runInProcess(submitSweepCommand, argv, service.env);

  const SWEEP = [
    '--strategy',
    'sma_crossover',
    '--symbol',
    'synthetic:DEMO',
    '--start',
    '2015-01-01',
    '--end',
    '2020-12-31',
    '--grid',
    'fast=5:20:5',
    '--grid',
    'slow=20,40,60',
    '--watch',
  ];

  it('follows the sweep live, then prints the leaderboard of GET /sweeps/:id', async () => {
    const result = await run(SWEEP);
    expect(result.code, result.stderr).toBe(0);
    // 4 x 3 combinations; fast=20 slow=20 is refused by the strategy.
    expect(result.stderr).toMatch(/^sweep \S+\n/);
    expect(result.stderr).toContain('12/12 combinations (1 skipped, 0 failed) 100%\n');
    const id = /^sweep (\S+)/.exec(result.stderr)![1]!;
    const view = (await (
      await fetch(`${service.url}/api/v1/sweeps/${id}`, {
        headers: { authorization: `Bearer ${service.env.HINDSIGHT_API_KEY}` },
      })
    ).json()) as {
      leaderboard: Array<{ rank: number; params: Record<string, unknown> }>;
    };
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('12 combinations: 11 ran, 1 skipped, 0 failed');
    expect(lines[1]).toMatch(/^rank {2}sharpeRatio/);
    expect(lines.at(-1)).toMatch(
      /^probability of backtest overfitting [\d.]+ over \d+ CSCV splits, 11 trials$/,
    );
    const rows = lines.slice(2, -1);
    expect(rows).toHaveLength(Math.min(10, view.leaderboard.length));
    rows.forEach((row, i) => {
      const entry = view.leaderboard[i]!;
      expect(row).toMatch(
        new RegExp(`^\\s+${entry.rank} .*fast=${entry.params.fast} slow=${entry.params.slow}$`),
      );
    });
  }, 120_000);

  it('--walk-forward K adds the analysis and prints a line a fold after the leaderboard', async () => {
    const result = await run([...SWEEP, '--walk-forward', '3', '--walk-forward-mode', 'anchored']);
    expect(result.code, result.stderr).toBe(0);
    const id = /^sweep (\S+)/.exec(result.stderr)![1]!;
    const view = (await (
      await fetch(`${service.url}/api/v1/sweeps/${id}`, {
        headers: { authorization: `Bearer ${service.env.HINDSIGHT_API_KEY}` },
      })
    ).json()) as { walkForward: WalkForwardReport };
    const report = view.walkForward;
    expect(report).toMatchObject({ mode: 'anchored', inSampleFraction: 0.75 });
    const lines = result.stdout.trimEnd().split('\n');
    const header = lines.findIndex((line) => line.startsWith('walk-forward, 3 anchored folds'));
    expect(header, result.stdout).toBeGreaterThan(0);
    expect(lines[header + 1]).toMatch(/^fold {2}in sample/);
    report.folds.forEach((fold, i) => {
      expect(lines[header + 2 + i]).toMatch(
        new RegExp(
          `^\\s+${i}  ${fold.inSample.start.slice(0, 10)}\\.\\.${fold.inSample.end.slice(0, 10)} .*fast=${fold.params.fast} slow=${fold.params.slow}$`,
        ),
      );
    });
    expect(lines[header + 5]).toMatch(/^stitched out of sample: return .* walk-forward efficiency/);
  }, 120_000);

  it('--in-sample-fraction without --walk-forward is one line, before anything is sent', async () => {
    const result = await run([...SWEEP, '--in-sample-fraction', '0.5']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'hindsight submit-sweep: --walk-forward-mode and --in-sample-fraction need --walk-forward K\n',
    });
  });

  it.each([
    [
      ['--walk-forward', '1'],
      '--walk-forward must be a whole number of folds from 2 to 20, got "1"',
    ],
    [
      ['--walk-forward', '5', '--in-sample-fraction', '1.5'],
      '--in-sample-fraction must be above 0 and below 1, got "1.5"',
    ],
  ])(
    '%j is the one line hindsight sweep gives, before anything is sent',
    async (extra, message) => {
      const result = await run([...SWEEP, ...extra]);
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: `hindsight submit-sweep: ${message}\n`,
      });
    },
  );

  it('--search random sends the service the sample, the same as hindsight sweep draws', async () => {
    const result = await run([
      ...SWEEP,
      '--json',
      '--search',
      'random',
      '--samples',
      '5',
      '--seed',
      '7',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const view = JSON.parse(result.stdout) as {
      config: { search: unknown };
      combos: { total: number };
    };
    expect(view.config.search).toEqual({ mode: 'random', samples: 5, seed: 7 });
    expect(view.combos.total).toBe(5);
    // Without --seed one is drawn, and said, so the sample can be repeated.
    const drawn = await run([...SWEEP.slice(0, -1), '--search', 'random', '--samples', '5']);
    expect(drawn.code, drawn.stderr).toBe(0);
    expect(drawn.stderr).toMatch(/^random search: 5 samples, --seed \d+\n$/);
    const refused = await run([...SWEEP, '--search', 'random', '--samples', '0']);
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(
        /^hindsight submit-sweep: --samples must be a whole number from 1 to [\d,]+, got "0"\n$/,
      ),
    });
  }, 120_000);

  it('--json prints the finished GET view', async () => {
    const result = await run([...SWEEP, '--json', '--objective', 'returnPct']);
    expect(result.code, result.stderr).toBe(0);
    const view = JSON.parse(result.stdout) as { status: string; config: { objective: string } };
    expect(view.status).toBe('completed');
    expect(view.config.objective).toBe('returnPct');
  }, 120_000);

  it('without --watch prints the id and leaves the sweep to the service', async () => {
    const result = await run(SWEEP.slice(0, -1));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\S+\n$/);
    const json = await run([...SWEEP.slice(0, -1), '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'queued', combos: { total: 12 } });
  });

  it('a refused sweep is one line from the api', async () => {
    const result = await run([...SWEEP.slice(0, -3), '--grid', 'slow=2,3']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hindsight submit-sweep: HS_ERR_SWEEP_EMPTY: .*\(HTTP 400\)\n$/);
  });

  it('a bad grid is one line, before anything is sent', async () => {
    const result = await run([...SWEEP, '--grid', 'stop=1:2']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'hindsight submit-sweep: --grid stop=1:2: a range is start:stop:step, e.g. fast=5:50:5\n',
    });
  });
});
