import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimulationResult, simulate, simulationConfig, strategies } from '@hindsight/engine';
import { syntheticBars } from '@hindsight/market-data';
import { afterEach, describe, expect, it } from 'vitest';
import { RunCheckpoints } from './checkpoints.js';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function setup() {
  root = mkdtempSync(join(tmpdir(), 'hindsight-checkpoints-'));
  const bars = syntheticBars('CKPT', {
    timeframe: '1h',
    start: Date.UTC(2015, 0, 1),
    count: 30_000,
  });
  const signals = strategies.sma_crossover.signals(bars, { fast: 10, slow: 30, allowShort: true });
  const inputs = [{ symbol: 'CKPT', bars, signals, weight: 1 }];
  const config = simulationConfig({ stopLossPct: 3 });
  return { inputs, config, full: simulate(inputs, config) };
}

const bits = (result: SimulationResult) =>
  [result.equity, result.cash!].map((a) => Buffer.from(a.buffer).toString('base64'));

describe('RunCheckpoints', () => {
  it('saves only what is new, and a later attempt resumes to the uninterrupted result', () => {
    const { inputs, config, full } = setup();
    const length = full.equity.length;
    // Every progress point is due: the files grow by appends from one save to the next.
    const first = new RunCheckpoints(root, 'bt', 'key-1', 0);
    let saves = 0;
    const sink = first.sink();
    const stopAt = Math.floor(length / 2);
    const abort = new AbortController();
    expect(() =>
      simulate(inputs, config, {
        progressEveryBars: 1000,
        signal: abort.signal,
        checkpoints: {
          due: sink.due,
          save: (checkpoint) => {
            sink.save(checkpoint);
            saves++;
            if (checkpoint.nextBar > stopAt) abort.abort();
          },
        },
      }),
    ).toThrow(/cancelled/);
    expect(saves).toBeGreaterThan(3);

    const second = new RunCheckpoints(root, 'bt', 'key-1', 60_000);
    const resumeFrom = second.load(length, inputs);
    expect(resumeFrom?.nextBar).toBeGreaterThan(stopAt);
    expect(resumeFrom!.trades.length).toBeGreaterThan(0);
    const resumed = simulate(inputs, config, { resumeFrom: resumeFrom! });
    expect(resumed).toEqual(full);
    expect(bits(resumed)).toEqual(bits(full));
  });

  it('reads the last whole checkpoint of a save cut short after its appends', () => {
    const { inputs, config, full } = setup();
    const length = full.equity.length;
    const keeper = new RunCheckpoints(root, 'bt', 'key-1', 0);
    const sink = keeper.sink();
    let kept = 0;
    simulate(inputs, config, {
      progressEveryBars: 2000,
      checkpoints: {
        due: () => kept === 0 && sink.due(),
        save: (checkpoint) => {
          sink.save(checkpoint);
          kept = checkpoint.nextBar;
        },
      },
    });
    // A save killed after appending its series, before renaming its state into place.
    const dir = join(root, 'checkpoints', 'bt');
    for (const name of ['equity.f64', 'cash.f64', 'trades.f64']) {
      appendFileSync(join(dir, name), Buffer.alloc(8 * 13, 7));
    }
    const again = new RunCheckpoints(root, 'bt', 'key-1', 0);
    const resumeFrom = again.load(length, inputs)!;
    expect(resumeFrom.nextBar).toBe(kept);
    expect(simulate(inputs, config, { resumeFrom })).toEqual(full);
    // The next save appends right after the checkpoint's bar, not after the torn bytes.
    let resumedSaves = 0;
    const resumedSink = again.sink();
    simulate(inputs, config, {
      resumeFrom,
      progressEveryBars: 2000,
      checkpoints: {
        due: resumedSink.due,
        save: (checkpoint) => {
          resumedSink.save(checkpoint);
          resumedSaves++;
        },
      },
    });
    expect(resumedSaves).toBeGreaterThan(0);
    const last = new RunCheckpoints(root, 'bt', 'key-1', 0).load(length, inputs)!;
    expect(simulate(inputs, config, { resumeFrom: last })).toEqual(full);
  });

  it('drops a checkpoint of other settings or bars, or an unreadable one', () => {
    const { inputs, config, full } = setup();
    const length = full.equity.length;
    const save = (key: string) => {
      const keeper = new RunCheckpoints(root, 'bt', key, 0);
      let done = false;
      simulate(inputs, config, {
        progressEveryBars: 5000,
        checkpoints: {
          due: () => !done,
          save: (checkpoint) => {
            keeper.save(checkpoint);
            done = true;
          },
        },
      });
    };
    const dir = join(root, 'checkpoints', 'bt');
    save('key-1');
    expect(new RunCheckpoints(root, 'bt', 'key-2', 0).load(length, inputs)).toBeNull();
    expect(existsSync(dir)).toBe(false);

    save('key-1');
    expect(new RunCheckpoints(root, 'bt', 'key-1', 0).load(length + 1, inputs)).toBeNull();
    expect(existsSync(dir)).toBe(false);

    save('key-1');
    writeFileSync(join(dir, 'state.bin'), 'not a checkpoint');
    expect(new RunCheckpoints(root, 'bt', 'key-1', 0).load(length, inputs)).toBeNull();
    expect(existsSync(dir)).toBe(false);

    expect(new RunCheckpoints(root, 'none', 'key-1', 0).load(length, inputs)).toBeNull();
  });
});
