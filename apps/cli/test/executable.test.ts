import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../scripts/build.js';
import type { Command } from '../src/command.js';
import { runCommand } from '../src/commands/run.js';
import { sweepCommand } from '../src/commands/sweep.js';
import { runInProcess } from './run-in-process.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const GOOG = join(REPO, 'fixtures', 'market-data', 'GOOG.csv');

/**
 * Every module a process resolves, written to a file as it goes: a module-resolution hook
 * (node:module register) installed before the CLI starts. Inline, as data: URLs.
 */
const HOOKS = `import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(file, result.url + '\\n');
  return result;
}`;
const RECORDER = `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)}, { data: { file: process.env.RECORD_IMPORTS } });`;

/** The clients a CSV run has no use for, as they appear in resolved module URLs. */
const HEAVY = ['@duckdb', 'ioredis', 'bullmq', 'mongoose', 'mongodb', 'better-sqlite3', 'pino'];

let dir: string;
let entry: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hindsight-cli-build-'));
  entry = await buildCli(join(dir, 'dist'));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the built CLI; returns its output and every module it loaded. */
function runBuilt(args: string[], env: NodeJS.ProcessEnv = {}) {
  const record = join(dir, `imports-${Math.random().toString(36).slice(2)}.txt`);
  const result = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(RECORDER)}`, entry, ...args],
    {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, RECORD_IMPORTS: record, ...env },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  let loaded: string[] = [];
  try {
    loaded = readFileSync(record, 'utf8').split('\n').filter(Boolean);
  } catch {
    // Nothing resolved past the entry.
  }
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, loaded };
}

/** What the command prints from the sources, in this process: what the bundle must print. */
async function sourcesPrint(command: Command, argv: string[]) {
  const { code, stdout, stderr } = await runInProcess(command, argv);
  expect(code, stderr).toBe(0);
  return stdout;
}

function heavy(loaded: string[]): string[] {
  return HEAVY.filter((name) => loaded.some((url) => url.includes(`/node_modules/${name}`)));
}

describe('the built hindsight executable', { timeout: 60_000 }, () => {
  it('prints its usage without loading any command', () => {
    const { code, stdout, loaded } = runBuilt(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: hindsight <command>/);
    const files = loaded.filter((url) => url.startsWith('file:'));
    expect(files).toEqual([pathToFileURL(entry).href]);
  });

  it('says its bundles are ES modules, so node compiles each once wherever dist is put', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'dist', 'package.json'), 'utf8'));
    expect(manifest).toEqual({ type: 'module' });
  });

  it('runs a CSV backtest as the sources do, without Redis, DuckDB or MongoDB clients', async () => {
    const argv = ['--data', GOOG, '--strategy', 'sma_crossover', '--commission', '0.001', '--json'];
    const built = runBuilt(['run', ...argv]);
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(built.stdout).toBe(await sourcesPrint(runCommand, argv));
    expect(heavy(built.loaded)).toEqual([]);
    // Nothing but its two bundles: TypeBox, too, is in run.js rather than ~700 files to load.
    const files = built.loaded.filter((url) => url.startsWith('file:'));
    expect(files).toEqual([entry, join(dir, 'dist', 'run.js')].map((f) => pathToFileURL(f).href));
  });

  it('sweeps a CSV on worker threads started from the bundle, as the sources do', async () => {
    const argv = [
      '--data',
      GOOG,
      '--strategy',
      'sma_crossover',
      '--grid',
      'fast=5:20:5',
      '--grid',
      'slow=20:60:20',
      '--threads',
      '2',
      '--json',
    ];
    const built = runBuilt(['sweep', ...argv]);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toBe(await sourcesPrint(sweepCommand, argv));
    expect(built.loaded.some((url) => url.endsWith('/dist/sweep-thread.js'))).toBe(true);
    expect(heavy(built.loaded)).toEqual([]);
  });

  it('loads the DuckDB cache for a symbol run (so the check above can fail)', () => {
    const dataRoot = join(dir, 'data');
    const built = runBuilt(['run', '--symbol', 'synthetic:DEMO', '--strategy', 'sma_crossover'], {
      DATA_ROOT: dataRoot,
    });
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(heavy(built.loaded)).toContain('@duckdb');
  });
});
