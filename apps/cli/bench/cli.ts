/**
 * The CLI as users meet it, whole processes timed from outside:
 * - `hindsight --help` against a bare `node -e 0` (target: within 5x);
 * - `hindsight run` on a 1M-bar one-minute CSV (SMA 10/30, every statistic, JSON out) against
 *   backtesting.py 0.6.6 doing the same, run alternately on the same file (targets: >= 10x
 *   faster, peak memory <= 1/3). backtesting.py's side runs when BTPY_SRC names an unpacked
 *   backtesting.py 0.6.6 and /usr/bin/python3 has pandas (see tools/oracle/); else it is skipped
 *   with a note. Peak memory (maxRSS) is read through GNU time (/usr/bin/time) when present.
 *
 * The CLI is built from the current sources into a temporary directory first; the CSV is
 * generated (seeded synthetic bars) and deleted afterwards.
 *
 * Run: pnpm bench (or npx tsx --conditions=source apps/cli/bench/cli.ts); RUNS=N repeats.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from '../scripts/build.js';
import { writeMinuteCsv } from './minute-csv.js';

const RUNS = Number(process.env.RUNS ?? 5);
const HELP_RUNS = 20;
const PYTHON = '/usr/bin/python3';
const GNU_TIME = '/usr/bin/time';
const BTPY_RUNNER = fileURLToPath(new URL('./btpy_run.py', import.meta.url));

interface Measured {
  ms: number;
  /** CPU time (user + system), when GNU time is there to read it: steadier than wall time on a busy machine. */
  cpuMs: number | null;
  /** Peak resident memory in bytes, when GNU time is there to read it. */
  peakBytes: number | null;
}

/** One whole process: wall time, and peak RSS through GNU time; stdout to `out`. */
function measure(command: string[], out: string): Measured {
  const fd = openSync(out, 'w');
  const withTime = existsSync(GNU_TIME);
  const argv = withTime ? [GNU_TIME, '-f', 'maxrss=%M cpu=%U+%S', ...command] : command;
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', fd, 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  closeSync(fd);
  const stderr = result.stderr.toString();
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed:\n${stderr}`);
  const rss = /maxrss=(\d+) cpu=([\d.]+)\+([\d.]+)/.exec(stderr);
  return {
    ms,
    cpuMs: rss ? (Number(rss[2]) + Number(rss[3])) * 1000 : null,
    peakBytes: rss ? Number(rss[1]) * 1024 : null,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >>> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summary(runs: Measured[]): Measured {
  const peaks = runs.map((r) => r.peakBytes).filter((p) => p !== null);
  const cpu = runs.map((r) => r.cpuMs).filter((c) => c !== null);
  return {
    ms: median(runs.map((r) => r.ms)),
    cpuMs: cpu.length === runs.length ? median(cpu) : null,
    peakBytes: peaks.length === runs.length ? Math.max(...peaks) : null,
  };
}

function mb(bytes: number | null): string {
  return bytes === null ? 'n/a' : `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

function btpySource(): string | null {
  const src = process.env.BTPY_SRC;
  if (!src) return null;
  const check = spawnSync(PYTHON, ['-c', 'import numpy, pandas'], { stdio: 'ignore' });
  return check.status === 0 && existsSync(join(src, 'backtesting')) ? src : null;
}

const dir = mkdtempSync(join(tmpdir(), 'hindsight-cli-bench-'));
try {
  const entry = await buildCli(join(dir, 'dist'));
  const out = join(dir, 'out.json');

  const bare: Measured[] = [];
  const help: Measured[] = [];
  for (let i = 0; i < HELP_RUNS; i++) {
    bare.push(measure([process.execPath, '-e', '0'], out));
    help.push(measure([process.execPath, entry, '--help'], out));
  }
  const bareMs = median(bare.map((r) => r.ms));
  const helpMs = median(help.map((r) => r.ms));
  console.log(`CLI start, whole process, median of ${HELP_RUNS} alternate runs`);
  console.log(`  node -e 0          ${bareMs.toFixed(0)} ms`);
  console.log(
    `  hindsight --help   ${helpMs.toFixed(0)} ms = ${(helpMs / bareMs).toFixed(2)}x node (target: <= 5x)`,
  );

  const csv = join(dir, 'bench-1m.csv');
  writeMinuteCsv(csv, 1_000_000);
  const run = [process.execPath, entry, 'run', '--data', csv, '--strategy', 'sma_crossover'];
  const args = ['--param', 'fast=10', '--param', 'slow=30', '--commission', '0.001', '--json'];
  const src = btpySource();
  const runs = { full: [] as Measured[], none: [] as Measured[], btpy: [] as Measured[] };
  for (let i = 0; i < RUNS; i++) {
    runs.full.push(measure([...run, ...args], out));
    runs.none.push(measure([...run, ...args, '--equity', 'none'], out));
    if (src) runs.btpy.push(measure([PYTHON, BTPY_RUNNER, src, csv], out));
  }
  const full = summary(runs.full);
  const none = summary(runs.none);
  console.log(
    `\n1M one-minute bars from CSV, SMA 10/30, every statistic, JSON out: whole process, median of ${RUNS} alternate runs, peak RSS the largest`,
  );
  console.log(
    `  ${''.padEnd(44)} ${'wall'.padStart(9)} ${'cpu'.padStart(9)} ${'peak RSS'.padStart(9)}`,
  );
  const line = (name: string, s: Measured, vs?: Measured[]) => {
    const cpu = s.cpuMs === null ? 'n/a' : `${s.cpuMs.toFixed(0)} ms`;
    let text = `  ${name.padEnd(44)} ${`${s.ms.toFixed(0)} ms`.padStart(9)} ${cpu.padStart(9)} ${mb(s.peakBytes).padStart(9)}`;
    if (vs && vs.length > 0) {
      const b = summary(vs);
      text += `   ${(b.ms / s.ms).toFixed(1)}x faster`;
      if (s.cpuMs !== null && b.cpuMs !== null) text += ` (cpu ${(b.cpuMs / s.cpuMs).toFixed(1)}x)`;
      if (s.peakBytes !== null && b.peakBytes !== null) {
        text += `, ${(s.peakBytes / b.peakBytes).toFixed(2)} of its memory`;
      }
    }
    console.log(text);
  };
  line('hindsight run --json (every bar of equity)', full, runs.btpy);
  line('hindsight run --json --equity none', none, runs.btpy);
  if (src) line('backtesting.py 0.6.6 (stats and trades)', summary(runs.btpy));
  else {
    console.log(
      '  backtesting.py: skipped (set BTPY_SRC to an unpacked backtesting.py 0.6.6; /usr/bin/python3 needs pandas)',
    );
  }
  console.log('targets: >= 10x faster than backtesting.py; peak memory <= 1/3 of its');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
