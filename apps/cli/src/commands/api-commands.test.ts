import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../../test/run-in-process.js';
import { startTestService, type TestService } from '../../test/service-fixture.js';
import type { Command } from '../command.js';
import { cancelCommand } from './cancel.js';
import { keysCommand } from './keys.js';
import { listCommand } from './list.js';
import { statusCommand } from './status.js';
import { submitCommand } from './submit.js';

/** The CLI's api commands against the real service: api and worker as child processes. */
let service: TestService;

beforeAll(async () => {
  service = await startTestService();
}, 90_000);
afterAll(async () => {
  await service?.stop();
});

async function run(command: Command, argv: string[], env: NodeJS.ProcessEnv = service.env) {
  return runInProcess(command, argv, env);
}

const DEMO = [
  '--strategy',
  'sma_crossover',
  '--param',
  'fast=10',
  '--param',
  'slow=30',
  '--symbol',
  'synthetic:DEMO',
  '--start',
  '2015-01-01',
  '--end',
  '2020-12-31',
];

describe('before a worker runs', () => {
  it('cancel of a queued backtest cancels it at once', async () => {
    const submitted = await run(submitCommand, [...DEMO, '--name', 'to cancel']);
    expect(submitted.code, submitted.stderr).toBe(0);
    const id = submitted.stdout.trim();
    expect(id).toMatch(/^\S+$/);

    const queued = await run(statusCommand, [id, '--json']);
    expect(JSON.parse(queued.stdout)).toMatchObject({ id, status: 'queued', name: 'to cancel' });

    const cancelled = await run(cancelCommand, [id]);
    expect(cancelled, cancelled.stderr).toMatchObject({ code: 0, stdout: `${id} cancelled\n` });
    const again = await run(cancelCommand, [id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^hindsight cancel: HS_ERR_ALREADY_TERMINAL: .*already cancelled.* \(HTTP 409\)\n$/,
    );

    const listed = await run(listCommand, ['--status', 'cancelled', '--json']);
    expect(
      (JSON.parse(listed.stdout) as { items: { id: string }[] }).items.map((i) => i.id),
    ).toEqual([id]);
  });

  it('an unknown id is the api error, code and HTTP status on one line', async () => {
    const result = await run(statusCommand, ['no-such-backtest']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hindsight status: HS_ERR_\w+: .* \(HTTP 404\)\n$/);
  });

  it('a bad submit is refused with the validation error', async () => {
    const result = await run(submitCommand, [
      ...DEMO.slice(0, 8),
      '--start',
      '2020-01-01',
      '--end',
      '2019-01-01',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hindsight submit: HS_ERR_\w+: .*\(HTTP 4\d\d\)\n$/);
  });

  it('keys create stores a key the running api accepts at once', async () => {
    const created = await run(keysCommand, ['create', '--user', 'carol', '--tier', 'basic']);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^hs_[A-Za-z0-9_-]{43}$/);

    const env = { ...service.env, HINDSIGHT_API_KEY: key };
    const listed = await run(listCommand, [], env);
    expect(listed, 'carol owns no backtests yet').toMatchObject({
      code: 0,
      stdout: 'no backtests\n',
    });
    const bad = await run(listCommand, [], {
      ...service.env,
      HINDSIGHT_API_KEY: 'not-a-key-00000',
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^hindsight list: HS_ERR_UNAUTHORIZED: .* \(HTTP 401\)\n$/);
  });

  it('keys create names a bad tier', async () => {
    const result = await run(keysCommand, ['create', '--user', 'dave', '--tier', 'gold']);
    expect(result).toMatchObject({
      code: 1,
      stderr: 'hindsight keys: --tier must be one of free, basic, pro, got "gold"\n',
    });
  });
});

describe('with a worker', () => {
  beforeAll(async () => {
    await service.startWorker();
  }, 90_000);

  it('submit --watch draws progress and prints the summary on completion', async () => {
    const result = await run(submitCommand, [...DEMO, '--watch', '--tag', 'cli']);
    expect(result.code, `${result.stderr}\n${service.output().slice(-2000)}`).toBe(0);
    const [id, ...summary] = result.stdout.trimEnd().split('\n');
    expect(summary.map((line) => line.split(/\s{2,}/)[0])).toEqual([
      'Equity Final [$]',
      'Return [%]',
      'Sharpe Ratio',
      'Max. Drawdown [%]',
      '# Trades',
      'Win Rate [%]',
    ]);
    // stderr is not a TTY here: plain progress lines, ending at 100%.
    const progress = result.stderr.trimEnd().split('\n');
    expect(progress.length).toBeGreaterThan(0);
    for (const line of progress) expect(line).toMatch(/^\[[#.]{10}\] \d{1,3}% \w+( [\d,]+ bars)?$/);

    const status = await run(statusCommand, [id!, '--json']);
    const record = JSON.parse(status.stdout) as {
      status: string;
      tags: string[];
      summary: { equityFinal: number; returnPct: number };
    };
    expect(record).toMatchObject({ status: 'completed', tags: ['cli'] });
    // The printed figures are the record's, formatted like `hindsight run`.
    expect(summary[0]).toContain(record.summary.equityFinal.toFixed(2));

    const human = await run(statusCommand, [id!]);
    expect(human.stdout).toMatch(new RegExp(`^${id}  `));
    expect(human.stdout).toContain('status     completed');

    const listed = await run(listCommand, ['--limit', '5']);
    const rows = listed.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(
      /^ID\s+STATUS\s+PROGRESS\s+STRATEGY\s+SYMBOLS\s+RETURN \[%\]\s+CREATED$/,
    );
    expect(rows.find((row) => row.startsWith(id!))).toMatch(
      /\scompleted\s+100%\s+sma_crossover\s+synthetic:DEMO\s/,
    );
  }, 60_000);

  it('submit --watch --json prints the finished record only', async () => {
    const result = await run(submitCommand, [...DEMO, '--watch', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'completed', progress: 1 });
  }, 60_000);
});

describe('without an api', () => {
  it('says the api cannot be reached and how to start it', async () => {
    const env = { ...service.env, HINDSIGHT_URL: 'http://127.0.0.1:1' };
    const result = await run(listCommand, [], env);
    expect(result).toMatchObject({
      code: 1,
      stderr:
        'hindsight list: cannot reach the Hindsight api at http://127.0.0.1:1: is it running (npm start)?\n',
    });
  });

  it('asks for a key before calling', async () => {
    const { HINDSIGHT_API_KEY: _, ...env } = service.env;
    const result = await run(statusCommand, ['x'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^hindsight status: no API key: set HINDSIGHT_API_KEY or pass --key/,
    );
  });
});
