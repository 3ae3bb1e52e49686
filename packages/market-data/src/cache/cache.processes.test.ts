import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BARS_PER_SLICE, RACE_KEY as KEY } from '../../test/cache-race.js';
import { temporaryDirectory } from '../../test/helpers.js';
import { MarketDataCache } from './cache.js';

const child = fileURLToPath(new URL('../../test/cache-process.ts', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../../..', import.meta.url));

interface Child {
  /** Resolves once the process has started and waits for the go signal. */
  ready: Promise<void>;
  /** Resolves with the JSON line it ends with. */
  done: Promise<Record<string, unknown>>;
  /** Stops the process if it is still running (after a failure elsewhere). */
  stop: () => void;
}

/** Starts the test's child script in a separate node process. */
function start(...args: string[]): Child {
  let ready: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const processHandle = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', child, ...args],
    { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const done = new Promise<Record<string, unknown>>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    processHandle.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.startsWith('ready\n')) ready();
    });
    processHandle.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    processHandle.on('error', reject);
    processHandle.on('close', (code) => {
      if (code !== 0) reject(new Error(`${args[0]} exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
  return {
    ready: Promise.race([started, done.then(() => undefined)]),
    done,
    stop: () => {
      if (processHandle.exitCode === null) processHandle.kill();
    },
  };
}

describe('MarketDataCache across processes', () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  beforeEach(async () => {
    directory = await temporaryDirectory();
  });
  afterEach(async () => {
    await directory.remove();
  });

  it('lets three writers and two readers share one series: no errors, no lost or torn data', async () => {
    const writers = 3;
    const commits = 15;
    const children = [
      ...Array.from({ length: writers }, (_, id) =>
        start('writer', directory.path, String(id), String(commits)),
      ),
      start('reader', directory.path, String(writers * commits)),
      start('reader', directory.path, String(writers * commits)),
    ];
    let results: Record<string, unknown>[];
    try {
      await Promise.all(children.map((child) => child.ready));
      await writeFile(join(directory.path, 'go'), '');
      results = await Promise.all(children.map((child) => child.done));
    } finally {
      for (const child of children) child.stop();
    }
    const readers = results.filter((result) => result.mode === 'reader');
    for (const reader of readers) {
      expect(reader.problems, 'what a reader saw').toEqual([]);
      expect(reader.lastVersion, 'readers keep reading until the last commit').toBe(
        writers * commits,
      );
    }
    const seen = readers.reduce((sum, reader) => sum + (reader.versions as number), 0);
    expect(seen, 'versions the readers saw while the writers wrote').toBeGreaterThan(2);

    const cache = new MarketDataCache({ dataRoot: directory.path });
    try {
      const final = await cache.read(KEY);
      // Every commit of every writer is there: 3 x 15 slices of 10 bars. (Usually in 45 versions;
      // a commit that cannot prove it was built on is taken back and redone, which adds one.)
      expect(final!.info.version).toBeGreaterThanOrEqual(writers * commits);
      expect(final!.bars.length).toBe(writers * commits * BARS_PER_SLICE);
      expect(final!.info.coverage).toEqual([
        { from: 0, to: writers * commits * BARS_PER_SLICE * 60_000 },
      ]);
    } finally {
      await cache.close();
    }
  }, 120_000);
});
