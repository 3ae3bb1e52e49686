import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ARTIFACT_FORMAT_VERSION,
  checkpointDir,
  indicatorsRoot,
  type ResultManifest,
  type TaskArtifacts,
  taskDir,
  writeTaskArtifacts,
} from '@hindsight/service';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from '../../test/run-in-process.js';
import { cleanupCommand, parseAge } from './cleanup.js';

let dataRoot: string;

beforeEach(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'hindsight-cli-cleanup-'));
});

afterEach(async () => {
  await rm(dataRoot, { recursive: true, force: true });
});

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  return runInProcess(cleanupCommand, argv, { DATA_ROOT: dataRoot, ...env });
}

async function result(daysAgo: number): Promise<string> {
  const id = randomBytes(8).toString('hex');
  const finishedAt = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  const artifacts: TaskArtifacts = {
    manifest: {
      formatVersion: ARTIFACT_FORMAT_VERSION,
      id,
      ownerId: 'alice',
      name: 'x',
      // The manifest's config is stored, never read back by cleanup.
      config: {} as ResultManifest['config'],
      params: {},
      fingerprint: 'f',
      engineVersion: '0.1.0',
      data: [],
      files: { equity: 'equity.json', trades: 'trades.json', stats: 'stats.json' },
      createdAt: finishedAt,
      startedAt: finishedAt,
      finishedAt,
      reusedFrom: null,
    },
    equity: { time: [], equity: [], drawdownPct: [] },
    trades: { trades: [], openTrades: [] },
    // Nor are the statistics.
    stats: {} as TaskArtifacts['stats'],
  };
  await writeTaskArtifacts(dataRoot, id, artifacts);
  return id;
}

describe('hindsight cleanup', () => {
  it('removes results older than TASK_RESULT_TTL_DAYS by default and says what it removed', async () => {
    const old = await result(9);
    const young = await result(3);
    const { code, stdout, stderr } = await run([], { TASK_RESULT_TTL_DAYS: '7' });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^removed ${old} \\(finished \\S+Z, \\d+ B\\)$`));
    expect(lines[1]).toMatch(/^removed 1 directory \(\d+ B\); kept 1 younger than 7d$/);
    expect(lines[2]).toBe('removed 0 indicator series files (0 B); kept 0 used within 7d');
    expect(lines[3]).toBe('removed 0 checkpoints (0 B); kept 0 written within 7d');
    expect(existsSync(taskDir(dataRoot, old))).toBe(false);
    expect(existsSync(taskDir(dataRoot, young))).toBe(true);
  });

  it('removes indicator series not read within the age, keeps those in use', async () => {
    const series = async (name: string, daysAgo: number) => {
      const path = join(indicatorsRoot(dataRoot), name.slice(0, 2), name);
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, Buffer.alloc(1_024));
      const at = new Date(Date.now() - daysAgo * 86_400_000);
      await utimes(path, at, at);
      return path;
    };
    const unused = await series('ab01.f64', 10);
    const inUse = await series('cd01.f64', 1);
    const { code, stdout } = await run(['--older-than', '7d']);
    expect(code).toBe(0);
    expect(stdout).toContain('removed 1 indicator series files (1.0 kB); kept 1 used within 7d\n');
    expect([existsSync(unused), existsSync(inUse)]).toEqual([false, true]);
    const json = JSON.parse((await run(['--json', '--dry-run'])).stdout);
    expect(json.indicators).toEqual({ removed: 0, kept: 1, bytesRemoved: 0 });
  });

  it('removes checkpoints not written within the age, keeps those being written', async () => {
    const written = async (id: string, daysAgo: number) => {
      const dir = checkpointDir(dataRoot, id);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'state.bin'), Buffer.alloc(2_048));
      const at = new Date(Date.now() - daysAgo * 86_400_000);
      await utimes(join(dir, 'state.bin'), at, at);
      return dir;
    };
    const abandoned = await written('bt_abandoned', 10);
    const running = await written('bt_running', 0);
    const { code, stdout } = await run(['--older-than', '7d']);
    expect(code).toBe(0);
    expect(stdout).toContain('removed 1 checkpoints (2.0 kB); kept 1 written within 7d\n');
    expect([existsSync(abandoned), existsSync(running)]).toEqual([false, true]);
    const json = JSON.parse((await run(['--json', '--dry-run'])).stdout);
    expect(json.checkpoints).toEqual({ removed: 0, kept: 1, bytesRemoved: 0 });
  });

  it('takes --older-than, and --dry-run removes nothing', async () => {
    const young = await result(3);
    const { stdout } = await run(['--older-than', '2d', '--dry-run', '--json']);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ olderThan: '2d', dryRun: true, kept: 0 });
    expect(report.removed.map((r: { id: string }) => r.id)).toEqual([young]);
    expect(existsSync(taskDir(dataRoot, young))).toBe(true);
  });

  it('names a bad age and a bad environment', async () => {
    expect(await run(['--older-than', 'a week'])).toMatchObject({
      code: 1,
      stderr:
        'hindsight cleanup: --older-than must look like 7d, 12h, 30m, 90s or 2w, got "a week"\n',
    });
    expect(await run([], { TASK_RESULT_TTL_DAYS: 'soon', PORT: 'x' })).toMatchObject({
      code: 1,
      stderr:
        'hindsight cleanup: invalid configuration\n' +
        'PORT must be an integer in 1..65535, got "x"\n' +
        'TASK_RESULT_TTL_DAYS must be a number greater than 0, got "soon"\n',
    });
  });

  it('reads ages in seconds to weeks', () => {
    // 1.5 h = 5,400,000 ms; 2 w = 14 days = 1,209,600,000 ms.
    expect([
      parseAge('90s'),
      parseAge('30m'),
      parseAge('1.5h'),
      parseAge('7d'),
      parseAge('2w'),
    ]).toEqual([90_000, 1_800_000, 5_400_000, 604_800_000, 1_209_600_000]);
  });
});
